// Wraps a real store and fails chosen operations: for fault-injection tests and drills.
// The wrapped store does the real work; a fault only stops an operation or cuts a body short.
import { Readable } from 'node:stream';
import type { ObjectStore, PutBody, PutOptions, UploadOptions } from './types.ts';

export type StoreOperation = 'put' | 'upload' | 'get' | 'getRange' | 'stream' | 'head' | 'listPage' | 'deleteMany';

export interface Fault {
  operation: StoreOperation;
  /** Only operations on keys that match (any key when absent). */
  key?: RegExp;
  /** For uploads and streams: fail after this many body bytes, instead of before the call. */
  afterBytes?: number;
  /** How many matching calls fail before the fault clears (default: every one). */
  times?: number;
  /** Slow down instead of failing: wait this long before the call (uploads: before each body chunk). */
  delayMs?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class InjectedFault extends Error {
  override readonly name = 'InjectedFault';
}

export class FaultInjectingObjectStore implements ObjectStore {
  private faults: Fault[] = [];
  readonly calls: { operation: StoreOperation; key: string }[] = [];

  constructor(readonly inner: ObjectStore) {}

  get displayUrl() {
    return this.inner.displayUrl;
  }

  inject(fault: Fault): this {
    this.faults.push({ ...fault });
    return this;
  }

  clear(): this {
    this.faults = [];
    return this;
  }

  private match(operation: StoreOperation, key: string): Fault | undefined {
    this.calls.push({ operation, key });
    const fault = this.faults.find(
      (f) => f.operation === operation && (!f.key || f.key.test(key)) && (f.times === undefined || f.times > 0),
    );
    if (fault && fault.times !== undefined) fault.times--;
    return fault;
  }

  private async check(operation: StoreOperation, key: string): Promise<void> {
    const fault = this.match(operation, key);
    if (!fault) return;
    if (fault.delayMs === undefined) throw new InjectedFault(`injected fault: ${operation} ${key}`);
    await sleep(fault.delayMs);
  }

  async put(key: string, body: PutBody, options?: PutOptions) {
    await this.check('put', key);
    return this.inner.put(key, body, options);
  }

  async upload(key: string, body: AsyncIterable<Uint8Array>, options?: UploadOptions) {
    const fault = this.match('upload', key);
    if (fault?.delayMs !== undefined) {
      const delay = fault.delayMs;
      async function* slowed() {
        for await (const chunk of body) {
          await sleep(delay);
          yield chunk;
        }
      }
      return this.inner.upload(key, slowed(), options);
    }
    if (fault?.afterBytes === undefined) {
      if (fault) throw new InjectedFault(`injected fault: upload ${key}`);
      return this.inner.upload(key, body, options);
    }
    const limit = fault.afterBytes;
    async function* cut() {
      let sent = 0;
      for await (const chunk of body) {
        if (sent + chunk.length > limit) {
          yield chunk.subarray(0, limit - sent);
          throw new InjectedFault(`injected fault: upload ${key} after ${limit} bytes`);
        }
        sent += chunk.length;
        yield chunk;
      }
    }
    return this.inner.upload(key, cut(), options);
  }

  async get(key: string) {
    await this.check('get', key);
    return this.inner.get(key);
  }

  /** Faults of 'get' apply: it is how the manifest is read. */
  async streamIfChanged(key: string, etag?: string) {
    await this.check('get', key);
    return this.inner.streamIfChanged(key, etag);
  }

  async getRange(key: string, start: number, end: number) {
    await this.check('getRange', key);
    return this.inner.getRange(key, start, end);
  }

  async stream(key: string) {
    const fault = this.match('stream', key);
    if (fault?.afterBytes === undefined) {
      if (fault?.delayMs !== undefined) await sleep(fault.delayMs);
      else if (fault) throw new InjectedFault(`injected fault: stream ${key}`);
      return this.inner.stream(key);
    }
    const limit = fault.afterBytes;
    const source = await this.inner.stream(key);
    async function* cut() {
      let sent = 0;
      for await (const chunk of source as AsyncIterable<Uint8Array>) {
        if (sent + chunk.length > limit) {
          yield chunk.subarray(0, limit - sent);
          source.destroy();
          throw new InjectedFault(`injected fault: stream ${key} after ${limit} bytes`);
        }
        sent += chunk.length;
        yield chunk;
      }
    }
    return Readable.from(cut(), { objectMode: false });
  }

  async head(key: string) {
    await this.check('head', key);
    return this.inner.head(key);
  }

  async listPage(prefix: string, options?: { after?: string; limit?: number }) {
    await this.check('listPage', prefix);
    return this.inner.listPage(prefix, options);
  }

  async deleteMany(keys: readonly string[]) {
    for (const key of keys) await this.check('deleteMany', key);
    return this.inner.deleteMany(keys);
  }

  listIncompleteUploads(prefix: string, options?: { exceptKeys?: readonly string[]; idleMs?: number }) {
    return this.inner.listIncompleteUploads(prefix, options);
  }

  abortIncompleteUploads(handles: readonly string[]) {
    return this.inner.abortIncompleteUploads(handles);
  }

  checkLocation(prefix: string) {
    return this.inner.checkLocation(prefix);
  }

  close() {
    return this.inner.close();
  }
}
