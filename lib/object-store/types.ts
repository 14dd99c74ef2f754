// The object store interface shared by every backend (s3://, minio://, fs://, memory).
import type { Readable } from 'node:stream';

export interface ObjectInfo {
  key: string;
  size: number;
  etag: string;
  lastModified: Date;
}

export interface PutOptions {
  /** Replace the object only if its current ETag is this one. Without it, put only creates. */
  ifMatch?: string;
}

export interface UploadOptions {
  signal?: AbortSignal;
}

/** An upload that was started and never finished: a temporary file, or an S3 multipart upload. */
export interface IncompleteUpload {
  /** Names it in listings and for abortIncompleteUploads; never a valid object key. */
  handle: string;
  size: number;
  /** When it was last written (a temporary file) or started (a multipart upload). */
  lastModified: Date;
}

export interface ListPage {
  objects: ObjectInfo[];
  /** Pass back as `after` to get the next page; absent on the last page. */
  next?: string;
}

/**
 * A body made in pieces, for one too large to hold at once (a manifest of millions of ids).
 * `chunks()` may be called more than once and yields the same bytes each time.
 */
export interface ChunkedBody {
  chunks(): Iterable<Uint8Array>;
}

/**
 * A body made as it is sent, read once: a manifest rewritten from the old one's stream. An error
 * it throws ends the put, and nothing is written.
 */
export interface StreamedBody {
  stream: AsyncIterable<Uint8Array>;
}

export type PutBody = Uint8Array | string | ChunkedBody | StreamedBody;

export const isChunkedBody = (body: PutBody): body is ChunkedBody => typeof body === 'object' && 'chunks' in body;
export const isStreamedBody = (body: PutBody): body is StreamedBody => typeof body === 'object' && 'stream' in body;

/** A put body as one buffer (the stores that hold whole objects anyway). */
export async function bodyBytes(body: PutBody): Promise<Uint8Array> {
  if (typeof body === 'string') return new TextEncoder().encode(body);
  if (isStreamedBody(body)) {
    const chunks: Uint8Array[] = [];
    for await (const chunk of body.stream) chunks.push(chunk);
    return Buffer.concat(chunks);
  }
  return isChunkedBody(body) ? Buffer.concat([...body.chunks()]) : body;
}

export interface ObjectStore {
  /** The store's URL with secrets masked: safe to show and log. */
  readonly displayUrl: string;
  /** Writes a whole object. Refuses to overwrite unless `ifMatch` names the current ETag. Returns the written object's ETag ('' when the server gave none). */
  put(key: string, body: PutBody, options?: PutOptions): Promise<{ etag: string }>;
  /** Streams a body of unknown length into a new object (multipart where the backend has it); never overwrites. */
  upload(
    key: string,
    body: AsyncIterable<Uint8Array>,
    options?: UploadOptions,
  ): Promise<{ etag: string; size: number }>;
  get(key: string): Promise<{ body: Uint8Array; etag: string }>;
  /**
   * The object as a stream with the ETag of exactly those bytes, or null while its ETag is still
   * `etag`: revalidates a cached copy in one cheap request, and reads one too large to hold whole.
   */
  streamIfChanged(key: string, etag?: string): Promise<{ body: Readable; etag: string } | null>;
  /** Bytes [start, end) of the object. */
  getRange(key: string, start: number, end: number): Promise<Uint8Array>;
  stream(key: string): Promise<Readable>;
  /** Null when the object does not exist. */
  head(key: string): Promise<ObjectInfo | null>;
  /** One page of objects whose key starts with `prefix`, in key order. */
  listPage(prefix: string, options?: { after?: string; limit?: number }): Promise<ListPage>;
  /** Deletes every key; keys that do not exist are fine. */
  deleteMany(keys: readonly string[]): Promise<void>;
  /**
   * Unfinished uploads of objects directly under `prefix`, untouched for at least `idleMs`
   * (default a minute), except uploads of `exceptKeys` (a running job's).
   */
  listIncompleteUploads(
    prefix: string,
    options?: { exceptKeys?: readonly string[]; idleMs?: number },
  ): Promise<IncompleteUpload[]>;
  /** Fails unless the location answers as a store of its kind (an S3 server, not any web server). */
  checkLocation(prefix: string): Promise<void>;
  /** Removes them (handles from listIncompleteUploads; ones already gone are fine). */
  abortIncompleteUploads(handles: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

export async function* listAll(store: ObjectStore, prefix: string): AsyncGenerator<ObjectInfo> {
  let after: string | undefined;
  do {
    const page = await store.listPage(prefix, { after });
    yield* page.objects;
    after = page.next;
  } while (after !== undefined);
}

/** How long an unfinished upload must sit untouched before a sweep may offer it. */
export const INCOMPLETE_UPLOAD_IDLE_MS = 60_000;

export type ObjectStoreErrorCode =
  | 'NOT_FOUND'
  | 'ALREADY_EXISTS'
  | 'PRECONDITION_FAILED'
  | 'INVALID_URL'
  | 'INVALID_KEY'
  | 'ABORTED'
  | 'UNAVAILABLE';

export class ObjectStoreError extends Error {
  override readonly name = 'ObjectStoreError';
  constructor(
    readonly code: ObjectStoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** By name and code rather than `instanceof`: a bundler may load this module more than once. */
export function isObjectStoreError(error: unknown, code?: ObjectStoreErrorCode): error is ObjectStoreError {
  const e = error as ObjectStoreError | undefined;
  return (
    e instanceof Error &&
    e.name === 'ObjectStoreError' &&
    typeof e.code === 'string' &&
    (code === undefined || e.code === code)
  );
}

/** Keys are relative, '/'-separated, without empty, '.' or '..' segments. */
export function checkKey(key: string): string {
  if (
    key.length === 0 ||
    key.length > 1024 ||
    key.startsWith('/') ||
    key.split('/').some((s) => s === '' || s === '.' || s === '..') ||
    key.includes('\0')
  ) {
    throw new ObjectStoreError('INVALID_KEY', `invalid object key "${key}"`);
  }
  return key;
}
