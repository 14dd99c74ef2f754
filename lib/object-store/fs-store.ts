// fs://path: objects are files under a root directory. Writes go to a temporary file first;
// a create links it into place (atomic, fails if the key exists) and a conditional replace
// renames it under a lock, so readers never see a half-written object.
import { errorText, processLogger } from '../log.ts';
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream, type Dirent } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import lockfile from 'proper-lockfile';
import { realPathOf, staysInside } from './fs-roots.ts';
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
  type UploadOptions,
} from './types.ts';

const TMP_DIR = '.mbc-tmp';
const LOCK_DIR = '.mbc-locks';
/** A temporary file's name: `<parent tag>.<key tag>.<uuid>`; older versions used a bare uuid. */
const TEMP_NAME = /^(?:([0-9a-f]{16})\.([0-9a-f]{16})\.)?[0-9a-f-]{36}$/;

const tempTag = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 16);
const parentOf = (key: string) => key.slice(0, Math.max(0, key.lastIndexOf('/')));

function hasCode(error: unknown, code: string): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === code;
}

/** A temp file that cannot be removed is left for the orphan sweep, and said so. */
const logLeftTemp = (temp: string) => (error: unknown) =>
  processLogger().warn(
    { temp, cause: errorText(error) },
    'could not remove a temporary upload file; the orphan sweep lists it',
  );

export class FsObjectStore implements ObjectStore {
  readonly root: string;
  constructor(
    root: string,
    readonly displayUrl: string = `fs://${root}`,
  ) {
    this.root = path.resolve(root);
    this.realRoot = realPathOf(this.root);
  }

  private readonly realRoot: string;

  private file(key: string): string {
    checkKey(key);
    if (key.startsWith(`${TMP_DIR}/`) || key.startsWith(`${LOCK_DIR}/`))
      throw new ObjectStoreError('INVALID_KEY', `object key "${key}" is reserved`);
    const file = path.join(this.root, ...key.split('/'));
    // A symbolic link inside the store must not lead a key outside it.
    if (!staysInside(file, this.realRoot))
      throw new ObjectStoreError(
        'INVALID_KEY',
        `object key "${key}" leads outside ${this.displayUrl} through a symbolic link`,
      );
    return file;
  }

  private notFound(key: string, cause: unknown): ObjectStoreError {
    return new ObjectStoreError('NOT_FOUND', `object ${key} not found in ${this.displayUrl}`, { cause });
  }

  private unavailable(action: string, key: string, cause: unknown): ObjectStoreError {
    return new ObjectStoreError(
      'UNAVAILABLE',
      `cannot ${action} ${key} in ${this.displayUrl}: ${(cause as Error).message}`,
      { cause },
    );
  }

  private static etag(stat: { ino: bigint; size: bigint; mtimeNs: bigint }): string {
    // Every write renames or links a new file into place, so the inode changes with the content.
    return `${stat.ino.toString(16)}-${stat.size.toString(16)}-${stat.mtimeNs.toString(16)}`;
  }

  /**
   * A temporary file named after the directory and key it is for (hashed), so a sweep can tell
   * the unfinished uploads of one storage directory, and a running job's, from the others.
   */
  private async tempFile(key: string): Promise<string> {
    const dir = path.join(this.root, TMP_DIR);
    await fs.mkdir(dir, { recursive: true });
    return path.join(dir, `${tempTag(parentOf(key))}.${tempTag(key)}.${randomUUID()}`);
  }

  /** Links a finished temporary file into place; fails if the key exists. */
  private async linkIntoPlace(temp: string, key: string, target: string): Promise<void> {
    await fs.mkdir(path.dirname(target), { recursive: true });
    try {
      await fs.link(temp, target);
    } catch (error) {
      if (hasCode(error, 'EEXIST'))
        throw new ObjectStoreError('ALREADY_EXISTS', `object ${key} already exists in ${this.displayUrl}`);
      throw error;
    }
  }

  private async writeTemp(key: string, body: PutBody): Promise<string> {
    const temp = await this.tempFile(key);
    const handle = await fs.open(temp, 'wx');
    try {
      // writeFile writes all of it from the current position (write may write part).
      if (isChunkedBody(body)) for (const chunk of body.chunks()) await handle.writeFile(chunk);
      else if (isStreamedBody(body)) for await (const chunk of body.stream) await handle.writeFile(chunk);
      else await handle.writeFile(body);
      await handle.sync();
    } finally {
      await handle.close();
    }
    return temp;
  }

  async put(key: string, body: PutBody, options: PutOptions = {}) {
    const target = this.file(key);
    let temp: string | undefined;
    try {
      temp = await this.writeTemp(key, body);
      // The etag of what this call wrote (linking or renaming keeps inode and mtime): the target
      // may already hold another writer's object by the time it could be looked at.
      const etag = FsObjectStore.etag(await fs.stat(temp, { bigint: true }));
      if (options.ifMatch === undefined) {
        await this.linkIntoPlace(temp, key, target);
      } else {
        await this.replaceIfMatch(temp, key, target, options.ifMatch);
      }
      return { etag };
    } catch (error) {
      if (isObjectStoreError(error)) throw error;
      throw this.unavailable('write', key, error);
    } finally {
      // A failed cleanup must not hide the error that ended the write; a temp file left is
      // named by the orphan sweep.
      if (temp) await fs.rm(temp, { force: true }).catch(logLeftTemp(temp));
    }
  }

