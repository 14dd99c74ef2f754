// MetaSnapshotStorage: snapshots and the manifest in one directory of an object store.
// Create writes the object first, then the manifest; delete writes the manifest first, then
// removes objects: a crash leaves at most an orphan object, never an entry without its object.
// Every manifest change is a conditional read-modify-write, retried on conflict, so
// concurrent writers (other processes) never lose each other's changes.
import type { Readable } from 'node:stream';
import { isObjectStoreError, listAll, type ObjectInfo, type ObjectStore } from '../object-store/index.ts';
import { processLogger } from '../log.ts';
import { BackupError, isBackupError } from './errors.ts';
import { emptyManifest, type Manifest, type SnapshotMetadata } from './manifest.ts';
import { parseManifestStream } from './manifest-parse.ts';
import { manifestBody } from './manifest-write.ts';

const MAX_MANIFEST_ATTEMPTS = 50;

/** What the orphan sweep finds: an object no entry names, or an upload that never finished. */
export interface Orphan extends ObjectInfo {
  kind: 'object' | 'unfinished upload';
}
/** A snapshot object's name inside the storage directory. */
const SNAPSHOT_OBJECT = /^\d+\.snapshot$/;

export function checkStorageDirectory(dir: string): string {
  const trimmed = dir.trim().replace(/^\/+|\/+$/g, '');
  if (
    trimmed === '' ||
    trimmed.split('/').some((s) => s === '' || s === '.' || s === '..') ||
    /[\0\\]/.test(trimmed) ||
    trimmed.length > 512
  ) {
    throw new BackupError(
      'INVALID_CONFIG',
      `invalid backup storage directory "${dir}": a non-empty relative path of '/'-separated names, without '.', '..' or empty parts`,
    );
  }
  return trimmed;
}

function storageError(action: string, error: unknown): BackupError {
  if (isBackupError(error)) return error;
  // An object store error already names the object and the store.
  const detail = isObjectStoreError(error) ? error.message : `cannot ${action}: ${(error as Error).message}`;
  return new BackupError('STORAGE_UNAVAILABLE', `backup storage: ${detail}`, { cause: error });
}

/** A snapshot object written by `upload`, not yet in the manifest. */
export interface UploadedSnapshot {
  id: bigint;
  key: string;
  size: number;
}

export class MetaSnapshotStorage {
  readonly dir: string;
  private cached: Manifest = emptyManifest();
  private lastRead: { manifest: Manifest; etag: string } | undefined;
  /** When the cached manifest was last known to be the remote one (performance.now()). */
  private confirmedAt = -Infinity;
  /** A refresh that callers accepting an older manifest may share. */
  private sharedRefresh: Promise<Manifest> | undefined;
  /** Serializes this instance's manifest writes; other processes are handled by the conditional write. */
  private writeChain: Promise<unknown> = Promise.resolve();
  /** The last regression logged, so a page refreshing every second logs it once. */
  private lastRegression: string | undefined;

  private constructor(
    readonly store: ObjectStore,
    dir: string,
  ) {
    this.dir = checkStorageDirectory(dir);
  }

  /** Opens the storage and reads its manifest; a missing manifest is the empty one. */
  static async open(store: ObjectStore, dir: string): Promise<MetaSnapshotStorage> {
    const storage = new MetaSnapshotStorage(store, dir);
    await storage.refreshManifest();
    return storage;
  }

  get manifestKey(): string {
    return `${this.dir}/manifest.json`;
  }

  snapshotKey(id: bigint): string {
    return `${this.dir}/${id}.snapshot`;
  }

  /** The cached manifest. */
  manifest(): Manifest {
    return this.cached;
  }

  private accept(manifest: Manifest): void {
    // Only a newer manifest replaces the cached one.
    if (manifest.manifest_id > this.cached.manifest_id) this.cached = manifest;
  }

