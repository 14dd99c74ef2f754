// The check every route handler and server action runs before its body: the Host is one of
// the console's, the caller is signed in or holds a valid token, a cookie-authenticated
// mutation comes from the console's own origin, and the caller's role is at least the one the
// call declares. A mutation's audit row is prepared here and written by `settleAudit`.
import { BackupError } from '../backup/errors.ts';
import { settlePendingAudit, writeAuditEvent, type PendingAudit } from '../meta/audit-log.ts';
import { getMetaStore } from '../meta/shared-store.ts';
import { REFUSAL_MESSAGES, resolveActor, type Actor } from './actor.ts';
import { consoleOrigins, hostAllowed, sameOrigin } from './origins.ts';
import { getConsoleAuth } from './process-auth.ts';
import { clientAddress, userAgent } from './request-info.ts';
import { roleAllows, type Role } from './roles.ts';

export interface CallSpec {
  /** The least role that may call; "public" only for the health check. */
  role: Role | 'public';
  /** The audit action of a mutation (or a sensitive read): one row per call, ok or not. */
  audit?: string;
}

export interface AuthorizedCall {
  actor: Actor | null;
  /** The audit row to be, for calls that declare one. */
  audit: PendingAudit | null;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export async function authorizeCall(input: {
  headers: Headers;
  method: string;
  url: string;
  spec: CallSpec;
  requestId: string;
  isAction?: boolean;
}): Promise<AuthorizedCall> {
  const { headers, spec, requestId } = input;
  const origins = consoleOrigins();
  const host = headers.get('host') ?? new URL(input.url).host;
  if (!hostAllowed(origins, host))
    throw new BackupError(
      'FORBIDDEN',
      `this console does not answer for the host "${host.slice(0, 100)}": set CONSOLE_ORIGIN to serve it`,
    );
  if (spec.role === 'public') return { actor: null, audit: null };

  const prisma = getMetaStore().prisma;
  const where = { address: clientAddress(headers), userAgent: userAgent(headers), requestId };
  const what = input.isAction ? `action ${spec.audit ?? ''}`.trim() : `${input.method} ${new URL(input.url).pathname}`;
  const { auth, policy } = getConsoleAuth();
  const resolution = await resolveActor(headers, { auth, policy, prisma });
  if (!resolution.actor) {
    if (resolution.refusal.startsWith('token-') || resolution.refusal === 'bad-authorization') {
      const actor = resolution.tokenName ? `token:${resolution.tokenName}` : 'anonymous';
      await writeAuditEvent(prisma, {
        ...where,
        actor,
        action: 'auth.token',
        target: what,
        result: 'UNAUTHORIZED',
        message: REFUSAL_MESSAGES[resolution.refusal],
      });
    }
    throw new BackupError('UNAUTHORIZED', REFUSAL_MESSAGES[resolution.refusal]);
  }
  const { actor } = resolution;
  const refuse = async (message: string): Promise<never> => {
    await writeAuditEvent(prisma, {
      ...where,
      actor: actor.name,
      action: spec.audit ?? 'auth.refused',
      target: what,
      result: 'FORBIDDEN',
      message,
    });
    throw new BackupError('FORBIDDEN', message);
  };
  if (
    resolution.via === 'session' &&
    (input.isAction || !SAFE_METHODS.has(input.method)) &&
    !sameOrigin(headers.get('origin'), host, origins.https)
  ) {
    await refuse('a cross-site request is refused: the Origin header must name this console');
  }
  if (!roleAllows(actor.role, spec.role))
    await refuse(
      `this needs the ${spec.role} role; ${actor.name} is ${actor.role === 'admin' ? 'an' : 'a'} ${actor.role}`,
    );
  return { actor, audit: spec.audit ? { ...where, actor: actor.name, action: spec.audit, target: what } : null };
}

/** Writes the audit row of a call that declared one, unless the core wrote it with the change. */
export async function settleAudit(audit: PendingAudit | null, error?: unknown): Promise<void> {
  await settlePendingAudit(getMetaStore().prisma, audit, error);
}
