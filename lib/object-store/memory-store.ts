// The in-memory store: a development feature (`memory`), shared by everything in one process.
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  bodyBytes,
  checkKey,
  ObjectStoreError,
  type IncompleteUpload,
  type ListPage,
  type ObjectInfo,
  type ObjectStore,
  type PutBody,
  type PutOptions,
  type UploadOptions,
} from './types.ts';

interface Entry {
  body: Uint8Array;
  etag: string;
  lastModified: Date;
}

const sharedObjects = new Map<string, Entry>();

function etagOf(body: Uint8Array): string {
  return createHash('md5').update(body).digest('hex');
}

export class MemoryObjectStore implements ObjectStore {
  readonly displayUrl = 'memory';
  constructor(private readonly objects: Map<string, Entry> = sharedObjects) {}

  private entry(key: string): Entry {
    const entry = this.objects.get(checkKey(key));
    if (!entry) throw new ObjectStoreError('NOT_FOUND', `object ${key} not found in memory`);
    return entry;
  }

  async put(key: string, body: PutBody, options: PutOptions = {}) {
    checkKey(key);
    // Made before the condition is checked, as a store does that receives the whole body first.
    const bytes = new Uint8Array(await bodyBytes(body)); // a copy: the caller may reuse its buffer
    const current = this.objects.get(key);
    if (options.ifMatch === undefined && current)
      throw new ObjectStoreError('ALREADY_EXISTS', `object ${key} already exists`);
    if (options.ifMatch !== undefined && current?.etag !== options.ifMatch)
      throw new ObjectStoreError('PRECONDITION_FAILED', `object ${key} changed since it was read`);
    const etag = etagOf(bytes);
    this.objects.set(key, { body: bytes, etag, lastModified: new Date() });
    return { etag };
  }

  async upload(key: string, body: AsyncIterable<Uint8Array>, options: UploadOptions = {}) {
    checkKey(key);
    if (this.objects.has(key)) throw new ObjectStoreError('ALREADY_EXISTS', `object ${key} already exists`);
    const chunks: Uint8Array[] = [];
    for await (const chunk of body) {
      if (options.signal?.aborted) throw new ObjectStoreError('ABORTED', `upload of ${key} aborted`);
      chunks.push(new Uint8Array(chunk));
    }
    if (options.signal?.aborted) throw new ObjectStoreError('ABORTED', `upload of ${key} aborted`);
    const bytes = Buffer.concat(chunks);
    const { etag } = await this.put(key, bytes);
    return { etag, size: bytes.length };
  }

  async get(key: string) {
    const { body, etag } = this.entry(key);
    return { body, etag };
  }

  async streamIfChanged(key: string, etag?: string) {
    const entry = this.entry(key);
    return entry.etag === etag ? null : { body: Readable.from([entry.body]), etag: entry.etag };
  }

  async getRange(key: string, start: number, end: number) {
    return this.entry(key).body.slice(start, end);
  }

  async stream(key: string) {
    return Readable.from([this.entry(key).body]);
  }

  async head(key: string): Promise<ObjectInfo | null> {
    const entry = this.objects.get(checkKey(key));
    return entry ? { key, size: entry.body.length, etag: entry.etag, lastModified: entry.lastModified } : null;
  }

  async listPage(prefix: string, options: { after?: string; limit?: number } = {}): Promise<ListPage> {
    const limit = options.limit ?? 1000;
    const keys = [...this.objects.keys()]
      .filter((k) => k.startsWith(prefix) && (options.after === undefined || k > options.after))
      .sort();
    const objects = keys.slice(0, limit).map((key) => {
      const e = this.objects.get(key)!;
      return { key, size: e.body.length, etag: e.etag, lastModified: e.lastModified };
    });
    return { objects, next: keys.length > limit ? objects.at(-1)!.key : undefined };
  }

  async deleteMany(keys: readonly string[]) {
    for (const key of keys) this.objects.delete(checkKey(key));
  }

  /** Writes here are never partial. */
  async listIncompleteUploads(): Promise<IncompleteUpload[]> {
    return [];
  }

  async abortIncompleteUploads() {}

  async checkLocation() {}

  async close() {}
}
