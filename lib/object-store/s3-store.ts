// s3://bucket (AWS: region and credentials from the standard AWS environment) and
// minio://key:secret@host:port/bucket (any S3-compatible endpoint, path style).
import { errorText, processLogger } from '../log.ts';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
  type CompletedPart,
  type GetObjectCommandOutput,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  checkKey,
  INCOMPLETE_UPLOAD_IDLE_MS,
  isChunkedBody,
  isStreamedBody,
  isObjectStoreError,
  ObjectStoreError,
  type IncompleteUpload,
  type ListPage,
  type ObjectInfo,
  type ObjectStore,
  type PutBody,
  type PutOptions,
  type StreamedBody,
  type UploadOptions,
} from './types.ts';

// The SDK version is pinned and works on Node 20 (see the team's stack notes); its notice
// that later releases will need Node 22 would otherwise be printed by every process.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const PART_SIZE = 8 * 1024 * 1024;
const PART_CONCURRENCY = 4;
/** A put body made in pieces is sent as a stream above this size, and as one buffer below it. */
const STREAMED_PUT_BYTES = 16 * 1024 * 1024;
const STREAMED_PUT_ATTEMPTS = 3;

/**
 * Retries what the SDK retries for a buffer body but cannot for a stream: server errors,
 * throttling and dropped connections (an answer such as 412 is final).
 */
async function withRetries<T>(send: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await send();
    } catch (error) {
      const status = statusOf(error);
      const transient = status === undefined ? nameOf(error) !== 'AbortError' : status >= 500 || status === 429;
      if (!transient || attempt >= STREAMED_PUT_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt * (0.5 + Math.random())));
    }
  }
}
const DELETE_BATCH = 1000;

export interface S3StoreOptions {
  bucket: string;
  displayUrl: string;
  /** For minio:// (any S3-compatible server): endpoint and static credentials, path-style requests. */
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /**
   * Send If-Match ETags without their quotes. Some S3-compatible servers (Ceph's radosgw)
   * compare the bare hash and answer 412 to the quoted form; MinIO accepts both.
   */
  bareConditionalEtags?: boolean;
  /** Deadlines; by default from the environment (see storageDeadlines). */
  deadlines?: Partial<StorageDeadlines>;
}

export interface StorageDeadlines {
  /** A connection silent this long fails its attempt (the SDK retries it). */
  idleMs: number;
  /** A whole call, retries included, until its answer's headers: metadata calls and reads. */
  callMs: number;
  /** A whole part upload (8 MiB), retries included. */
  partMs: number;
}

/**
 * Every call has a deadline, so a stalled server (a full Ceph cluster blocks writes; a stopped
 * one keeps its connections open) fails a job in well under a minute instead of hanging it.
 * STORAGE_CALL_TIMEOUT_MS and STORAGE_IDLE_TIMEOUT_MS override them (the fault tests shorten them).
 */
export function storageDeadlines(env: NodeJS.ProcessEnv = process.env): StorageDeadlines {
  const ms = (name: string, fallback: number) => {
    const value = Number(env[name]);
    return Number.isInteger(value) && value > 0 ? value : fallback;
  };
  const idleMs = ms('STORAGE_IDLE_TIMEOUT_MS', 10_000);
  return { idleMs, callMs: ms('STORAGE_CALL_TIMEOUT_MS', 20_000), partMs: Math.max(60_000, 3 * idleMs) };
}

/** The HTTP status of a failed call: also on errors the SDK raised parsing a body that was not S3's XML. */
function statusOf(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
}

const CONNECTION_ERRORS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

function isConnectionFailure(error: unknown): boolean {
  const e = error as { code?: string; name?: string } | undefined;
  return statusOf(error) === undefined && (CONNECTION_ERRORS.has(e?.code ?? '') || e?.name === 'TimeoutError');
}

function answeredByS3(error: unknown): boolean {
  return Boolean((error as { $metadata?: { requestId?: string } } | undefined)?.$metadata?.requestId);
}

function nameOf(error: unknown): string {
  return (error as { name?: string })?.name ?? '';
}

/**
 * A response body read into one buffer of its announced length: the SDK's transformToByteArray
 * holds the chunks and their concatenation at once, twice a 240 MB manifest.
 */
