// Every JSON route goes through `route`, declaring the least role that may call it (and, for
// a mutation, its audit action): a request id, the caller checked (lib/auth/authorize.ts), input
// parsed with zod schemas (lib/api/schemas.ts), BackupError codes mapped to HTTP statuses, 64-bit
// integers as strings, and unexpected errors logged with the request id and shown generically.
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { Actor } from '@/lib/auth/actor';
import { authorizeCall, settleAudit, type CallSpec } from '@/lib/auth/authorize';
import { getBackupManager } from '@/lib/backup/process-manager';
import type { BackupManager } from '@/lib/backup/backup-manager';
import { isBackupError } from '@/lib/backup/errors';
import { STATUS_BY_CODE, type BadRequestCode, type ErrorCode } from '@/lib/api/responses';
import type { PendingAudit } from '@/lib/meta/audit-log';
import { parseJson64 } from '@/lib/backup/json64';
import { toJsonValue } from '@/lib/backup/json-view';
import { maskUrl } from '@/lib/object-store/url';
import { processLogger } from '@/lib/log';

/** Described for the API document by `errorBodySchema` (lib/api/responses.ts). */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; requestId: string };
}

export class BadRequest extends Error {
  constructor(
    message: string,
    readonly status = 400,
    readonly code: BadRequestCode = 'BAD_REQUEST',
  ) {
    super(message);
  }
}

/** No route takes a larger body; every body is a small JSON document. */
export const MAX_BODY_BYTES = 1024 * 1024;

function errorResponse(error: unknown, requestId: string): Response {
  const headers = { 'x-request-id': requestId };
  if (isBackupError(error)) {
    return Response.json({ error: { code: error.code, message: error.message, requestId } } satisfies ErrorBody, {
      status: STATUS_BY_CODE[error.code],
      headers,
    });
  }
  if (error instanceof BadRequest) {
    return Response.json({ error: { code: error.code, message: error.message, requestId } } satisfies ErrorBody, {
      status: error.status,
      headers,
    });
  }
  processLogger().error(
    { requestId, error: maskUrl(error instanceof Error ? (error.stack ?? error.message) : String(error)) },
    'API call failed with an unexpected error',
  );
  return Response.json(
    {
      error: { code: 'INTERNAL', message: `An unknown error occurred (request id ${requestId})`, requestId },
    } satisfies ErrorBody,
    { status: 500, headers },
  );
}

export function parseWith<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new BadRequest(issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message);
  }
  return parsed.data;
}

/**
 * The request's JSON body. Only `application/json` is taken: a form or `text/plain` post is
 * what another site's page can send without asking, so it is refused.
 */
export async function jsonBody<T extends z.ZodType>(request: Request, schema: T): Promise<z.output<T>> {
  const type = request.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json')
    throw new BadRequest(
      'the request body must be JSON, sent as Content-Type: application/json',
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
  const declared = Number(request.headers.get('content-length') ?? 0);
  if (declared > MAX_BODY_BYTES)
    throw new BadRequest(`the request body is larger than ${MAX_BODY_BYTES} bytes`, 413, 'PAYLOAD_TOO_LARGE');
  const text = await readBounded(request);
  let body: unknown;
  try {
    // Integers beyond 2^53 parse exactly (as bigint): JSON.parse would round an id to another id.
    body = text.trim() === '' ? {} : parseJson64(text);
  } catch {
    throw new BadRequest('the request body is not valid JSON');
  }
  return parseWith(schema, body);
}

async function readBounded(request: Request): Promise<string> {
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel();
      throw new BadRequest(`the request body is larger than ${MAX_BODY_BYTES} bytes`, 413, 'PAYLOAD_TOO_LARGE');
    }
    chunks.push(value);
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}

export interface RouteContext<P> {
  request: Request;
  params: P;
  manager: BackupManager;
  requestId: string;
  /** Null only on the public health route. */
  actor: Actor | null;
  /** The audit row to be of a route that declares one; set its target once it is known. */
  audit: PendingAudit | null;
}

/** A route handler as Next.js calls it; `spec` is what the security suite reads. */
export type RouteHandler<P> = ((request: Request, context: { params: Promise<P> }) => Promise<Response>) & {
  spec: CallSpec;
};

/** Wraps a handler: its plain return value becomes JSON (status 200, or `status`). */
export function route<P = Record<string, never>>(
  spec: CallSpec,
  handler: (context: RouteContext<P>) => Promise<unknown>,
  options: { status?: number } = {},
): RouteHandler<P> {
  const wrapped = async (request: Request, context: { params: Promise<P> }): Promise<Response> => {
    const requestId = randomUUID();
    let audit: PendingAudit | null = null;
    try {
      const call = await authorizeCall({
        headers: request.headers,
        method: request.method,
        url: request.url,
        spec,
        requestId,
      });
      audit = call.audit;
      let result: unknown;
      try {
        result = await handler({
          request,
          params: await context.params,
          manager: getBackupManager(),
          requestId,
          actor: call.actor,
          audit,
        });
      } catch (error) {
        await settleAudit(audit, error);
        throw error;
      }
      await settleAudit(audit);
      if (result instanceof Response) {
        result.headers.set('x-request-id', requestId);
        return result;
      }
      return Response.json(toJsonValue(result), {
        status: options.status ?? 200,
        headers: { 'x-request-id': requestId, 'cache-control': 'no-store' },
      });
    } catch (error) {
      return errorResponse(error, requestId);
    }
  };
  return Object.assign(wrapped, { spec });
}
