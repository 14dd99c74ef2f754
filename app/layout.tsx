import type { Metadata, Viewport } from 'next';
import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import type { ReactNode } from 'react';
import { PAGE_MANIFEST_MAX_AGE_MS } from '@/lib/backup/backup-manager';
import { getBackupManager } from '@/lib/backup/process-manager';
import { Nav } from '@/components/nav';
import { Providers } from '@/components/providers';
import { checkStorageHealth } from '@/lib/backup/storage-health';
import { StorageBanner } from '@/components/storage-health';
import { UserMenu } from '@/components/user-menu';
import { roleAllows } from '@/lib/auth/roles';
import { currentActor, safeNextPath } from './_lib/page-auth';
import { pageRole } from './_lib/page-roles';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'Meta Backup Console', template: '%s · Meta Backup Console' },
  description: 'Backups of the streaming database meta store',
};

export const viewport: Viewport = { width: 'device-width', initialScale: 1 };
export const dynamic = 'force-dynamic';

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Each page checks its own role too (client navigations may not render the layout).
  const actor = await currentActor();
  const path = (await headers()).get('x-mbc-path') ?? '/';
  const need = pageRole(path.split('?')[0]!);
  if (need !== 'public') {
    if (!actor) redirect(`/sign-in?next=${encodeURIComponent(safeNextPath(path))}`);
    if (!roleAllows(actor.role, need)) redirect(`/forbidden?need=${need}`);
  }
  const user = actor ? { name: actor.name, role: actor.role } : null;
  // Reachable within the second; a stalled server shows in the banner after 2 s, not a hung page.
  const health = user
    ? await checkStorageHealth(getBackupManager(), { maxAgeMs: PAGE_MANIFEST_MAX_AGE_MS, deadlineMs: 2_000 })
    : ({ ok: true } as const);
  return (
    <html lang="en">
      <body>
        <Providers storageOk={health.ok} storageMessage={health.ok ? null : health.message} user={user}>
          <a href="#content" className="skip-link">
            Skip to content
          </a>
          <header className="topbar">
            <span className="brand">Meta Backup Console</span>
            {user && <Nav />}
            {user && <UserMenu />}
          </header>
          {user && <StorageBanner />}
          <main id="content">{children}</main>
        </Providers>
      </body>
    </html>
  );
}
