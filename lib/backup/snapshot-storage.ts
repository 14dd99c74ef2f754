// MetaSnapshotStorage: snapshots and the manifest in one directory of an object store.
// Create writes the object first, then the manifest; delete writes the manifest first, then
// removes objects: a crash leaves at most an orphan object, never an entry without its object.
// Every manifest change is a conditional read-modify-write, retried on conflict, so
// concurrent writers (other processes) never lose each other's changes. The manifest is never
// held whole: it is read as a stream into summaries (every field but the ids), rewritten by
// copying the entries that stay, and its ids are kept compact by the SST index when asked for.
import type { Readable } from 'node:stream';
import {
  isObjectStoreError,
  listAll,
  type ObjectInfo,
  ObjectStoreError,
  type ObjectStore,
} from '../object-store/index.ts';
import { errorText, processLogger } from '../log.ts';
import { BackupError, isBackupError } from './errors.ts';
import {
  emptyManifest,
  emptySummary,
  type ManifestSummary,
  type SnapshotMetadata,
  type SnapshotSummary,
  summaryOf,
} from './manifest.ts';
import { copyManifest, LayoutMismatch, type ManifestLayout, ManifestLayoutRecorder } from './manifest-copy.ts';
import { rewriteManifest } from './manifest-rewrite.ts';
import { readManifest } from './manifest-stream.ts';
import { manifestBody } from './manifest-write.ts';
import type { ManifestSummaryCache } from './manifest-summary-cache.ts';
import { SstIndex } from './sst-index.ts';

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

/** What a manifest write does to the entries: which stay, and which are added after them. */
interface ManifestPlan {
  keep(entry: SnapshotSummary): boolean;
  append: readonly SnapshotMetadata[];
}

/** A snapshot object written by `upload`, not yet in the manifest. */
export interface UploadedSnapshot {
  id: bigint;
  key: string;
  size: number;
}

export class MetaSnapshotStorage {
  readonly dir: string;
  private cached: ManifestSummary = emptySummary();
  /** The last manifest read or written, with its layout when it was read (to copy its entries). */
  private lastRead: { manifest: ManifestSummary; etag: string; layout?: ManifestLayout } | undefined;
  /** The ids of one manifest version, compact, built when a reader first needs them. */
  private index: SstIndex | undefined;
  private sharedIndex: Promise<SstIndex> | undefined;
  /**
   * The ids of the entry this instance added last, while the manifest it wrote is the latest
   * known: a backup verifies its snapshot without another read of the manifest.
   */
  private lastAdded: { id: bigint; ssts: BigUint64Array; manifestId: bigint } | undefined;
  /** When the cached manifest was last known to be the remote one (performance.now()). */
  private confirmedAt = -Infinity;
  /** A refresh that callers accepting an older manifest may share. */
  private sharedRefresh: Promise<ManifestSummary> | undefined;
  /** Serializes this instance's manifest writes; other processes are handled by the conditional write. */
  private writeChain: Promise<unknown> = Promise.resolve();
  /** The last regression logged, so a page refreshing every second logs it once. */
  private lastRegression: string | undefined;

  private constructor(
    readonly store: ObjectStore,
    dir: string,
    /** Where summaries read or written are kept by ETag, for the next process. */
    private readonly cache?: ManifestSummaryCache,
  ) {
    this.dir = checkStorageDirectory(dir);
  }

