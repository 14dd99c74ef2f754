// The audit log: one append-only row per mutation, sign-in and refused call. A mutation whose
// change is a database transaction writes its row inside that transaction, so both commit or
// neither does. The tables' triggers refuse UPDATE and DELETE.
import { errorText, processLogger } from '../log.ts';
import type { MetaClient } from './client.ts';

type Tx = Pick<MetaClient, 'auditEvent'>;

/** Who acts and from where: made once per request (or CLI run) and handed down. */
export interface AuditContext {
  actor: string;
  address?: string | null;
  userAgent?: string | null;
  requestId?: string | null;
}

export interface AuditRecord extends AuditContext {
  action: string;
  target?: string | null;
  /** "ok", or the error code. */
  result: string;
  message?: string | null;
  at?: Date;
}

const MAX_TEXT = 2000;
const clip = (value: string | null | undefined): string | null =>
  value == null ? null : value.length > MAX_TEXT ? `${value.slice(0, MAX_TEXT)}…` : value;

export async function writeAuditEvent(tx: Tx, record: AuditRecord): Promise<void> {
  await tx.auditEvent.create({
    data: {
      at: record.at ?? new Date(),
      actor: clip(record.actor)!,
      address: clip(record.address),
      user_agent: clip(record.userAgent),
      action: record.action,
      target: clip(record.target),
      result: record.result,
      message: clip(record.message),
      request_id: record.requestId ?? null,
    },
  });
}

export interface AuditQuery {
  actor?: string;
  action?: string;
  since?: Date;
  until?: Date;
  /** Rows with a smaller id (paging back in time). */
  before?: number;
  limit?: number;
}

export interface AuditRow {
  id: number;
  at: Date;
  actor: string;
  address: string | null;
  userAgent: string | null;
  action: string;
  target: string | null;
  result: string;
  message: string | null;
  requestId: string | null;
}

export async function listAuditEvents(prisma: MetaClient, query: AuditQuery = {}): Promise<AuditRow[]> {
  const rows = await prisma.auditEvent.findMany({
    where: {
      ...(query.actor ? { actor: query.actor } : {}),
      ...(query.action ? { action: query.action } : {}),
      ...(query.since || query.until
        ? { at: { ...(query.since ? { gte: query.since } : {}), ...(query.until ? { lt: query.until } : {}) } }
        : {}),
      ...(query.before ? { id: { lt: query.before } } : {}),
    },
    orderBy: { id: 'desc' },
    take: Math.min(Math.max(query.limit ?? 100, 1), 10_000),
  });
  return rows.map((r) => ({
    id: r.id,
    at: r.at,
    actor: r.actor,
    address: r.address,
    userAgent: r.user_agent,
    action: r.action,
    target: r.target,
    result: r.result,
    message: r.message,
    requestId: r.request_id,
  }));
}

/** Failed sign-ins of one user name since a time: the per-user sign-in limit counts these. */
export async function countFailedSignIns(prisma: MetaClient, username: string, since: Date): Promise<number> {
  return prisma.auditEvent.count({
    where: { action: 'auth.sign-in', target: username, result: { not: 'ok' }, at: { gte: since } },
  });
}

const CSV_COLUMNS = [
  'id',
  'at',
  'actor',
  'address',
  'userAgent',
  'action',
  'target',
  'result',
  'message',
  'requestId',
] as const;

function csvCell(value: unknown): string {
  let text = value instanceof Date ? value.toISOString() : value == null ? '' : String(value);
  // A cell a spreadsheet would run as a formula is quoted as text.
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function auditCsv(rows: readonly AuditRow[]): string {
  return `${[CSV_COLUMNS.join(','), ...rows.map((r) => CSV_COLUMNS.map((c) => csvCell(r[c])).join(','))].join('\r\n')}\r\n`;
}

/**
 * A mutation's audit row, handed to the core so it is written inside the change's own
 * transaction; `recorded` tells the caller it need not write one when the call succeeds.
 */
export interface PendingAudit extends AuditContext {
  /** Set by the caller, or by the core function that records it (which knows the exact name). */
  action?: string;
  target?: string | null;
  recorded?: boolean;
}

export async function recordPendingAudit(
  tx: Tx,
  pending: PendingAudit | undefined,
  target?: string | null,
): Promise<void> {
  if (!pending) return;
  if (target !== undefined) pending.target = target;
  await writeAuditEvent(tx, { ...pending, action: pending.action ?? 'unknown', result: 'ok' });
  pending.recorded = true;
}

/**
 * Writes the row of a pending audit once its call has ended: "ok", or the error's code (an
 * expected error carries an upper-case `code`; anything else is INTERNAL). Nothing when the
 * core already wrote the ok row inside the change's transaction.
 */
export async function settlePendingAudit(
  prisma: MetaClient,
  audit: PendingAudit | null,
  error?: unknown,
): Promise<void> {
  if (!audit) return;
  if (error === undefined && audit.recorded) return;
  const code = (error as { code?: unknown } | undefined)?.code;
  const expected = error instanceof Error && typeof code === 'string' && /^[A-Z_]+$/.test(code);
  const result = error === undefined ? 'ok' : expected ? (code as string) : 'INTERNAL';
  const message = error === undefined ? null : expected ? (error as Error).message : 'unexpected error';
  await writeAuditEvent(prisma, { ...audit, action: audit.action ?? 'unknown', result, message }).catch(
    (e: unknown) => {
      processLogger().error(
        { requestId: audit.requestId, action: audit.action, cause: errorText(e) },
        'could not write the audit row',
      );
    },
  );
}
