// Single sign-on with an OpenID Connect provider, configured from the environment:
// OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET; OIDC_ROLE_CLAIM (default "groups") and
// OIDC_ROLE_MAP ("value=role,...") give the role, OIDC_DEFAULT_ROLE the role of a user no
// value maps (none: such a user is refused); OIDC_NAME labels the sign-in button.
import { ROLES, isRole, type Role } from './roles.ts';

type Env = Record<string, string | undefined>;

export const OIDC_PROVIDER_ID = 'oidc';

export interface OidcConfig {
  issuer: string;
  clientId: string;
  clientSecret: string;
  roleClaim: string;
  roleMap: Map<string, Role>;
  defaultRole: Role | null;
  displayName: string;
}

export function oidcConfig(env: Env = process.env): OidcConfig | null {
  const issuer = env.OIDC_ISSUER?.trim();
  if (!issuer) return null;
  const clientId = env.OIDC_CLIENT_ID?.trim();
  const clientSecret = env.OIDC_CLIENT_SECRET?.trim();
  if (!clientId || !clientSecret)
    throw new Error('OIDC_ISSUER is set: OIDC_CLIENT_ID and OIDC_CLIENT_SECRET must be set too');
  const roleMap = new Map<string, Role>();
  for (const pair of (env.OIDC_ROLE_MAP ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const at = pair.lastIndexOf('=');
    const value = pair.slice(0, at).trim();
    const role = pair.slice(at + 1).trim();
    if (at <= 0 || !isRole(role))
      throw new Error(`OIDC_ROLE_MAP: "${pair}" is not value=role with a role of ${ROLES.join(', ')}`);
    roleMap.set(value, role);
  }
  const defaultRole = env.OIDC_DEFAULT_ROLE?.trim() || null;
  if (defaultRole !== null && !isRole(defaultRole))
    throw new Error(`OIDC_DEFAULT_ROLE must be one of ${ROLES.join(', ')}`);
  return {
    issuer: issuer.replace(/\/+$/, ''),
    clientId,
    clientSecret,
    roleClaim: env.OIDC_ROLE_CLAIM?.trim() || 'groups',
    roleMap,
    defaultRole,
    displayName: env.OIDC_NAME?.trim() || 'single sign-on',
  };
}

/** The highest role any of the claim's values maps to, else the default (or null: refused). */
export function roleFromClaims(config: OidcConfig, claims: Record<string, unknown>): Role | null {
  const raw = claims[config.roleClaim];
  const values = Array.isArray(raw) ? raw : raw == null ? [] : [raw];
  let best: Role | null = null;
  for (const value of values) {
    const role = typeof value === 'string' ? config.roleMap.get(value) : undefined;
    if (role && (best === null || ROLES.indexOf(role) > ROLES.indexOf(best))) best = role;
  }
  return best ?? config.defaultRole;
}
