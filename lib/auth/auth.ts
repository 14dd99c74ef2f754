// The console's sign-in, built on better-auth: user name and password, single sign-on with
// OpenID Connect, sessions in the meta store's console tables, per-address rate limits.
// Everything a browser can reach is under /api/auth; endpoints the console does not use
// (self sign-up, e-mail flows, profile edits) are switched off.
import { betterAuth } from 'better-auth';
import { prismaAdapter } from 'better-auth/adapters/prisma';
import { APIError, createAuthMiddleware, getSessionFromCtx } from 'better-auth/api';
import { genericOAuth } from 'better-auth/plugins/generic-oauth';
import { username as usernamePlugin } from 'better-auth/plugins/username';
import { countFailedSignIns, writeAuditEvent } from '../meta/audit-log.ts';
import type { MetaStore } from '../meta/client.ts';
import { FIRST_ADMIN, forgetFirstAdminPassword } from './first-admin.ts';
import { OIDC_PROVIDER_ID, roleFromClaims, type OidcConfig } from './oidc-config.ts';
import type { Role } from './roles.ts';
import { consoleOrigins, type ConsoleOrigins } from './origins.ts';
import { clientAddress, userAgent } from './request-info.ts';
import { sessionPolicy, type SessionPolicy } from './session-policy.ts';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from './users.ts';

/** Failed sign-ins of one user name that lock it for the window (whatever the address). */
export const USER_SIGN_IN_LIMIT = { failures: 5, windowMs: 15 * 60_000 };

const DISABLED_PATHS = [
  '/sign-up/email',
  '/sign-in/email',
  '/change-email',
  '/update-user',
  '/delete-user',
  '/delete-user/callback',
  '/request-password-reset',
  '/reset-password',
  '/reset-password/:token',
  '/send-verification-email',
  '/verify-email',
  '/verify-password',
  '/link-social',
  '/unlink-account',
  '/list-accounts',
  '/account-info',
  '/get-access-token',
  '/refresh-token',
  '/update-session',
  '/is-username-available',
];

export interface ConsoleAuthOptions {
  meta: MetaStore;
  secret: string;
  origins?: ConsoleOrigins;
  oidc?: OidcConfig | null;
  policy?: SessionPolicy;
}

function decodeJwtClaims(token: string | null | undefined): Record<string, unknown> {
  const payload = token?.split('.')[1];
  if (!payload) return {};
  try {
    return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return {};
  }
}

/**
 * Roles mapped from a single sign-on user's claims (userinfo or id token), by subject, between
 * better-auth's profile mapping and the callback's end, where the user's row gets the role.
 */
export const SSO_NO_ROLE = 'NO_ROLE_FOR_CLAIMS';
const pendingSsoRoles = new Map<string, { role: Role; at: number }>();
const PENDING_SSO_ROLE_MS = 60_000;

function takePendingSsoRole(subject: string | undefined): Role | null {
  const now = Date.now();
  for (const [key, value] of pendingSsoRoles) if (now - value.at > PENDING_SSO_ROLE_MS) pendingSsoRoles.delete(key);
  const entry = subject === undefined ? undefined : pendingSsoRoles.get(subject);
  if (subject !== undefined) pendingSsoRoles.delete(subject);
  return entry?.role ?? null;
}