  /** Opens the storage and reads its manifest; a missing manifest is the empty one. */
  static async open(
    store: ObjectStore,
    dir: string,
    options: { cache?: ManifestSummaryCache } = {},
  ): Promise<MetaSnapshotStorage> {
    const storage = new MetaSnapshotStorage(store, dir, options.cache);
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
  manifest(): ManifestSummary {
    return this.cached;
  }

  private accept(manifest: ManifestSummary): void {
    // Only a newer manifest replaces the cached one.
    if (manifest.manifest_id > this.cached.manifest_id) this.cached = manifest;
  }

  /**
   * The remote manifest, refused when it is older than `this.cached` was when the read began:
   * manifest ids only grow, so a lower one (or none at all) is a manifest replaced by an old copy
   * or lost, and writing on top of it would drop what it no longer lists.
   */
  private async readRemote(): Promise<{ manifest: ManifestSummary; etag: string | null }> {
    // An unchanged manifest costs a 304; a changed one is read as it streams in, its ids
    // checked and counted but not kept.
    const last = this.lastRead ?? (await this.fromCache());
    const object = await this.openManifest(last?.etag);
    if (object === null) return { manifest: emptySummary(), etag: null };
    if (object === 'unchanged') return last!;
    const manifest = emptySummary();
    const layout = new ManifestLayoutRecorder();
    await this.scanManifest(object.body, async (body) => {
      for await (const event of readManifest(body, { where: this.where, ssts: 'skip', layout })) {
        if (event.kind === 'manifest_id') manifest.manifest_id = event.manifestId;
        else manifest.snapshot_metadata.push(event.metadata);
      }
    });
    this.checkNotBehind(manifest.manifest_id);
    const read = { manifest, etag: object.etag, layout: layout.layout };
    if (read.etag) {
      this.lastRead = read;
      await this.remember(read.etag, manifest, read.layout);
    }
    return read;
  }

  /** The summary kept for the remote manifest's ETag by an earlier process, if any. */
  private async fromCache(): Promise<typeof this.lastRead> {
    if (!this.cache) return undefined;
    try {
      const info = await this.store.head(this.manifestKey);
      const cached = info?.etag ? await this.cache.get(info.etag) : null;
      if (!cached || cached.manifest.manifest_id < this.cached.manifest_id) return undefined;
      this.lastRead = { ...cached, etag: info!.etag };
      return this.lastRead;
    } catch (error) {
      // Only a shortcut: the manifest is read instead.
      processLogger().warn({ manifest: this.manifestKey, err: errorText(error) }, 'manifest summary cache unreadable');
      return undefined;
    }
  }

  private async remember(etag: string, manifest: ManifestSummary, layout: ManifestLayout): Promise<void> {
    try {
      await this.cache?.put(etag, { manifest, layout });
    } catch (error) {
      processLogger().warn({ manifest: this.manifestKey, err: errorText(error) }, 'manifest summary cache not written');
    }
  }

  private get where(): string {
    return `${this.store.displayUrl} ${this.manifestKey}`;
  }

  /**
   * The manifest's bytes with their ETag; 'unchanged' while `etag` holds; null when there is no
   * manifest and none is expected (a lost one, or one this process has seen gone, is refused).
   */
  private async openManifest(etag?: string): Promise<{ body: Readable; etag: string } | 'unchanged' | null> {
    const known = this.cached.manifest_id;
    try {
      return (await this.store.streamIfChanged(this.manifestKey, etag)) ?? 'unchanged';
    } catch (error) {
      if (!isObjectStoreError(error, 'NOT_FOUND'))
        throw storageError(`read ${this.manifestKey} in ${this.store.displayUrl}`, error);
      this.lastRead = undefined;
      if (known > 0n) throw this.regressed(`is missing, while this process has seen manifest id ${known}`);
      await this.refuseLostManifest();
      return null;
    }
  }

  /** Reads a manifest's stream with `read`; a stream cut by the connection is the storage's failure, not a corrupt manifest. */
  private async scanManifest<T>(body: Readable, read: (body: Readable) => Promise<T>): Promise<T> {
    try {
      return await read(body);
    } catch (error) {
      body.destroy();
      throw isBackupError(error) ? error : storageError(`read ${this.manifestKey} in ${this.store.displayUrl}`, error);
    }
  }

  /** Manifest ids only grow: a lower one than this process has seen is an old copy put back. */
  private checkNotBehind(manifestId: bigint): void {
    const known = this.cached.manifest_id;
    if (manifestId < known)
      throw this.regressed(`has manifest id ${manifestId}, lower than the ${known} this process has seen`);
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
  async refreshManifest(options: { maxAgeMs?: number } = {}): Promise<ManifestSummary> {
    if (options.maxAgeMs === undefined) return this.readAndAccept();
    if (performance.now() - this.confirmedAt < options.maxAgeMs) return this.cached;
    this.sharedRefresh ??= this.readAndAccept().finally(() => (this.sharedRefresh = undefined));
    return this.sharedRefresh;
  }

  private async readAndAccept(): Promise<ManifestSummary> {
    const started = performance.now();
    const { manifest } = await this.readRemote();
    this.accept(manifest);
    this.confirmedAt = Math.max(this.confirmedAt, started);
    return this.cached;
  }

  /**
   * The SST ids of the current manifest (read as `refreshManifest` reads it), compact: built
   * once per manifest version, and shared by concurrent callers.
   */
  async sstIndex(options: { maxAgeMs?: number } = {}): Promise<SstIndex> {
    const manifest = await this.refreshManifest(options);
    if (this.index && this.index.manifest.manifest_id >= manifest.manifest_id) return this.index;
    this.sharedIndex ??= this.buildIndex().finally(() => (this.sharedIndex = undefined));
    return this.sharedIndex;
  }

  private async buildIndex(): Promise<SstIndex> {
    const object = await this.openManifest();
    if (object === 'unchanged') throw new Error('unreachable: no ETag was given');
    const index =
      object === null
        ? SstIndex.empty()
        : await this.scanManifest(object.body, (body) =>
            SstIndex.read(body, this.where, this.index?.pinned.ids.length ?? 0),
          );
    this.checkNotBehind(index.manifest.manifest_id);
    this.accept(index.manifest);
    if (!this.index || index.manifest.manifest_id > this.index.manifest.manifest_id) this.index = index;
    return this.index;
  }

  /**
   * One snapshot's SST ids: from the index when it is current, else read from the manifest's
   * stream, one entry kept (a process that needs one snapshot's ids does not build the index).
   */
  async sstsOf(id: bigint): Promise<BigUint64Array> {
    this.requireEntry(id);
    const added = this.lastAdded;
    if (added?.id === id && added.manifestId === this.cached.manifest_id) return added.ssts;
    if (this.index && this.index.manifest.manifest_id >= this.cached.manifest_id) return this.index.ssts(id);
    const object = await this.openManifest();
    if (object === null || object === 'unchanged') throw new BackupError('NOT_FOUND', `snapshot id ${id} not found`);
    const ssts = await this.scanManifest(object.body, async (body) => {
      let found: BigUint64Array | undefined;
      for await (const event of readManifest(body, { where: this.where, ssts: 'decode', stateTables: 'count' }))
        if (event.kind === 'entry' && event.metadata.id === id) found = event.metadata.ssts;
      return found;
    });
    if (!ssts) throw new BackupError('NOT_FOUND', `snapshot id ${id} not found`);
    return ssts;
  }

  /**
   * Rewrites the latest remote manifest with manifest_id + 1: the entries `plan` keeps are copied
   * byte for byte, its new ones appended. A plan of null changes nothing, and nothing is written.
   */
  private updateManifest(plan: (manifest: ManifestSummary) => ManifestPlan | null): Promise<ManifestSummary> {
    const run = async () => {
      for (let attempt = 1; ; attempt++) {
        // Never the cached copy: a remote manifest behind it is refused, not overwritten.
        const { manifest: base, etag } = await this.readRemote();
        const change = plan(base);
        if (change === null) return base;
        try {
          const next = await this.rewrite(base, etag, change);
          if (next === 'changed') throw new ObjectStoreError('PRECONDITION_FAILED', 'changed since it was read');
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
   * Streams the manifest of `etag` (the one `base` was read from) through the rewrite into a
   * conditional put: 'changed' when another version is there by now. The old manifest is
   * checked to its last byte before the write completes; a corrupt one fails the put.
   */
  private async rewrite(
    base: ManifestSummary,
    etag: string | null,
    change: ManifestPlan,
  ): Promise<ManifestSummary | 'changed'> {
    let old: AsyncIterable<Uint8Array>;
    let opened: Readable | undefined;
    if (etag === null) {
      old = (async function* () {
        yield* manifestBody(emptyManifest()).chunks();
      })();
    } else {
      const object = await this.openManifest();
      if (object === null || object === 'unchanged' || object.etag !== etag) {
        if (object !== null && object !== 'unchanged') object.body.destroy();
        return 'changed';
      }
      old = opened = object.body;
    }
    const kept: SnapshotSummary[] = [];
    const keep = (entry: SnapshotSummary) => {
      const stays = change.keep(entry);
      if (stays) kept.push(entry);
      return stays;
    };
    const manifestId = base.manifest_id + 1n;
    // Read from these very bytes: its entries are copied as ranges, not scanned again.
    const layout = etag !== null && this.lastRead?.etag === etag ? this.lastRead.layout : undefined;
    let stays: Set<number> | undefined;
    if (layout) {
      stays = new Set();
      for (const [index, entry] of base.snapshot_metadata.entries()) if (keep(entry)) stays.add(index);
    }
    let bodyError: unknown;
    const made: ManifestLayout = { fields: [], entries: [], size: 0 };
    const body = (async function* (where: string) {
      try {
        if (stays && layout)
          yield* copyManifest(old, layout, { manifestId, keep: (i) => stays.has(i), append: change.append }, made);
        else yield* rewriteManifest(old, { manifestId: () => manifestId, keep, append: change.append }, where, made);
      } catch (error) {
        bodyError = error;
        throw error;
      }
    })(this.where);
    let written: { etag: string };
    try {
      written = await this.store.put(this.manifestKey, { stream: body }, etag === null ? {} : { ifMatch: etag });
    } catch (error) {
      opened?.destroy();
      if (bodyError instanceof LayoutMismatch) {
        // Not the bytes that were read: read them again, and write from that.
        this.lastRead = undefined;
        throw new ObjectStoreError('PRECONDITION_FAILED', `${this.manifestKey} is not what was read`);
      }
      if (bodyError !== undefined)
        throw isBackupError(bodyError)
          ? bodyError
          : storageError(`read ${this.manifestKey} in ${this.store.displayUrl}`, bodyError);
      throw error;
    }
    const next: ManifestSummary = {
      manifest_id: base.manifest_id + 1n,
      snapshot_metadata: [...kept, ...change.append.map(summaryOf)],
    };
    // The next read of an unchanged manifest is a 304, not a read of what was just written.
    if (written.etag) {
      this.lastRead = { manifest: next, etag: written.etag, layout: made };
      await this.remember(written.etag, next, made);
    }
    if (this.index?.manifest.manifest_id === base.manifest_id) {
      const stays = new Set(kept.map((entry) => entry.id));
      const removed = base.snapshot_metadata.filter((entry) => !stays.has(entry.id)).map((entry) => entry.id);
      this.index = this.index.next(next, removed, change.append);
    }
    this.accept(next);
    this.confirmedAt = Math.max(this.confirmedAt, performance.now());
    return next;
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
  ): Promise<{ size: number; manifest: ManifestSummary }> {
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
  async commit(uploaded: UploadedSnapshot, metadata: SnapshotMetadata): Promise<ManifestSummary> {
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
    this.lastAdded = undefined;
    const manifest = await this.updateManifest((m) => {
      if (m.snapshot_metadata.some((s) => s.id === id))
        throw new BackupError('INVALID_INPUT', `snapshot ${id} is already in the manifest`);
      return {
        keep: (s) => {
          // Another writer's entry of the same id, added after the check above.
          if (s.id === id) throw new BackupError('INVALID_INPUT', `snapshot ${id} is already in the manifest`);
          return true;
        },
        append: [entry],
      };
    });
    // An entry never changes once written: its ids stay right for as long as it is there.
    this.lastAdded = { id, ssts: metadata.ssts, manifestId: manifest.manifest_id };
    return manifest;
  }

  /**
   * Deletes the entries of `ids` that the manifest has, then their objects. Ids it does not have
   * change nothing: no manifest write, and no object removed (one may be a running job's upload).
   */
  async delete(ids: readonly bigint[]): Promise<ManifestSummary> {
    const drop = new Set(ids);
    let dropped: bigint[] = [];
    const manifest = await this.updateManifest((m) => {
      dropped = m.snapshot_metadata.filter((s) => drop.has(s.id)).map((s) => s.id);
      return dropped.length === 0 ? null : { keep: (s) => !drop.has(s.id), append: [] };
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

  private requireEntry(id: bigint): SnapshotSummary {
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
