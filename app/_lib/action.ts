// Every server action is built with `serverAction`: it validates input with a schema from the
// core, runs with the process's BackupManager, and turns errors into a result the form shows:
// a BackupError's message as is, anything else as a generic message logged with a request id.
// Sign-in, role checks and the audit row for each mutation belong here, so no action skips them.
import 'server-only';
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { BackupManager } from '@/lib/backup/backup-manager';
import { isBackupError } from '@/lib/backup/errors';
import { toJsonValue, type Jsonified } from '@/lib/backup/json-view';
import { getBackupManager } from '@/lib/backup/process-manager';
import { maskUrl } from '@/lib/object-store/url';

export type ActionResult<T> = { ok: true; data: T } | { ok: false; message: string; fieldErrors?: Record<string, string> };

export interface ActionContext {
  manager: BackupManager;
  /** Who acts; the console has no sign-in yet. */
  actor: string;
}

export function serverAction<S extends z.ZodType, T>(name: string, schema: S, run: (input: z.output<S>, context: ActionContext) => Promise<T>) {
  return async (input: z.input<S>): Promise<ActionResult<Jsonified<T>>> => {
    const parsed = schema.safeParse(input);
    if (!parsed.success) {
      const fieldErrors: Record<string, string> = {};
      for (const issue of parsed.error.issues) fieldErrors[issue.path.join('.') || 'form'] ??= issue.message;
      return { ok: false, message: Object.values(fieldErrors)[0]!, fieldErrors };
    }
    try {
      return { ok: true, data: toJsonValue(await run(parsed.data, { manager: getBackupManager(), actor: 'console' })) };
    } catch (error) {
      if (isBackupError(error)) return { ok: false, message: error.message };
      const requestId = randomUUID();
      console.error(`[${requestId}] ${name} failed:`, maskUrl(error instanceof Error ? (error.stack ?? error.message) : String(error)));
      return { ok: false, message: `An unknown error occurred (request id ${requestId})` };
    }
  };
}
