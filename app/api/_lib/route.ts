// Every JSON route goes through `route`: a request id, input parsed with zod schemas from the
// core, BackupError codes mapped to HTTP statuses, 64-bit integers as strings, and unexpected
// errors logged with the request id and shown generically. Sign-in and role checks (and an
// audit row for each mutation) belong here too, so no route can skip them.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { getBackupManager } from '@/lib/backup/process-manager';
import type { BackupManager } from '@/lib/backup/backup-manager';
import { isBackupError, type BackupErrorCode } from '@/lib/backup/errors';
import { toJsonValue } from '@/lib/backup/json-view';
import { maskUrl } from '@/lib/object-store/url';

const STATUS_BY_CODE: Record<BackupErrorCode, number> = {
  CONCURRENT_JOB: 409,
  TOO_MANY_SNAPSHOTS: 409,
  MANIFEST_CONFLICT: 409,
  STORAGE_UNAVAILABLE: 503,
  NOT_FOUND: 404,
  INVALID_CONFIG: 400,
  INVALID_INPUT: 400,
  CHECKSUM_MISMATCH: 422,
  CORRUPT_SNAPSHOT: 422,
  CORRUPT_MANIFEST: 502,
  UNSUPPORTED_FORMAT: 422,
};

export interface ErrorBody {
  error: { code: BackupErrorCode | 'BAD_REQUEST' | 'INTERNAL'; message: string; requestId: string };
}

export class BadRequest extends Error {}

function errorResponse(error: unknown, requestId: string): Response {
  const headers = { 'x-request-id': requestId };
  if (isBackupError(error)) {
    return Response.json({ error: { code: error.code, message: error.message, requestId } } satisfies ErrorBody, { status: STATUS_BY_CODE[error.code], headers });
  }
  if (error instanceof BadRequest) {
    return Response.json({ error: { code: 'BAD_REQUEST', message: error.message, requestId } } satisfies ErrorBody, { status: 400, headers });
  }
  console.error(`[${requestId}] unexpected error:`, maskUrl(error instanceof Error ? (error.stack ?? error.message) : String(error)));
  return Response.json({ error: { code: 'INTERNAL', message: `An unknown error occurred (request id ${requestId})`, requestId } } satisfies ErrorBody, { status: 500, headers });
}

export function parseWith<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new BadRequest(issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message);
  }
  return parsed.data;
}

export async function jsonBody<T extends z.ZodType>(request: Request, schema: T): Promise<z.output<T>> {
  let body: unknown;
  try {
    const text = await request.text();
    body = text.trim() === '' ? {} : JSON.parse(text);
  } catch {
    throw new BadRequest('the request body is not valid JSON');
  }
  return parseWith(schema, body);
}

export interface RouteContext<P> {
  request: Request;
  params: P;
  manager: BackupManager;
  requestId: string;
}

/** Wraps a handler: its plain return value becomes JSON (status 200, or `status`). */
export function route<P = Record<string, never>>(handler: (context: RouteContext<P>) => Promise<unknown>, options: { status?: number } = {}) {
  return async (request: Request, context: { params: Promise<P> }): Promise<Response> => {
    const requestId = randomUUID();
    try {
      const result = await handler({ request, params: await context.params, manager: getBackupManager(), requestId });
      if (result instanceof Response) {
        result.headers.set('x-request-id', requestId);
        return result;
      }
      return Response.json(toJsonValue(result), { status: options.status ?? 200, headers: { 'x-request-id': requestId, 'cache-control': 'no-store' } });
    } catch (error) {
      return errorResponse(error, requestId);
    }
  };
}
