'use client';
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import type { Role } from '@/lib/auth/roles';
import { useCan } from './session';

const LINKS: { href: string; label: string; role: Role }[] = [
  { href: '/', label: 'Snapshots', role: 'viewer' },
  { href: '/pinned', label: 'Pinned SSTs', role: 'viewer' },
  { href: '/jobs', label: 'Jobs', role: 'viewer' },
  { href: '/schedules', label: 'Schedules', role: 'viewer' },
  { href: '/retention', label: 'Retention', role: 'viewer' },
  { href: '/settings', label: 'Settings', role: 'viewer' },
  { href: '/users', label: 'Users', role: 'admin' },
  { href: '/tokens', label: 'API tokens', role: 'admin' },
  { href: '/alerts', label: 'Alerts', role: 'admin' },
  { href: '/audit', label: 'Audit', role: 'admin' },
  { href: '/api-reference', label: 'API reference', role: 'viewer' },
];

export function Nav() {
  const pathname = usePathname();
  const isAdmin = useCan('admin');
  return (
    <nav aria-label="Main">
      <ul className="nav">
        {LINKS.filter((link) => link.role !== 'admin' || isAdmin).map((link) => {
          const active =
            link.href === '/' ? pathname === '/' || pathname.startsWith('/snapshots') : pathname.startsWith(link.href);
          return (
            <li key={link.href}>
              <Link
                href={link.href}
                aria-current={active ? 'page' : undefined}
                className={active ? 'active' : undefined}
              >
                {link.label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
