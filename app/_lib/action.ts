// Every server action is built with `serverAction`, declaring the least role that may call it
// and, for a mutation, its audit action. The caller is checked (lib/auth/authorize.ts) before
// the input is validated with a schema from the core; errors become a result the form shows:
// a BackupError's message as is, anything else as a generic message logged with a request id.
import 'server-only';
import { randomUUID } from 'node:crypto';
import { headers } from 'next/headers';
import type { z } from 'zod';
import type { Actor } from '@/lib/auth/actor';
import { authorizeCall, settleAudit, type CallSpec } from '@/lib/auth/authorize';
import type { Role } from '@/lib/auth/roles';
import type { BackupManager } from '@/lib/backup/backup-manager';
import { isBackupError, type BackupErrorCode } from '@/lib/backup/errors';
import { toJsonValue, type Jsonified } from '@/lib/backup/json-view';
import { getBackupManager } from '@/lib/backup/process-manager';
import type { PendingAudit } from '@/lib/meta/audit-log';
import { processLogger } from '@/lib/log';
import { maskUrl } from '@/lib/object-store/url';

export type ActionResult<T> =
  | { ok: true; data: T }
  | { ok: false; message: string; code?: BackupErrorCode | 'INTERNAL'; fieldErrors?: Record<string, string> };

export interface ActionContext {
  manager: BackupManager;
  actor: Actor;
  /** The audit row to be of an action that declares one; set its target once it is known. */
  audit: PendingAudit | null;
  requestId: string;
}

export interface ActionSpec extends CallSpec {
  role: Role;
}

export function serverAction<S extends z.ZodType, T>(
  spec: ActionSpec,
  schema: S,
  run: (input: z.output<S>, context: ActionContext) => Promise<T>,
) {
  return async (input: z.input<S>): Promise<ActionResult<Jsonified<T>>> => {
    const requestId = randomUUID();
    const requestHeaders = await headers();
    let audit: PendingAudit | null = null;
    try {
      const call = await authorizeCall({
        headers: requestHeaders,
        method: 'POST',
        url: 'http://action.invalid/',
        spec,
        requestId,
        isAction: true,
      });
      audit = call.audit;
      const parsed = schema.safeParse(input);
      if (!parsed.success) {
        const fieldErrors: Record<string, string> = {};
        for (const issue of parsed.error.issues) fieldErrors[issue.path.join('.') || 'form'] ??= issue.message;
        const message = Object.values(fieldErrors)[0]!;
        await settleAudit(audit, Object.assign(new Error(message), { name: 'BackupError', code: 'INVALID_INPUT' }));
        return { ok: false, code: 'INVALID_INPUT', message, fieldErrors };
      }
      let data: T;
      try {
        data = await run(parsed.data, { manager: getBackupManager(), actor: call.actor!, audit, requestId });
      } catch (error) {
        await settleAudit(audit, error);
        throw error;
      }
      await settleAudit(audit);
      return { ok: true, data: toJsonValue(data) };
    } catch (error) {
      if (isBackupError(error)) return { ok: false, code: error.code, message: error.message };
      processLogger().error(
        {
          requestId,
          action: spec.audit ?? 'action',
          error: maskUrl(error instanceof Error ? (error.stack ?? error.message) : String(error)),
        },
        'server action failed with an unexpected error',
      );
      return { ok: false, code: 'INTERNAL', message: `An unknown error occurred (request id ${requestId})` };
    }
  };
}
