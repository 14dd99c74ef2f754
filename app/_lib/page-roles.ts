// The least role of each page, by path. The root layout enforces it with a real redirect (a page
// inside a loading boundary can only stream one), and each page declares the same role to
// requirePageRole for client-side navigations; page-roles.test.ts keeps the two equal.
import type { Role } from '@/lib/auth/roles';

const PAGE_ROLES: readonly (readonly [RegExp, Role | 'public'])[] = [
  [/^\/sign-in\/?$/, 'public'],
  [/^\/snapshots\/diff\/?$/, 'operator'],
  [/^\/(users|tokens|audit|alerts)(\/|$)/, 'admin'],
];

/** The role a path needs; every page not listed needs a viewer. */
export function pageRole(pathname: string): Role | 'public' {
  return PAGE_ROLES.find(([pattern]) => pattern.test(pathname))?.[1] ?? 'viewer';
}