  private async replaceIfMatch(temp: string, key: string, target: string, ifMatch: string): Promise<void> {
    const lockDir = path.join(this.root, LOCK_DIR);
    await fs.mkdir(lockDir, { recursive: true });
    const lockName = createHash('sha1').update(key).digest('hex');
    // The lock file must exist for proper-lockfile; the lock itself is `${lockfilePath}`.
    const anchor = path.join(lockDir, lockName);
    await fs.writeFile(anchor, '', { flag: 'a' });
    const release = await lockfile.lock(anchor, {
      lockfilePath: `${anchor}.lock`,
      stale: 10_000,
      retries: { retries: 200, minTimeout: 5, maxTimeout: 50 },
    });
    try {
      const current = await fs.stat(target, { bigint: true }).catch((error: unknown) => {
        if (hasCode(error, 'ENOENT')) return null;
        throw error;
      });
      if (!current || FsObjectStore.etag(current) !== ifMatch) {
        throw new ObjectStoreError('PRECONDITION_FAILED', `object ${key} changed since it was read`);
      }
      await fs.rename(temp, target);
    } finally {
      await release();
    }
  }

  async upload(key: string, body: AsyncIterable<Uint8Array>, options: UploadOptions = {}) {
    const target = this.file(key);
    if (await this.head(key))
      throw new ObjectStoreError('ALREADY_EXISTS', `object ${key} already exists in ${this.displayUrl}`);
    await this.checkWritable(key, target);
    const temp = await this.tempFile(key);
    try {
      let size = 0;
      const counted = async function* () {
        for await (const chunk of body) {
          size += chunk.length;
          yield chunk;
        }
      };
      await pipeline(counted, createWriteStream(temp, { flags: 'wx' }), { signal: options.signal });
      const handle = await fs.open(temp, 'r+');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
      await this.linkIntoPlace(temp, key, target);
      return { etag: FsObjectStore.etag(await fs.stat(target, { bigint: true })), size };
    } catch (error) {
      if (isObjectStoreError(error)) throw error;
      if (options.signal?.aborted) throw new ObjectStoreError('ABORTED', `upload of ${key} aborted`, { cause: error });
      throw this.unavailable('upload', key, error);
    } finally {
      await fs.rm(temp, { force: true }).catch(logLeftTemp(temp));
    }
  }

  /**
   * The object's directory must take a new file before a body is streamed: a read-only or
   * immutable directory is otherwise found only when the finished upload is linked into place.
   */
  private async checkWritable(key: string, target: string): Promise<void> {
    const dir = path.dirname(target);
    const probe = path.join(dir, `.mbc-probe-${randomUUID()}`);
    try {
      await fs.mkdir(dir, { recursive: true });
      await fs.writeFile(probe, '', { flag: 'wx' });
      await fs.unlink(probe);
    } catch (error) {
      throw this.unavailable('write', key, error);
    }
  }

  /** A root that exists must be a directory (one that does not yet is made by the first write). */
  async checkLocation(): Promise<void> {
    const stat = await fs.stat(this.root).catch((error: unknown) => {
      if (hasCode(error, 'ENOENT')) return null;
      throw this.unavailable('open', '/', error);
    });
    if (stat && !stat.isDirectory()) throw new ObjectStoreError('UNAVAILABLE', `${this.displayUrl} is not a directory`);
  }

  async listIncompleteUploads(
    prefix: string,
    options: { exceptKeys?: readonly string[]; idleMs?: number } = {},
  ): Promise<IncompleteUpload[]> {
    const dir = path.join(this.root, TMP_DIR);
    const parent = tempTag(prefix.replace(/\/+$/, ''));
    const except = new Set((options.exceptKeys ?? []).map(tempTag));
    const idleBefore = Date.now() - (options.idleMs ?? INCOMPLETE_UPLOAD_IDLE_MS);
    let names: string[];
    try {
      names = await fs.readdir(dir);
    } catch (error) {
      if (hasCode(error, 'ENOENT')) return [];
      throw this.unavailable('list', `${TMP_DIR}/`, error);
    }
    const found: IncompleteUpload[] = [];
    for (const name of names.sort()) {
      const match = TEMP_NAME.exec(name);
      // A bare uuid (an older version's) cannot be told apart: it is offered to every directory.
      if (!match || (match[1] !== undefined && (match[1] !== parent || except.has(match[2]!)))) continue;
      const stat = await fs.stat(path.join(dir, name)).catch(() => null);
      if (stat?.isFile() && stat.mtimeMs < idleBefore)
        found.push({ handle: `${TMP_DIR}/${name}`, size: stat.size, lastModified: stat.mtime });
    }
    return found;
  }

