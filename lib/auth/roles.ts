// Who may do what: three roles, each a superset of the one before, and the API token scopes
// that stand for them.

export const ROLES = ['viewer', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** What a role is for, as the users page explains it. */
export const ROLE_DESCRIPTIONS: Record<Role, string> = {
  viewer: 'every read, the pinned-SST list and CSV; no snapshot downloads',
  operator: 'viewer, and back up, cancel, verify, compare',
  admin: 'operator, and download and delete snapshots, delete orphans, change storage, manage users and tokens',
};

export const TOKEN_SCOPES = ['read', 'operate', 'admin'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

export const ROLE_OF_SCOPE: Record<TokenScope, Role> = { read: 'viewer', operate: 'operator', admin: 'admin' };

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** Whether `role` may do what `needed` may. */
export function roleAllows(role: Role, needed: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(needed);
}