async function bodyBytes(result: GetObjectCommandOutput): Promise<Uint8Array> {
  const length = result.ContentLength;
  if (length === undefined || !(result.Body instanceof Readable)) return result.Body!.transformToByteArray();
  const out = Buffer.allocUnsafe(length);
  let at = 0;
  for await (const chunk of result.Body as AsyncIterable<Buffer>) {
    if (at + chunk.length > length) throw new Error(`the response body is longer than its Content-Length ${length}`);
    chunk.copy(out, at);
    at += chunk.length;
  }
  if (at !== length) throw new Error(`the response body ended after ${at} of its ${length} bytes`);
  return out;
}

export class S3ObjectStore implements ObjectStore {
  readonly displayUrl: string;
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly bareConditionalEtags: boolean;
  private readonly deadlines: StorageDeadlines;

  constructor(options: S3StoreOptions) {
    this.bucket = options.bucket;
    this.deadlines = { ...storageDeadlines(), ...options.deadlines };
    this.bareConditionalEtags = options.bareConditionalEtags ?? false;
    this.displayUrl = options.displayUrl;
    const config: S3ClientConfig = {
      // Checksums only where the API requires them: S3-compatible servers reject the SDK's
      // default streaming checksum trailer, and the snapshot carries its own checksum.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      maxAttempts: 3,
      // A server that stops answering (a full Ceph cluster blocks writes) must fail the request.
      requestHandler: {
        connectionTimeout: Math.min(10_000, this.deadlines.idleMs),
        socketTimeout: this.deadlines.idleMs,
      },
    };
    if (options.endpoint) {
      Object.assign(config, {
        endpoint: options.endpoint,
        forcePathStyle: true,
        region: process.env.AWS_REGION ?? 'us-east-1',
        credentials: options.credentials,
      });
    }
    this.client = new S3Client(config);
  }

  private fail(action: string, key: string, error: unknown): ObjectStoreError {
    if (isObjectStoreError(error)) return error;
    const status = statusOf(error);
    const name = nameOf(error);
    if (name === 'AbortError') return new ObjectStoreError('ABORTED', `${action} of ${key} aborted`, { cause: error });
    // A 404 is a missing object only when an S3 server said it (its request id header): any web
    // server answers 404 to a path it does not have, and that must not read as "no manifest yet".
    if (status !== undefined && !answeredByS3(error)) {
      return new ObjectStoreError(
        'UNAVAILABLE',
        `cannot ${action} ${key} in ${this.displayUrl}: the server there does not answer as an S3 server (HTTP ${status} without S3's headers)`,
        { cause: error },
      );
    }
    if (name === 'NoSuchKey' || name === 'NotFound' || (status === 404 && name !== 'NoSuchBucket')) {
      return new ObjectStoreError('NOT_FOUND', `object ${key} not found in ${this.displayUrl}`, { cause: error });
    }
    // Without an HTTP answer, one text for refused, reset and unreachable: the errors of a
    // storage form must not tell an admin which ports of which hosts are open.
    const detail =
      name === 'NoSuchBucket'
        ? `bucket ${this.bucket} does not exist`
        : isConnectionFailure(error)
          ? 'no S3 server answered'
          : (error as Error).message || name || `HTTP ${status}`;
    return new ObjectStoreError('UNAVAILABLE', `cannot ${action} ${key} in ${this.displayUrl}: ${detail}`, {
      cause: error,
    });
  }

