// API tokens for scripts and the SST garbage collector. A token is 256 random bits shown once;
// only its SHA-256 is stored (a slow password hash adds nothing for a secret of that entropy,
// and a lookup by hash takes one indexed query). Creation and revocation are audited in the
// same transaction.
import { createHash, randomBytes } from 'node:crypto';
import { BackupError } from '../backup/errors.ts';
import { recordPendingAudit, type PendingAudit } from '../meta/audit-log.ts';
import type { MetaClient } from '../meta/client.ts';
import { ROLE_OF_SCOPE, TOKEN_SCOPES, type Role, type TokenScope } from './roles.ts';

export const TOKEN_PREFIX = 'mbc_';
const TOKEN_NAME_RULE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/** A token's last use is written at most this often, so a poller does not write on every call. */
const LAST_USE_RESOLUTION_MS = 60_000;

export interface ApiTokenView {
  name: string;
  scope: TokenScope;
  createdBy: string;
  createdAt: Date;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export const hashToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

/** "30d", "12h", "90m" or a number of days. */
export function parseDuration(text: string): number {
  const match = /^(\d{1,5})([dhm]?)$/.exec(text.trim());
  if (!match)
    throw new BackupError('INVALID_INPUT', `"${text}" is not a duration: give a number with d, h or m (30d, 12h)`);
  const n = Number(match[1]);
  const ms = n * { d: 86_400_000, h: 3_600_000, m: 60_000, '': 86_400_000 }[match[2] as 'd' | 'h' | 'm' | ''];
  if (ms <= 0 || ms > 3650 * 86_400_000)
    throw new BackupError('INVALID_INPUT', 'an expiry is between one minute and ten years');
  return ms;
}

function checkName(name: string): string {
  if (!TOKEN_NAME_RULE.test(name))
    throw new BackupError('INVALID_INPUT', 'a token name is 1 to 64 letters, digits, dots, dashes or underscores');
  return name;
}

export function checkScope(scope: string): TokenScope {
  if (!(TOKEN_SCOPES as readonly string[]).includes(scope))
    throw new BackupError('INVALID_INPUT', `unknown scope "${scope}": read, operate or admin`);
  return scope as TokenScope;
}

export async function createToken(
  prisma: MetaClient,
  input: { name: string; scope: string; expiresInMs?: number | null },
  audit: PendingAudit,
  now: Date = new Date(),
): Promise<{ token: string; view: ApiTokenView }> {
  audit.action = 'token.create';
  const name = checkName(input.name);
  const scope = checkScope(input.scope);
  const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
  const expiresAt = input.expiresInMs ? new Date(now.getTime() + input.expiresInMs) : null;
  try {
    await prisma.$transaction(async (tx) => {
      await tx.consoleApiToken.create({
        data: {
          name,
          token_hash: hashToken(token),
          scope,
          created_by: audit.actor,
          created_at: now,
          expires_at: expiresAt,
        },
      });
      await recordPendingAudit(
        tx,
        audit,
        `${name} (${scope}${expiresAt ? `, expires ${expiresAt.toISOString()}` : ''})`,
      );
    });
  } catch (error) {
    if ((error as { code?: string }).code === 'P2002')
      throw new BackupError('CONFLICT', `a token named "${name}" exists: revoke it or choose another name`);
    throw error;
  }
  return {
    token,
    view: { name, scope, createdBy: audit.actor, createdAt: now, expiresAt, lastUsedAt: null, revokedAt: null },
  };
}

export async function listTokens(prisma: MetaClient): Promise<ApiTokenView[]> {
  const rows = await prisma.consoleApiToken.findMany({ orderBy: { created_at: 'asc' } });
  return rows.map((r) => ({
    name: r.name,
    scope: r.scope as TokenScope,
    createdBy: r.created_by,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    lastUsedAt: r.last_used_at,
    revokedAt: r.revoked_at,
  }));
}

/** Revokes a token by name. The row stays (revoked), so its name and history remain readable. */
export async function revokeToken(
  prisma: MetaClient,
  name: string,
  audit: PendingAudit,
  now: Date = new Date(),
): Promise<void> {
  audit.action = 'token.revoke';
  await prisma.$transaction(async (tx) => {
    const { count } = await tx.consoleApiToken.updateMany({
      where: { name, revoked_at: null },
      data: { revoked_at: now },
    });
    if (count === 0) {
      const exists = await tx.consoleApiToken.findUnique({ where: { name }, select: { name: true } });
      throw new BackupError(
        exists ? 'INVALID_INPUT' : 'NOT_FOUND',
        exists ? `token "${name}" is already revoked` : `no token named "${name}"`,
      );
    }
    await recordPendingAudit(tx, audit, name);
  });
}

export type TokenCheck =
  | { ok: true; name: string; role: Role }
  | { ok: false; name: string | null; reason: 'unknown' | 'revoked' | 'expired' };

/** Looks a presented token up by its hash; notes its use. */
export async function checkToken(prisma: MetaClient, token: string, now: Date = new Date()): Promise<TokenCheck> {
  if (!token.startsWith(TOKEN_PREFIX) || token.length > 200) return { ok: false, name: null, reason: 'unknown' };
  const row = await prisma.consoleApiToken.findUnique({ where: { token_hash: hashToken(token) } });
  if (!row) return { ok: false, name: null, reason: 'unknown' };
  if (row.revoked_at) return { ok: false, name: row.name, reason: 'revoked' };
  if (row.expires_at && row.expires_at <= now) return { ok: false, name: row.name, reason: 'expired' };
  if (!row.last_used_at || now.getTime() - row.last_used_at.getTime() >= LAST_USE_RESOLUTION_MS) {
    await prisma.consoleApiToken.update({ where: { id: row.id }, data: { last_used_at: now } });
  }
  return { ok: true, name: row.name, role: ROLE_OF_SCOPE[row.scope as TokenScope] ?? 'viewer' };
}
