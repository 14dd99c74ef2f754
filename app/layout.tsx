import type { Metadata, Viewport } from 'next';
import type { ReactNode } from 'react';
import { PAGE_MANIFEST_MAX_AGE_MS } from '@/lib/backup/backup-manager';
import { getBackupManager } from '@/lib/backup/process-manager';
import { Nav } from '@/components/nav';
import { Providers } from '@/components/providers';
import { StorageBanner } from '@/components/storage-health';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'Meta Backup Console', template: '%s · Meta Backup Console' },
  description: 'Backups of the streaming database meta store',
};

export const viewport: Viewport = { width: 'device-width', initialScale: 1 };
export const dynamic = 'force-dynamic';

async function storageHealth(): Promise<{ ok: boolean; message: string | null }> {
  try {
    await getBackupManager().manifest({ maxAgeMs: PAGE_MANIFEST_MAX_AGE_MS }); // reachable within the second
    return { ok: true, message: null };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}

export default async function RootLayout({ children }: { children: ReactNode }) {
  const health = await storageHealth();
  return (
    <html lang="en">
      <body>
        <Providers storageOk={health.ok} storageMessage={health.message}>
          <a href="#content" className="skip-link">
            Skip to content
          </a>
          <header className="topbar">
            <span className="brand">Meta Backup Console</span>
            <Nav />
          </header>
          <StorageBanner />
          <main id="content">{children}</main>
        </Providers>
      </body>
    </html>
  );
}
