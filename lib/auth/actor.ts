// Who is calling: a signed-in console user (session cookie), a script (API token in
// `Authorization: Bearer`), or nobody. A session past its idle or absolute limit, of a disabled
// user, or a revoked or expired token counts as nobody.
import type { MetaClient } from '../meta/client.ts';
import { actorName, type ConsoleAuth } from './auth.ts';
import { isRole, type Role } from './roles.ts';
import { sessionState, type SessionPolicy } from './session-policy.ts';
import { checkToken } from './tokens.ts';

export interface Actor {
  kind: 'user' | 'token' | 'cli';
  /** As the audit log names it: the user name, "token:<name>" or "cli:<os user>". */
  name: string;
  role: Role;
  /** Present for users signed in with a session. */
  userId?: string;
  sessionId?: string;
}

export type Refusal =
  | 'none'
  | 'session-expired'
  | 'session-idle'
  | 'user-disabled'
  | 'token-unknown'
  | 'token-revoked'
  | 'token-expired'
  | 'bad-authorization';

export type Resolution =
  | { actor: Actor; via: 'session' | 'token' }
  | { actor: null; refusal: Refusal; tokenName?: string | null };

export interface ResolveOptions {
  auth: ConsoleAuth;
  prisma: MetaClient;
  policy: SessionPolicy;
  now?: Date;
}

export async function resolveActor(headers: Headers, options: ResolveOptions): Promise<Resolution> {
  const now = options.now ?? new Date();
  const authorization = headers.get('authorization');
  if (authorization !== null) {
    const match = /^Bearer +(\S+)\s*$/i.exec(authorization);
    if (!match) return { actor: null, refusal: 'bad-authorization' };
    const check = await checkToken(options.prisma, match[1]!, now);
    if (!check.ok) return { actor: null, refusal: `token-${check.reason}`, tokenName: check.name };
    return { actor: { kind: 'token', name: `token:${check.name}`, role: check.role }, via: 'token' };
  }
  if (!headers.get('cookie')) return { actor: null, refusal: 'none' };
  const found = await options.auth.api.getSession({ headers, query: { disableCookieCache: true } }).catch(() => null);
  if (!found) return { actor: null, refusal: 'none' };
  const { session, user } = found;
  const state = sessionState(options.policy, session, now);
  if (state !== 'live') {
    await options.prisma.consoleSession.deleteMany({ where: { id: session.id } });
    return { actor: null, refusal: state === 'idle' ? 'session-idle' : 'session-expired' };
  }
  // Read the user again: a disable must end a session at once, whatever any cache holds.
  const row = await options.prisma.consoleUser.findUnique({
    where: { id: user.id },
    select: { disabled: true, role: true },
  });
  if (!row || row.disabled) return { actor: null, refusal: 'user-disabled' };
  if (now.getTime() - session.updatedAt.getTime() >= options.policy.touchEveryMs) {
    await options.prisma.consoleSession.updateMany({ where: { id: session.id }, data: { updatedAt: now } });
  }
  return {
    actor: {
      kind: 'user',
      name: actorName(user),
      role: isRole(row.role) ? row.role : 'viewer',
      userId: user.id,
      sessionId: session.id,
    },
    via: 'session',
  };
}

export const REFUSAL_MESSAGES: Record<Refusal, string> = {
  none: 'sign in first, or send an API token as Authorization: Bearer',
  'session-expired': 'your session has expired: sign in again',
  'session-idle': 'your session ended after a time without use: sign in again',
  'user-disabled': 'this user is disabled',
  'token-unknown': 'the API token is not valid',
  'token-revoked': 'the API token has been revoked',
  'token-expired': 'the API token has expired',
  'bad-authorization': 'the Authorization header must be "Bearer <token>"',
};
