import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import './globals.css';

export const metadata: Metadata = {
  title: 'Meta Backup Console',
  description: 'Backups of the streaming database meta store',
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <header className="topbar">
          <span className="brand">Meta Backup Console</span>
        </header>
        <main>{children}</main>
      </body>
    </html>
  );
}