  /**
   * The remote manifest, refused when it is older than `this.cached` was when the read began:
   * manifest ids only grow, so a lower one (or none at all) is a manifest replaced by an old copy
   * or lost, and writing on top of it would drop what it no longer lists.
   */
  private async readRemote(): Promise<{ manifest: Manifest; etag: string | null }> {
    const known = this.cached.manifest_id;
    // A large manifest is parsed once per version: an unchanged one costs a 304. It is parsed as
    // it streams in, never held as one buffer or string.
    const last = this.lastRead;
    const where = `${this.store.displayUrl} ${this.manifestKey}`;
    let object: Awaited<ReturnType<ObjectStore['streamIfChanged']>>;
    try {
      object = await this.store.streamIfChanged(this.manifestKey, last?.etag);
    } catch (error) {
      if (!isObjectStoreError(error, 'NOT_FOUND'))
        throw storageError(`read ${this.manifestKey} in ${this.store.displayUrl}`, error);
      this.lastRead = undefined;
      if (known > 0n) throw this.regressed(`is missing, while this process has seen manifest id ${known}`);
      await this.refuseLostManifest();
      return { manifest: emptyManifest(), etag: null };
    }
    if (object === null) return last!;
    let manifest: Manifest;
    try {
      manifest = await parseManifestStream(object.body, where);
    } catch (error) {
      object.body.destroy();
      // A manifest cut short by the connection is the storage's failure, not a corrupt manifest.
      throw isBackupError(error) ? error : storageError(`read ${this.manifestKey} in ${this.store.displayUrl}`, error);
    }
    const read = { manifest, etag: object.etag };
    if (read.manifest.manifest_id < known)
      throw this.regressed(
        `has manifest id ${read.manifest.manifest_id}, lower than the ${known} this process has seen`,
      );
    if (read.etag) this.lastRead = read;
    return read;
  }

  private regressed(what: string): BackupError {
    const message = `${this.manifestKey} in ${this.store.displayUrl} ${what}: it went backwards (an old copy put back, or lost), and nothing will be written over it. Put the newest manifest back; if the older one is meant, save the storage settings again (or restart) to accept it.`;
    // Once per state, not once per page refresh.
    if (this.lastRegression !== what)
      processLogger().error({ manifest: this.manifestKey, storage: this.store.displayUrl }, message);
    this.lastRegression = what;
    return new BackupError('MANIFEST_REGRESSED', message);
  }

  /**
   * A location's first snapshot object is written after an (empty) manifest, so that a snapshot
   * object without a manifest always means a lost manifest, never a first backup in flight.
   */
  private async ensureManifestExists(): Promise<void> {
    try {
      if (await this.store.head(this.manifestKey)) return;
      await this.store.put(this.manifestKey, manifestBody(emptyManifest()));
    } catch (error) {
      // Another writer made it first.
      if (isObjectStoreError(error, 'ALREADY_EXISTS') || isObjectStoreError(error, 'PRECONDITION_FAILED')) return;
      throw storageError(`write ${this.manifestKey} in ${this.store.displayUrl}`, error);
    }
  }

  /** No manifest next to snapshot objects is a lost manifest, not an empty store. */
  private async refuseLostManifest(): Promise<void> {
    let page: Awaited<ReturnType<ObjectStore['listPage']>>;
    try {
      page = await this.store.listPage(`${this.dir}/`, { limit: 1000 });
    } catch (error) {
      throw storageError(`list ${this.dir}/ in ${this.store.displayUrl}`, error);
    }
    const snapshots = page.objects.filter((o) => SNAPSHOT_OBJECT.test(o.key.slice(this.dir.length + 1))).length;
    if (snapshots > 0) {
      throw new BackupError(
        'CORRUPT_MANIFEST',
        `${this.manifestKey} is missing in ${this.store.displayUrl} while snapshot objects are there (${snapshots}${page.next ? ' or more' : ''}): the manifest was lost. Put it back before backing up or deleting anything.`,
      );
    }
  }

