// A real OpenID provider for the browser tests (panva's certified oidc-provider), on loopback:
// one client for the console targets, and three people whose `groups` claim maps to admin,
// viewer and nothing. Its development login form takes any password.
// Usage: node --import tsx e2e/oidc-provider.ts (OIDC_PORT, default 3190)
import Provider from 'oidc-provider';

export const OIDC_PORT = Number(process.env.OIDC_PORT ?? 3190);
export const OIDC_ISSUER = `http://127.0.0.1:${OIDC_PORT}`;
export const OIDC_CLIENT = { id: 'meta-backup-console', secret: 'e2e-client-secret-not-for-production' };
export const OIDC_ROLE_MAP = 'console-admins=admin,console-operators=operator,console-viewers=viewer';

const PEOPLE: Record<string, string[]> = {
  'sso-admin': ['console-admins', 'everyone'],
  'sso-viewer': ['console-viewers', 'everyone'],
  'sso-stranger': ['everyone'],
};

if (import.meta.url === `file://${process.argv[1]}`) {
  const ports = (process.env.OIDC_CONSOLE_PORTS ?? '3101,3102').split(',');
  const provider = new Provider(OIDC_ISSUER, {
    clients: [
      {
        client_id: OIDC_CLIENT.id,
        client_secret: OIDC_CLIENT.secret,
        redirect_uris: ports.map((port) => `http://127.0.0.1:${port}/api/auth/callback/oidc`),
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'preferred_username', 'groups'] },
    findAccount: async (_ctx, id) =>
      PEOPLE[id]
        ? {
            accountId: id,
            claims: async () => ({
              sub: id,
              name: id,
              preferred_username: id,
              email: `${id}@example.test`,
              email_verified: true,
              groups: PEOPLE[id],
            }),
          }
        : undefined,
    cookies: { keys: ['e2e-oidc-cookie-key'] },
    features: { devInteractions: { enabled: true } },
  });
  provider.proxy = false;
  provider.listen(OIDC_PORT, '127.0.0.1', () => console.log(`OpenID provider at ${OIDC_ISSUER}`));
}