  /**
   * Sends a command with a deadline for its answer (the response headers; a body is then bounded
   * by the idle timeout) and the caller's abort signal. A missed deadline is UNAVAILABLE, naming it.
   */
  private async send<T>(
    what: string,
    call: (abortSignal: AbortSignal) => Promise<T>,
    options: { signal?: AbortSignal; deadlineMs?: number } = {},
  ): Promise<T> {
    const ms = options.deadlineMs ?? this.deadlines.callMs;
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), ms);
    try {
      return await call(options.signal ? AbortSignal.any([options.signal, deadline.signal]) : deadline.signal);
    } catch (error) {
      if (deadline.signal.aborted && !options.signal?.aborted) {
        throw new ObjectStoreError('UNAVAILABLE', `${this.displayUrl} did not answer ${what} within ${ms / 1000} s`, {
          cause: error,
        });
      }
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  async put(key: string, body: PutBody, options: PutOptions = {}) {
    checkKey(key);
    try {
      const condition =
        options.ifMatch === undefined
          ? { IfNoneMatch: '*' }
          : { IfMatch: this.bareConditionalEtags ? options.ifMatch.replace(/^"(.*)"$/, '$1') : options.ifMatch };
      let result: { ETag?: string };
      if (isStreamedBody(body)) {
        result = await this.putSpooled(key, body, condition);
      } else if (!isChunkedBody(body)) {
        result = await this.send(`a write of ${key}`, (abortSignal) =>
          this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ...condition }), {
            abortSignal,
          }),
        );
      } else {
        // A first pass for the length (sent before the bytes) and the SHA-256 (so the request is
        // signed over its payload, as a buffer's is).
        const hash = createHash('sha256');
        let length = 0;
        for (const chunk of body.chunks()) {
          hash.update(chunk);
          length += chunk.length;
        }
        result = await this.putInPieces(key, () => body.chunks(), length, hash.digest('hex'), condition);
      }
      return { etag: result.ETag ?? '' }; // never a HEAD: by then it may be another writer's object
    } catch (error) {
      if (statusOf(error) === 412 || nameOf(error) === 'PreconditionFailed') {
        throw options.ifMatch === undefined
          ? new ObjectStoreError('ALREADY_EXISTS', `object ${key} already exists in ${this.displayUrl}`)
          : new ObjectStoreError('PRECONDITION_FAILED', `object ${key} changed since it was read`);
      }
      if (statusOf(error) === 404 && options.ifMatch !== undefined && nameOf(error) !== 'NoSuchBucket') {
        throw new ObjectStoreError('PRECONDITION_FAILED', `object ${key} changed since it was read`);
      }
      throw this.fail('write', key, error);
    }
  }

  /**
   * A body of known length and hash, made again for each attempt (the SDK cannot resend a
   * stream): as one buffer when small, else streamed with its hash signed.
   */
  private async putInPieces(
    key: string,
    pieces: () => Iterable<Uint8Array> | AsyncIterable<Uint8Array>,
    length: number,
    payloadHash: string,
    condition: { IfNoneMatch: string } | { IfMatch: string },
  ): Promise<{ ETag?: string }> {
    if (length <= STREAMED_PUT_BYTES) {
      const chunks: Uint8Array[] = [];
      for await (const chunk of pieces()) chunks.push(chunk);
      const bytes = Buffer.concat(chunks);
      return this.send(`a write of ${key}`, (abortSignal) =>
        this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: bytes, ...condition }), {
          abortSignal,
        }),
      );
    }
    return withRetries(() => {
      const command = new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: Readable.from(pieces(), { objectMode: false }),
        ContentLength: length,
        ...condition,
      });
      command.middlewareStack.add(
        (next) => (args) => {
          (args.request as { headers: Record<string, string> }).headers['x-amz-content-sha256'] = payloadHash;
          return next(args);
        },
        { step: 'build', name: 'streamedPayloadHash' },
      );
      return this.send(`a write of ${key}`, (abortSignal) => this.client.send(command, { abortSignal }), {
        deadlineMs: this.deadlines.partMs + Math.ceil(length / 1e6) * 1000,
      });
    });
  }

  /**
   * A body read once is spooled to a temporary file first: a PUT needs its length (and, signed,
   * its hash) before the bytes, and a retry sends them again. Memory stays one chunk.
   */
  private async putSpooled(
    key: string,
    body: StreamedBody,
    condition: { IfNoneMatch: string } | { IfMatch: string },
  ): Promise<{ ETag?: string }> {
    const dir = await mkdtemp(path.join(tmpdir(), 'mbc-put-'));
    const file = path.join(dir, 'body');
    try {
      const hash = createHash('sha256');
      let length = 0;
      await pipeline(
        body.stream,
        async function* (chunks: AsyncIterable<Uint8Array>) {
          for await (const chunk of chunks) {
            hash.update(chunk);
            length += chunk.length;
            yield chunk;
          }
        },
        createWriteStream(file, { mode: 0o600 }),
      );
      return await this.putInPieces(key, () => createReadStream(file), length, hash.digest('hex'), condition);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  /**
   * Multipart, with a fixed set of part buffers reused as their parts finish: memory stays at
   * (PART_CONCURRENCY + 1) × PART_SIZE whatever the body's size. (With lib-storage's Upload,
   * which concatenates each part from the body's chunks, one 415 MB upload peaked at 197 MB RSS;
   * with this, at 131 MB.) A body shorter than one part is a single conditional PUT.
   */
  async upload(key: string, body: AsyncIterable<Uint8Array>, options: UploadOptions = {}) {
    checkKey(key);
    const { signal } = options;
    if (await this.head(key, signal))
      throw new ObjectStoreError('ALREADY_EXISTS', `object ${key} already exists in ${this.displayUrl}`);
    const aborted = () => new ObjectStoreError('ABORTED', `upload of ${key} aborted`);
    const spare: Buffer[] = [];
    const inFlight = new Set<Promise<void>>();
    const parts: { PartNumber: number; ETag: string | undefined }[] = [];
    let failure: unknown;
    let uploadId: string | undefined;
    let part: Buffer = Buffer.allocUnsafe(PART_SIZE);
    let used = 0;
    let size = 0;
    const sendPart = async (bytes: Buffer, length: number) => {
      const PartNumber = parts.length + 1;
      parts.push({ PartNumber, ETag: undefined });
      const sending: Promise<void> = this.send(
        `an upload of part ${PartNumber} of ${key}`,
        (abortSignal) =>
          this.client.send(
            new UploadPartCommand({
              Bucket: this.bucket,
              Key: key,
              UploadId: uploadId,
              PartNumber,
              Body: bytes.subarray(0, length),
              ContentLength: length,
            }),
            { abortSignal },
          ),
        { signal, deadlineMs: this.deadlines.partMs },
      )
        .then((result) => {
          parts[PartNumber - 1]!.ETag = result.ETag;
          spare.push(bytes);
        })
        .catch((error: unknown) => {
          failure ??= error;
        })
        .finally(() => inFlight.delete(sending));
      inFlight.add(sending);
      if (inFlight.size >= PART_CONCURRENCY) await Promise.race(inFlight);
      if (failure) throw failure;
    };
    try {
      for await (const chunk of body) {
        if (signal?.aborted) throw aborted();
        for (let at = 0; at < chunk.length; ) {
          const n = Math.min(chunk.length - at, PART_SIZE - used);
          part.set(chunk.subarray(at, at + n), used);
          used += n;
          at += n;
          size += n;
          if (used < PART_SIZE) continue;
          uploadId ??= (
            await this.send(
              `the start of an upload of ${key}`,
              (abortSignal) =>
                this.client.send(new CreateMultipartUploadCommand({ Bucket: this.bucket, Key: key }), { abortSignal }),
              { signal },
            )
          ).UploadId;
          await sendPart(part, used);
          part = spare.pop() ?? Buffer.allocUnsafe(PART_SIZE);
          used = 0;
        }
      }
      if (signal?.aborted) throw aborted();
      if (uploadId === undefined) {
        await this.send(
          `a write of ${key}`,
          (abortSignal) =>
            this.client.send(
              new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: part.subarray(0, used), IfNoneMatch: '*' }),
              { abortSignal },
            ),
          { signal, deadlineMs: this.deadlines.partMs },
        );
      } else {
        if (used > 0) await sendPart(part, used);
        await Promise.all(inFlight);
        if (failure) throw failure;
        // Completing many parts can take the server a while.
        await this.send(
          `the completion of an upload of ${key}`,
          (abortSignal) =>
            this.client.send(
              new CompleteMultipartUploadCommand({
                Bucket: this.bucket,
                Key: key,
                UploadId: uploadId,
                MultipartUpload: { Parts: parts as CompletedPart[] },
                IfNoneMatch: '*',
              }),
              { abortSignal },
            ),
          { signal, deadlineMs: this.deadlines.partMs },
        );
      }
    } catch (error) {
      await Promise.allSettled(inFlight);
      // Bounded, so a cancel or a stalled server ends the job at once; an upload left behind is
      // named by the orphan sweep.
      if (uploadId !== undefined) {
        await this.send(
          `the abort of an upload of ${key}`,
          (abortSignal) =>
            this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId }), {
              abortSignal,
            }),
          { deadlineMs: Math.min(5_000, this.deadlines.callMs) },
        ).catch((abortError: unknown) =>
          processLogger().warn(
            { key, storage: this.displayUrl, cause: errorText(abortError) },
            'could not abort a failed multipart upload; the orphan sweep lists it',
          ),
        );
      }
      if (signal?.aborted)
        throw isObjectStoreError(error, 'ABORTED')
          ? error
          : new ObjectStoreError('ABORTED', `upload of ${key} aborted`, { cause: error });
      if (isObjectStoreError(error)) throw error;
      if (statusOf(error) === 412)
        throw new ObjectStoreError('ALREADY_EXISTS', `object ${key} already exists in ${this.displayUrl}`);
      throw this.fail('upload', key, error);
    }
    // Some servers answer CompleteMultipartUpload with an empty ETag: ask for it.
    const info = await this.head(key);
    return { etag: info?.etag ?? '', size };
  }

  async get(key: string) {
    checkKey(key);
    try {
      const result = await this.send(`a read of ${key}`, (abortSignal) =>
        this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }), { abortSignal }),
      );
      return { body: await bodyBytes(result), etag: result.ETag ?? '' };
    } catch (error) {
      throw this.fail('read', key, error);
    }
  }

  async streamIfChanged(key: string, etag?: string) {
    checkKey(key);
    try {
      // One GET: its ETag is that of the body it streams.
      const result = await this.send(`a read of ${key}`, (abortSignal) =>
        this.client.send(
          new GetObjectCommand({ Bucket: this.bucket, Key: key, ...(etag ? { IfNoneMatch: etag } : {}) }),
          { abortSignal },
        ),
      );
      return { body: result.Body as Readable, etag: result.ETag ?? '' };
    } catch (error) {
      if (statusOf(error) === 304) return null;
      throw this.fail('read', key, error);
    }
  }

  async getRange(key: string, start: number, end: number) {
    checkKey(key);
    if (end <= start) return new Uint8Array(0);
    try {
      const result = await this.send(`a read of ${key}`, (abortSignal) =>
        this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key, Range: `bytes=${start}-${end - 1}` }), {
          abortSignal,
        }),
      );
      return await result.Body!.transformToByteArray();
    } catch (error) {
      if (statusOf(error) === 416) return new Uint8Array(0);
      throw this.fail('read', key, error);
    }
  }

  async stream(key: string) {
    checkKey(key);
    try {
      const result = await this.send(`a read of ${key}`, (abortSignal) =>
        this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }), { abortSignal }),
      );
      return result.Body as Readable;
    } catch (error) {
      throw this.fail('read', key, error);
    }
  }

  async head(key: string, signal?: AbortSignal): Promise<ObjectInfo | null> {
    checkKey(key);
    try {
      const result = await this.send(
        `a stat of ${key}`,
        (abortSignal) => this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }), { abortSignal }),
        { signal },
      );
      return {
        key,
        size: result.ContentLength ?? 0,
        etag: result.ETag ?? '',
        lastModified: result.LastModified ?? new Date(0),
      };
    } catch (error) {
      const failure = this.fail('stat', key, error);
      if (failure.code === 'NOT_FOUND') return null;
      throw failure;
    }
  }

  async listPage(prefix: string, options: { after?: string; limit?: number } = {}): Promise<ListPage> {
    try {
      const result = await this.send(`a listing of ${prefix || '/'}`, (abortSignal) =>
        this.client.send(
          new ListObjectsV2Command({
            Bucket: this.bucket,
            Prefix: prefix,
            StartAfter: options.after,
            MaxKeys: Math.min(options.limit ?? 1000, 1000),
          }),
          { abortSignal },
        ),
      );
      const objects = (result.Contents ?? []).map((o) => ({
        key: o.Key!,
        size: o.Size ?? 0,
        etag: o.ETag ?? '',
        lastModified: o.LastModified ?? new Date(0),
      }));
      return { objects, next: result.IsTruncated && objects.length ? objects.at(-1)!.key : undefined };
    } catch (error) {
      throw this.fail('list', prefix || '/', error);
    }
  }

  async deleteMany(keys: readonly string[]) {
    for (let i = 0; i < keys.length; i += DELETE_BATCH) {
      const batch = keys.slice(i, i + DELETE_BATCH).map(checkKey);
      try {
        const result = await this.send(`a delete in ${batch[0]}`, (abortSignal) =>
          this.client.send(
            new DeleteObjectsCommand({
              Bucket: this.bucket,
              Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true },
            }),
            { abortSignal },
          ),
        );
        const failed = (result.Errors ?? []).filter((e) => e.Code !== 'NoSuchKey');
        if (failed.length)
          throw new ObjectStoreError(
            'UNAVAILABLE',
            `cannot delete ${failed.map((e) => `${e.Key} (${e.Code})`).join(', ')} in ${this.displayUrl}`,
          );
      } catch (error) {
        throw this.fail('delete', batch[0]!, error);
      }
    }
  }

  /** Fails unless an S3 server answers a listing of the bucket (a web server's page is not one). */
  async checkLocation(prefix: string): Promise<void> {
    try {
      const result = await this.send(`a listing of ${prefix || '/'}`, (abortSignal) =>
        this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, MaxKeys: 1 }), {
          abortSignal,
        }),
      );
      if (!result.$metadata.requestId)
        throw new ObjectStoreError(
          'UNAVAILABLE',
          `${this.displayUrl} does not answer as an S3 server (a listing came back without S3's headers)`,
        );
    } catch (error) {
      throw this.fail('list', prefix || '/', error);
    }
  }

  async listIncompleteUploads(
    prefix: string,
    options: { exceptKeys?: readonly string[]; idleMs?: number } = {},
  ): Promise<IncompleteUpload[]> {
    const except = new Set(options.exceptKeys ?? []);
    const idleBefore = Date.now() - (options.idleMs ?? INCOMPLETE_UPLOAD_IDLE_MS);
    const found: IncompleteUpload[] = [];
    let marker: { KeyMarker?: string; UploadIdMarker?: string } = {};
    try {
      for (;;) {
        const page = await this.send(`a listing of unfinished uploads in ${prefix || '/'}`, (abortSignal) =>
          this.client.send(new ListMultipartUploadsCommand({ Bucket: this.bucket, Prefix: prefix, ...marker }), {
            abortSignal,
          }),
        );
        for (const upload of page.Uploads ?? []) {
          const key = upload.Key!;
          if (
            key.slice(prefix.length).includes('/') ||
            except.has(key) ||
            (upload.Initiated?.getTime() ?? 0) >= idleBefore
          )
            continue;
          const parts = await this.send(`a listing of the parts of ${key}`, (abortSignal) =>
            this.client.send(new ListPartsCommand({ Bucket: this.bucket, Key: key, UploadId: upload.UploadId }), {
              abortSignal,
            }),
          );
          const size = (parts.Parts ?? []).reduce((sum, p) => sum + (p.Size ?? 0), 0);
          found.push({
            handle: `${key} [upload ${upload.UploadId}]`,
            size,
            lastModified: upload.Initiated ?? new Date(0),
          });
        }
        if (!page.IsTruncated) return found;
        marker = { KeyMarker: page.NextKeyMarker, UploadIdMarker: page.NextUploadIdMarker };
      }
    } catch (error) {
      throw this.fail('list unfinished uploads of', prefix || '/', error);
    }
  }

  async abortIncompleteUploads(handles: readonly string[]) {
    for (const handle of handles) {
      const match = /^(.+) \[upload (.+)\]$/.exec(handle);
      if (!match)
        throw new ObjectStoreError('INVALID_KEY', `"${handle}" is not an unfinished upload of ${this.displayUrl}`);
      const [, key, uploadId] = match;
      try {
        await this.send(`the abort of an upload of ${key}`, (abortSignal) =>
          this.client.send(
            new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: checkKey(key!), UploadId: uploadId }),
            { abortSignal },
          ),
        );
      } catch (error) {
        if (nameOf(error) === 'NoSuchUpload' || statusOf(error) === 404) continue; // already gone
        throw this.fail('abort the upload of', key!, error);
      }
    }
  }

  async close() {
    this.client.destroy();
  }
}