  /**
   * The remote manifest. With `maxAgeMs`, a manifest confirmed that recently will do, and the
   * read is shared with concurrent callers: for pages, where a change another process made may
   * show a second later. Without it the read starts after the call, as the garbage collector
   * needs (a shared read may have started before a snapshot it must see was added).
   */
  async refreshManifest(options: { maxAgeMs?: number } = {}): Promise<Manifest> {
    if (options.maxAgeMs === undefined) return this.readAndAccept();
    if (performance.now() - this.confirmedAt < options.maxAgeMs) return this.cached;
    this.sharedRefresh ??= this.readAndAccept().finally(() => (this.sharedRefresh = undefined));
    return this.sharedRefresh;
  }

  private async readAndAccept(): Promise<Manifest> {
    const started = performance.now();
    const { manifest } = await this.readRemote();
    this.accept(manifest);
    this.confirmedAt = Math.max(this.confirmedAt, started);
    return this.cached;
  }

  /**
   * Applies `change` to the latest remote manifest and writes it back with manifest_id + 1;
   * a change that returns null changes nothing, and nothing is written.
   */
  private updateManifest(change: (manifest: Manifest) => Manifest | null): Promise<Manifest> {
    const run = async () => {
      for (let attempt = 1; ; attempt++) {
        // Never the cached copy: a remote manifest behind it is refused, not overwritten.
        const { manifest: base, etag } = await this.readRemote();
        const changed = change(base);
        if (changed === null) return base;
        const next = { ...changed, manifest_id: base.manifest_id + 1n };
        try {
          // Made as it is sent: a manifest of millions of ids is never held as one buffer.
          const written = await this.store.put(
            this.manifestKey,
            manifestBody(next),
            etag === null ? {} : { ifMatch: etag },
          );
          // The next read of an unchanged manifest is a 304, not a parse of what was just written.
          if (written.etag) this.lastRead = { manifest: next, etag: written.etag };
          this.accept(next);
          this.confirmedAt = Math.max(this.confirmedAt, performance.now());
          return next;
        } catch (error) {
          const conflict =
            isObjectStoreError(error, 'PRECONDITION_FAILED') || isObjectStoreError(error, 'ALREADY_EXISTS');
          if (!conflict) throw storageError(`write ${this.manifestKey} in ${this.store.displayUrl}`, error);
          const fields = { manifest: this.manifestKey, storage: this.store.displayUrl, attempt };
          if (attempt >= MAX_MANIFEST_ATTEMPTS) {
            processLogger().error(fields, 'manifest kept changing under every update attempt; giving up');
            throw new BackupError(
              'MANIFEST_CONFLICT',
              `${this.manifestKey} kept changing under ${attempt} attempts to update it`,
            );
          }
          processLogger().info(fields, 'manifest changed under an update (another writer); retrying');
          await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(200, 5 * attempt)));
        }
      }
    };
    const result = this.writeChain.then(run, run);
    this.writeChain = result.catch(() => undefined);
    return result;
  }

  /**
   * Uploads the snapshot object (never overwriting), then adds its manifest entry. The entry
   * may be a function: it is called once the body has been consumed (a builder learns the
   * SSTs it pins while it streams them).
   */
  /** Uploads a snapshot and adds its manifest entry: `upload`, then `commit`. */
  async create(
    id: bigint,
    body: AsyncIterable<Uint8Array>,
    metadata: SnapshotMetadata,
    options: { signal?: AbortSignal } = {},
  ): Promise<{ size: number; manifest: Manifest }> {
    const uploaded = await this.upload(id, body, options);
    return { size: uploaded.size, manifest: await this.commit(uploaded, metadata) };
  }

  /**
   * Writes a snapshot's object, with no manifest entry yet: the caller hands the entry to
   * `commit` once the body is consumed (a builder's entry is complete only then).
   */
  async upload(
    id: bigint,
    body: AsyncIterable<Uint8Array>,
    options: { signal?: AbortSignal } = {},
  ): Promise<UploadedSnapshot> {
    const key = this.snapshotKey(id);
    // A corrupt or unreachable manifest fails here, before anything is written.
    await this.refreshManifest();
    await this.ensureManifestExists();
    let size: number;
    // An error of the body (the meta store's read) is the job's cause, not the storage's: the
    // store reports it as a failed upload.
    let bodyError: unknown;
    const watched = (async function* () {
      try {
        yield* body;
      } catch (error) {
        bodyError = error;
        throw error;
      }
    })();
    try {
      ({ size } = await this.store.upload(key, watched, options));
    } catch (error) {
      if (bodyError !== undefined) {
        if (isBackupError(bodyError) || isObjectStoreError(bodyError, 'ABORTED')) throw bodyError;
        throw new BackupError(
          'META_STORE_UNAVAILABLE',
          `meta store: reading the snapshot's rows failed: ${(bodyError as Error).message}`,
          { cause: bodyError },
        );
      }
      if (isObjectStoreError(error, 'ALREADY_EXISTS'))
        throw new BackupError('INVALID_INPUT', `snapshot object ${key} already exists in ${this.store.displayUrl}`);
      if (isObjectStoreError(error, 'ABORTED')) throw error;
      throw storageError(`upload ${key} to ${this.store.displayUrl}`, error);
    }
    return { id, key, size };
  }

  /** Adds the manifest entry of an uploaded snapshot, once its object is confirmed there. */
  async commit(uploaded: UploadedSnapshot, metadata: SnapshotMetadata): Promise<Manifest> {
    const { id, key, size } = uploaded;
    // The entry is written only for an object that is there (its directory may have been removed).
    const written = await this.store.head(key).catch((error: unknown) => {
      throw storageError(`check ${key} in ${this.store.displayUrl} after its upload`, error);
    });
    if (written?.size !== size) {
      throw new BackupError(
        'STORAGE_UNAVAILABLE',
        `backup storage: ${key} in ${this.store.displayUrl} is ${written ? `${written.size} bytes instead of ${size}` : 'gone'} right after its upload; the manifest is left as it was`,
      );
    }
    if (metadata.id !== id)
      throw new BackupError('INVALID_INPUT', `manifest entry id ${metadata.id} differs from snapshot id ${id}`);
    const entry = { ...metadata, size_bytes: BigInt(size) };
    return this.updateManifest((m) => {
      if (m.snapshot_metadata.some((s) => s.id === id))
        throw new BackupError('INVALID_INPUT', `snapshot ${id} is already in the manifest`);
      return { ...m, snapshot_metadata: [...m.snapshot_metadata, entry] };
    });
  }

  /**
   * Deletes the entries of `ids` that the manifest has, then their objects. Ids it does not have
   * change nothing: no manifest write, and no object removed (one may be a running job's upload).
   */
  async delete(ids: readonly bigint[]): Promise<Manifest> {
    const drop = new Set(ids);
    let dropped: bigint[] = [];
    const manifest = await this.updateManifest((m) => {
      dropped = m.snapshot_metadata.filter((s) => drop.has(s.id)).map((s) => s.id);
      return dropped.length === 0
        ? null
        : { ...m, snapshot_metadata: m.snapshot_metadata.filter((s) => !drop.has(s.id)) };
    });
    if (dropped.length === 0) return manifest;
    try {
      await this.store.deleteMany(dropped.map((id) => this.snapshotKey(id)));
    } catch (error) {
      throw storageError(
        `delete snapshot objects in ${this.store.displayUrl} (they are no longer in the manifest and are left as orphans)`,
        error,
      );
    }
    return manifest;
  }

  private requireEntry(id: bigint): SnapshotMetadata {
    const entry = this.cached.snapshot_metadata.find((s) => s.id === id);
    if (!entry) throw new BackupError('NOT_FOUND', `snapshot id ${id} not found`);
    return entry;
  }

  async get(id: bigint): Promise<Uint8Array> {
    this.requireEntry(id);
    try {
      return (await this.store.get(this.snapshotKey(id))).body;
    } catch (error) {
      if (isObjectStoreError(error, 'NOT_FOUND'))
        throw new BackupError(
          'NOT_FOUND',
          `snapshot ${id} is in the manifest but its object ${this.snapshotKey(id)} is missing`,
        );
      throw storageError(`read snapshot ${id}`, error);
    }
  }

  async stream(id: bigint): Promise<Readable> {
    this.requireEntry(id);
    try {
      return await this.store.stream(this.snapshotKey(id));
    } catch (error) {
      if (isObjectStoreError(error, 'NOT_FOUND'))
        throw new BackupError(
          'NOT_FOUND',
          `snapshot ${id} is in the manifest but its object ${this.snapshotKey(id)} is missing`,
        );
      throw storageError(`read snapshot ${id}`, error);
    }
  }

  /**
   * Objects in the directory that no manifest entry names (the manifest aside), and unfinished
   * uploads (temporary files, multipart uploads) left by killed or failed writes. `writing` is a
   * running job's object, which is neither.
   */
  async listOrphans(options: { writing?: string | null; unfinishedIdleMs?: number } = {}): Promise<Orphan[]> {
    const manifest = await this.refreshManifest();
    const named = new Set(manifest.snapshot_metadata.map((s) => this.snapshotKey(s.id)));
    named.add(this.manifestKey);
    if (options.writing) named.add(options.writing);
    const orphans: Orphan[] = [];
    let manifestSeen = false;
    try {
      for await (const object of listAll(this.store, `${this.dir}/`)) {
        // Only direct children: a nested directory may be another storage location.
        const isDirectChild = !object.key.slice(this.dir.length + 1).includes('/');
        if (object.key === this.manifestKey) manifestSeen = true;
        if (isDirectChild && !named.has(object.key)) orphans.push({ ...object, kind: 'object' });
      }
      const unfinished = await this.store.listIncompleteUploads(`${this.dir}/`, {
        exceptKeys: options.writing ? [options.writing] : [],
        idleMs: options.unfinishedIdleMs,
      });
      for (const upload of unfinished)
        orphans.push({
          key: upload.handle,
          size: upload.size,
          etag: '',
          lastModified: upload.lastModified,
          kind: 'unfinished upload',
        });
    } catch (error) {
      throw storageError(`list ${this.dir}/ in ${this.store.displayUrl}`, error);
    }
    // The manifest was read just before; one lost since is caught here rather than offering
    // every snapshot as an orphan.
    const snapshots = orphans.filter(
      (o) => o.kind === 'object' && SNAPSHOT_OBJECT.test(o.key.slice(this.dir.length + 1)),
    ).length;
    if (!manifestSeen && snapshots > 0) {
      throw new BackupError(
        'CORRUPT_MANIFEST',
        `${this.manifestKey} is missing in ${this.store.displayUrl} while ${snapshots} snapshot objects are there: the manifest was lost. Put it back before deleting anything.`,
      );
    }
    return orphans;
  }

  /** Deletes the orphans given (as listOrphans named them): objects deleted, unfinished uploads aborted. */
  async deleteOrphans(orphans: readonly Orphan[]): Promise<void> {
    try {
      await this.store.deleteMany(orphans.filter((o) => o.kind === 'object').map((o) => o.key));
      await this.store.abortIncompleteUploads(orphans.filter((o) => o.kind === 'unfinished upload').map((o) => o.key));
    } catch (error) {
      throw storageError(`delete orphans in ${this.dir}/ of ${this.store.displayUrl}`, error);
    }
  }
}
