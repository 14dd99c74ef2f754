// s3://bucket (AWS: region and credentials from the standard AWS environment) and
// minio://key:secret@host:port/bucket (any S3-compatible endpoint, path style).
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { Readable } from 'node:stream';
import { checkKey, isObjectStoreError, ObjectStoreError, type ListPage, type ObjectInfo, type ObjectStore, type PutOptions, type UploadOptions } from './types.ts';

// The SDK version is pinned and works on Node 20 (see the team's stack notes); its notice
// that later releases will need Node 22 would otherwise be printed by every process.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const PART_SIZE = 8 * 1024 * 1024;
const PART_CONCURRENCY = 4;
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
}

function statusOf(error: unknown): number | undefined {
  return error instanceof S3ServiceException ? error.$metadata.httpStatusCode : undefined;
}

function nameOf(error: unknown): string {
  return (error as { name?: string })?.name ?? '';
}

export class S3ObjectStore implements ObjectStore {
  readonly displayUrl: string;
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly bareConditionalEtags: boolean;

  constructor(options: S3StoreOptions) {
    this.bucket = options.bucket;
    this.bareConditionalEtags = options.bareConditionalEtags ?? false;
    this.displayUrl = options.displayUrl;
    const config: S3ClientConfig = {
      // Checksums only where the API requires them: S3-compatible servers reject the SDK's
      // default streaming checksum trailer, and the snapshot carries its own checksum.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      maxAttempts: 3,
    };
    if (options.endpoint) {
      Object.assign(config, { endpoint: options.endpoint, forcePathStyle: true, region: process.env.AWS_REGION ?? 'us-east-1', credentials: options.credentials });
    }
    this.client = new S3Client(config);
  }

  private fail(action: string, key: string, error: unknown): ObjectStoreError {
    if (isObjectStoreError(error)) return error;
    const status = statusOf(error);
    const name = nameOf(error);
    if (name === 'NoSuchKey' || name === 'NotFound' || (status === 404 && name !== 'NoSuchBucket')) {
      return new ObjectStoreError('NOT_FOUND', `object ${key} not found in ${this.displayUrl}`, { cause: error });
    }
    if (name === 'AbortError') return new ObjectStoreError('ABORTED', `${action} of ${key} aborted`, { cause: error });
    const detail = name === 'NoSuchBucket' ? `bucket ${this.bucket} does not exist` : (error as Error).message || name || `HTTP ${status}`;
    return new ObjectStoreError('UNAVAILABLE', `cannot ${action} ${key} in ${this.displayUrl}: ${detail}`, { cause: error });
  }

  async put(key: string, body: Uint8Array | string, options: PutOptions = {}) {
    checkKey(key);
    try {
      const result = await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: body,
          ...(options.ifMatch === undefined ? { IfNoneMatch: '*' } : { IfMatch: this.bareConditionalEtags ? options.ifMatch.replace(/^"(.*)"$/, '$1') : options.ifMatch }),
        }),
      );
      return { etag: result.ETag ?? (await this.head(key))?.etag ?? '' };
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

  async upload(key: string, body: AsyncIterable<Uint8Array>, options: UploadOptions = {}) {
    checkKey(key);
    if (await this.head(key)) throw new ObjectStoreError('ALREADY_EXISTS', `object ${key} already exists in ${this.displayUrl}`);
    let size = 0;
    const counted = Readable.from(
      (async function* () {
        for await (const chunk of body) {
          size += chunk.length;
          yield chunk;
        }
      })(),
    );
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: key, Body: counted, IfNoneMatch: '*' },
      partSize: PART_SIZE,
      queueSize: PART_CONCURRENCY,
      leavePartsOnError: false,
    });
    const abort = () => void upload.abort();
    options.signal?.addEventListener('abort', abort, { once: true });
    try {
      if (options.signal?.aborted) throw new ObjectStoreError('ABORTED', `upload of ${key} aborted`);
      await upload.done();
    } catch (error) {
      counted.destroy();
      if (options.signal?.aborted) throw new ObjectStoreError('ABORTED', `upload of ${key} aborted`, { cause: error });
      if (statusOf(error) === 412) throw new ObjectStoreError('ALREADY_EXISTS', `object ${key} already exists in ${this.displayUrl}`);
      throw this.fail('upload', key, error);
    } finally {
      options.signal?.removeEventListener('abort', abort);
    }
    // Some servers answer CompleteMultipartUpload with an empty ETag: ask for it.
    const info = await this.head(key);
    return { etag: info?.etag ?? '', size };
  }

  async get(key: string) {
    checkKey(key);
    try {
      const result = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return { body: await result.Body!.transformToByteArray(), etag: result.ETag ?? '' };
    } catch (error) {
      throw this.fail('read', key, error);
    }
  }

  async getIfChanged(key: string, etag: string) {
    checkKey(key);
    try {
      const result = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key, IfNoneMatch: etag }));
      return { body: await result.Body!.transformToByteArray(), etag: result.ETag ?? '' };
    } catch (error) {
      if (statusOf(error) === 304) return null;
      throw this.fail('read', key, error);
    }
  }

  async getRange(key: string, start: number, end: number) {
    checkKey(key);
    if (end <= start) return new Uint8Array(0);
    try {
      const result = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key, Range: `bytes=${start}-${end - 1}` }));
      return await result.Body!.transformToByteArray();
    } catch (error) {
      if (statusOf(error) === 416) return new Uint8Array(0);
      throw this.fail('read', key, error);
    }
  }

  async stream(key: string) {
    checkKey(key);
    try {
      const result = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return result.Body as Readable;
    } catch (error) {
      throw this.fail('read', key, error);
    }
  }

  async head(key: string): Promise<ObjectInfo | null> {
    checkKey(key);
    try {
      const result = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return { key, size: result.ContentLength ?? 0, etag: result.ETag ?? '', lastModified: result.LastModified ?? new Date(0) };
    } catch (error) {
      const failure = this.fail('stat', key, error);
      if (failure.code === 'NOT_FOUND') return null;
      throw failure;
    }
  }

  async listPage(prefix: string, options: { after?: string; limit?: number } = {}): Promise<ListPage> {
    try {
      const result = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, StartAfter: options.after, MaxKeys: Math.min(options.limit ?? 1000, 1000) }),
      );
      const objects = (result.Contents ?? []).map((o) => ({ key: o.Key!, size: o.Size ?? 0, etag: o.ETag ?? '', lastModified: o.LastModified ?? new Date(0) }));
      return { objects, next: result.IsTruncated && objects.length ? objects.at(-1)!.key : undefined };
    } catch (error) {
      throw this.fail('list', prefix || '/', error);
    }
  }

  async deleteMany(keys: readonly string[]) {
    for (let i = 0; i < keys.length; i += DELETE_BATCH) {
      const batch = keys.slice(i, i + DELETE_BATCH).map(checkKey);
      try {
        const result = await this.client.send(new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true } }));
        const failed = (result.Errors ?? []).filter((e) => e.Code !== 'NoSuchKey');
        if (failed.length) throw new ObjectStoreError('UNAVAILABLE', `cannot delete ${failed.map((e) => `${e.Key} (${e.Code})`).join(', ')} in ${this.displayUrl}`);
      } catch (error) {
        throw this.fail('delete', batch[0]!, error);
      }
    }
  }

  async close() {
    this.client.destroy();
  }
}