  async abortIncompleteUploads(handles: readonly string[]) {
    for (const handle of handles) {
      const name = handle.startsWith(`${TMP_DIR}/`) ? handle.slice(TMP_DIR.length + 1) : '';
      if (!TEMP_NAME.test(name))
        throw new ObjectStoreError('INVALID_KEY', `"${handle}" is not an unfinished upload of ${this.displayUrl}`);
      await fs.rm(path.join(this.root, TMP_DIR, name), { force: true }).catch((error: unknown) => {
        throw this.unavailable('delete', handle, error);
      });
    }
  }

  private async openForRead(key: string): Promise<fs.FileHandle> {
    const file = this.file(key);
    try {
      return await fs.open(file, 'r');
    } catch (error) {
      if (hasCode(error, 'ENOENT')) throw this.notFound(key, error);
      throw this.unavailable('read', key, error);
    }
  }

  async get(key: string) {
    const handle = await this.openForRead(key);
    try {
      // Read and stat one open file: a concurrent replace cannot mix two versions.
      const stat = await handle.stat({ bigint: true });
      const body = new Uint8Array(await handle.readFile());
      return { body, etag: FsObjectStore.etag(stat) };
    } finally {
      await handle.close();
    }
  }

  async streamIfChanged(key: string, etag?: string) {
    const handle = await this.openForRead(key);
    // The stat and the stream are of one open file: a concurrent replace cannot mix two versions.
    let current: string;
    try {
      current = FsObjectStore.etag(await handle.stat({ bigint: true }));
    } catch (error) {
      await handle.close();
      throw this.unavailable('stat', key, error);
    }
    if (current === etag) {
      await handle.close();
      return null;
    }
    return { body: handle.createReadStream({ autoClose: true, highWaterMark: 1 << 20 }), etag: current };
  }

  async getRange(key: string, start: number, end: number) {
    const handle = await this.openForRead(key);
    try {
      const length = Math.max(0, end - start);
      const buffer = Buffer.alloc(length);
      const { bytesRead } = await handle.read(buffer, 0, length, start);
      return new Uint8Array(buffer.subarray(0, bytesRead));
    } finally {
      await handle.close();
    }
  }

  async stream(key: string) {
    const handle = await this.openForRead(key);
    return handle.createReadStream({ autoClose: true, highWaterMark: 1 << 20 });
  }

  async head(key: string): Promise<ObjectInfo | null> {
    try {
      const stat = await fs.stat(this.file(key), { bigint: true });
      if (!stat.isFile()) return null;
      return {
        key,
        size: Number(stat.size),
        etag: FsObjectStore.etag(stat),
        lastModified: new Date(Number(stat.mtimeMs)),
      };
    } catch (error) {
      if (isObjectStoreError(error)) throw error;
      if (hasCode(error, 'ENOENT') || hasCode(error, 'ENOTDIR')) return null;
      throw this.unavailable('stat', key, error);
    }
  }

  private async walk(dir: string, keyPrefix: string, out: string[]): Promise<void> {
    let entries: Dirent[];
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch (error) {
      if (hasCode(error, 'ENOENT') || hasCode(error, 'ENOTDIR')) return;
      throw this.unavailable('list', keyPrefix || '/', error);
    }
    for (const entry of entries) {
      if (keyPrefix === '' && (entry.name === TMP_DIR || entry.name === LOCK_DIR)) continue;
      const key = keyPrefix + entry.name;
      if (entry.isDirectory()) await this.walk(path.join(dir, entry.name), `${key}/`, out);
      else if (entry.isFile()) out.push(key);
    }
  }

  async listPage(prefix: string, options: { after?: string; limit?: number } = {}): Promise<ListPage> {
    const limit = options.limit ?? 1000;
    const slash = prefix.lastIndexOf('/');
    const dirKey = slash < 0 ? '' : prefix.slice(0, slash + 1);
    if (dirKey) checkKey(dirKey.slice(0, -1));
    const keys: string[] = [];
    await this.walk(path.join(this.root, ...dirKey.split('/').filter(Boolean)), dirKey, keys);
    const matching = keys
      .filter((k) => k.startsWith(prefix) && (options.after === undefined || k > options.after))
      .sort();
    const objects: ObjectInfo[] = [];
    for (const key of matching.slice(0, limit)) {
      const info = await this.head(key);
      if (info) objects.push(info);
    }
    return { objects, next: matching.length > limit ? matching[limit - 1] : undefined };
  }

  async deleteMany(keys: readonly string[]) {
    for (const key of keys) {
      try {
        await fs.unlink(this.file(key));
      } catch (error) {
        if (isObjectStoreError(error)) throw error;
        if (!hasCode(error, 'ENOENT')) throw this.unavailable('delete', key, error);
      }
    }
  }

  async close() {}
}