export function createConsoleAuth(options: ConsoleAuthOptions) {
  const { meta } = options;
  const prisma = meta.prisma;
  const origins = options.origins ?? consoleOrigins();
  const policy = options.policy ?? sessionPolicy();
  const oidc = options.oidc ?? null;

  const auditOf = (headers: Headers | undefined) => ({
    address: headers ? clientAddress(headers) : null,
    userAgent: headers ? userAgent(headers) : null,
  });

  return betterAuth({
    appName: 'Meta Backup Console',
    secret: options.secret,
    basePath: '/api/auth',
    baseURL: {
      allowedHosts: origins.hosts.flatMap((h) => (h.endsWith(':*') ? [h, h.slice(0, -2)] : [h])),
      protocol: origins.https ? 'https' : 'http',
    },
    trustedOrigins: origins.origins,
    database: prismaAdapter(prisma, {
      provider: meta.kind === 'postgresql' ? 'postgresql' : 'sqlite',
      transaction: false,
    }),
    telemetry: { enabled: false },
    disabledPaths: DISABLED_PATHS,
    emailAndPassword: {
      enabled: true,
      disableSignUp: true,
      minPasswordLength: MIN_PASSWORD_LENGTH,
      maxPasswordLength: MAX_PASSWORD_LENGTH,
    },
    user: {
      modelName: 'consoleUser',
      additionalFields: {
        role: { type: 'string', input: false, required: false, defaultValue: 'viewer' },
        disabled: { type: 'boolean', input: false, required: false, defaultValue: false },
      },
    },
    session: {
      modelName: 'consoleSession',
      expiresIn: Math.floor(policy.absoluteMs / 1000),
      disableSessionRefresh: true, // absolute expiry here; idle expiry in lib/auth/actor.ts
    },
    account: { modelName: 'consoleAccount', encryptOAuthTokens: true, accountLinking: { enabled: false } },
    verification: { modelName: 'consoleVerification' },
    rateLimit: {
      enabled: true,
      storage: 'database',
      modelName: 'consoleRateLimit',
      window: 60,
      max: 300,
      customRules: {
        '/sign-in/username': { window: 600, max: 30 },
        '/sign-in/social': { window: 600, max: 30 },
        '/change-password': { window: 600, max: 10 },
      },
    },
    advanced: {
      useSecureCookies: origins.https,
      cookiePrefix: 'mbc',
      ipAddress: { ipAddressHeaders: ['x-forwarded-for'] },
    },
    databaseHooks: {
      session: {
        create: {
          before: async (session) => {
            const user = await prisma.consoleUser.findUnique({
              where: { id: session.userId },
              select: { disabled: true },
            });
            if (!user || user.disabled) throw new APIError('FORBIDDEN', { message: 'this user is disabled' });
          },
        },
      },
    },
    hooks: {
      before: createAuthMiddleware(async (ctx) => {
        const where = auditOf(ctx.headers);
        if (ctx.path === '/sign-in/username') {
          const name = String((ctx.body as { username?: unknown } | undefined)?.username ?? '')
            .trim()
            .toLowerCase()
            .slice(0, 100);
          const since = new Date(Date.now() - USER_SIGN_IN_LIMIT.windowMs);
          if (name && (await countFailedSignIns(prisma, name, since)) >= USER_SIGN_IN_LIMIT.failures) {
            await writeAuditEvent(prisma, {
              ...where,
              actor: name,
              action: 'auth.sign-in',
              target: name,
              result: 'RATE_LIMITED',
              message: 'too many failed sign-ins for this user',
            });
            throw new APIError('TOO_MANY_REQUESTS', {
              message: `too many failed sign-ins for this user: try again in ${USER_SIGN_IN_LIMIT.windowMs / 60_000} minutes`,
            });
          }
        }
        if (ctx.path === '/sign-out') {
          const session = await getSessionFromCtx(ctx).catch(() => null);
          if (session)
            await writeAuditEvent(prisma, {
              ...where,
              actor: actorName(session.user),
              action: 'auth.sign-out',
              result: 'ok',
            });
        }
      }),
      after: createAuthMiddleware(async (ctx) => {
        const where = auditOf(ctx.headers);
        const returned = ctx.context.returned;
        const failure = returned instanceof APIError ? String(returned.body?.code ?? returned.status) : null;
        if (ctx.path === '/sign-in/username') {
          const name = String((ctx.body as { username?: unknown } | undefined)?.username ?? '')
            .trim()
            .toLowerCase()
            .slice(0, 100);
          const session = ctx.context.newSession;
          await writeAuditEvent(prisma, {
            ...where,
            actor: session ? actorName(session.user) : name || 'anonymous',
            action: 'auth.sign-in',
            target: name,
            result: session ? 'ok' : (failure ?? 'FAILED'),
            message: session ? 'password' : returned instanceof APIError ? returned.message : null,
          });
        }
        if (ctx.path === '/callback/:id' && oidc) {
          const session = ctx.context.newSession;
          if (!session) {
            const noRole = returned instanceof APIError && returned.body?.code === SSO_NO_ROLE;
            await writeAuditEvent(prisma, {
              ...where,
              actor: 'anonymous',
              action: 'auth.sign-in',
              target: OIDC_PROVIDER_ID,
              result: noRole ? 'FORBIDDEN' : (failure ?? 'FAILED'),
              message: noRole ? returned.message : 'single sign-on did not complete',
            });
            return;
          }
          // The role comes from the provider's claims at every sign-in, so a change there applies
          // at the next one: those better-auth mapped (from userinfo or the id token it verified).
          const account = await prisma.consoleAccount.findFirst({
            where: { userId: session.user.id, providerId: OIDC_PROVIDER_ID },
            select: { idToken: true, accountId: true },
          });
          const role =
            takePendingSsoRole(account?.accountId) ?? roleFromClaims(oidc, decodeJwtClaims(account?.idToken));
          if (!role) {
            await prisma.consoleSession.deleteMany({ where: { id: session.session.id } });
            await writeAuditEvent(prisma, {
              ...where,
              actor: actorName(session.user),
              action: 'auth.sign-in',
              target: OIDC_PROVIDER_ID,
              result: 'FORBIDDEN',
              message: `no role for the claim ${oidc.roleClaim}`,
            });
            throw ctx.redirect('/sign-in?error=no_role');
          }
          await prisma.$transaction(async (tx) => {
            await tx.consoleUser.update({ where: { id: session.user.id }, data: { role } });
            await writeAuditEvent(tx, {
              ...where,
              actor: actorName(session.user),
              action: 'auth.sign-in',
              target: OIDC_PROVIDER_ID,
              result: 'ok',
              message: `single sign-on as ${role}`,
            });
          });
        }
        if (ctx.path === '/change-password') {
          const session = ctx.context.session;
          await writeAuditEvent(prisma, {
            ...where,
            actor: session ? actorName(session.user) : 'anonymous',
            action: 'auth.change-password',
            result: failure ?? 'ok',
          });
          // The first admin's printed password is no longer valid: remove its file.
          if (!failure && session?.user.username === FIRST_ADMIN) forgetFirstAdminPassword();
        }
      }),
    },
    plugins: [
      usernamePlugin({ minUsernameLength: 3, maxUsernameLength: 30 }),
      ...(oidc
        ? [
            genericOAuth({
              config: [
                {
                  providerId: OIDC_PROVIDER_ID,
                  discoveryUrl: `${oidc.issuer}/.well-known/openid-configuration`,
                  clientId: oidc.clientId,
                  clientSecret: oidc.clientSecret,
                  scopes: ['openid', 'profile', 'email'],
                  pkce: true,
                  requireIdTokenVerification: true,
                  overrideUserInfo: true,
                  mapProfileToUser: (profile) => {
                    const role = roleFromClaims(oidc, profile as Record<string, unknown>);
                    if (!role)
                      throw new APIError('FORBIDDEN', {
                        code: SSO_NO_ROLE,
                        message: `no role in this console for the ${oidc.roleClaim} of ${String(profile.email ?? profile.sub).slice(0, 100)}`,
                      });
                    if (profile.sub != null) pendingSsoRoles.set(String(profile.sub), { role, at: Date.now() });
                    const p = profile as { preferred_username?: string; name?: string; email?: string };
                    return { name: p.name ?? p.preferred_username ?? p.email ?? 'single sign-on user' };
                  },
                },
              ],
            }),
          ]
        : []),
    ],
  });
}

export type ConsoleAuth = ReturnType<typeof createConsoleAuth>;

/** How a user appears in the audit log: the user name, or the e-mail of a single sign-on user. */
export function actorName(user: { username?: string | null; email?: string | null; name?: string | null }): string {
  return user.username || user.email || user.name || 'unknown';
}
