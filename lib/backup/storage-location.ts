// Where snapshots go: the storage URL and directory from the system parameters, read before
// every operation, and the store built for them, swapped live when they change (a hot swap).
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.ts';
import type { Logger } from '../log.ts';
import type { PendingAudit } from '../meta/audit-log.ts';
import type { MetaStore } from '../meta/client.ts';
import { type BackupStorageParams, readBackupStorageParams, writeBackupStorageParams } from '../meta/system-params.ts';
import {
  isObjectStoreError,
  maskUrl,
  type ObjectStore,
  openObjectStore,
  parseObjectStoreUrl,
} from '../object-store/index.ts';
import { BackupError, isBackupError } from './errors.ts';
import { ManifestSummaryRecords } from './manifest-summary-cache.ts';
import { checkStorageDirectory, MetaSnapshotStorage } from './snapshot-storage.ts';

interface CurrentStorage {
  params: BackupStorageParams;
  storage: MetaSnapshotStorage;
}

/** A storage URL that does not parse is bad configuration: INVALID_CONFIG with the parser's reason. */
export function parseStorageUrl(url: string): void {
  try {
    parseObjectStoreUrl(url);
  } catch (error) {
    throw new BackupError('INVALID_CONFIG', (error as Error).message, { cause: error });
  }
}

/** A location offered in a storage change that cannot be used is bad input (INVALID_CONFIG), not an outage of the store in use. */
export function rejectedLocation(error: unknown): never {
  if (isBackupError(error, 'STORAGE_UNAVAILABLE'))
    throw new BackupError(
      'INVALID_CONFIG',
      `this storage location cannot be used: ${error.message.replace(/^backup storage: /, '')}`,
      { cause: error },
    );
  throw error;
}

export class StorageLocation {
  private current: CurrentStorage | undefined;
  private swapping: Promise<CurrentStorage> | undefined;

  constructor(
    private readonly options: {
      meta: MetaStore;
      clock: Clock;
      log: Logger;
      /** Base for relative fs:// paths (default: the working directory). */
      fsBaseDir?: string;
      wrapStore: (store: ObjectStore) => ObjectStore;
    },
  ) {}

  private get prisma() {
    return this.options.meta.prisma;
  }

  private openStore(url: string): ObjectStore {
    try {
      return this.options.wrapStore(openObjectStore(url, { baseDir: this.options.fsBaseDir }));
    } catch (error) {
      if (isObjectStoreError(error, 'INVALID_URL')) throw new BackupError('INVALID_CONFIG', error.message);
      throw error;
    }
  }

  private async build(params: BackupStorageParams): Promise<CurrentStorage> {
    const dir = checkStorageDirectory(params.directory);
    const store = this.openStore(params.url);
    try {
      await store.checkLocation(`${dir}/`).catch((error: unknown) => {
        throw isObjectStoreError(error)
          ? new BackupError('STORAGE_UNAVAILABLE', `backup storage: ${error.message}`, { cause: error })
          : error;
      });
      const cache = new ManifestSummaryRecords(this.prisma, { url: store.displayUrl, directory: dir });
      return { params, storage: await MetaSnapshotStorage.open(store, params.directory, { cache }) };
    } catch (error) {
      await store.close();
      throw error;
    }
  }

  /** The storage named by the system parameters now; rebuilt (hot swap) when they changed. */
  async storage(): Promise<MetaSnapshotStorage> {
    const params = await readBackupStorageParams(this.prisma);
    const current = this.current;
    if (current && current.params.url === params.url && current.params.directory === params.directory)
      return current.storage;
    this.swapping ??= this.build(params).finally(() => {
      this.swapping = undefined;
    });
    const next = await this.swapping;
    if (this.current !== next) {
      const old = this.current;
      this.current = next;
      if (old) {
        this.options.log.info(
          { from: old.storage.store.displayUrl, to: next.storage.store.displayUrl, directory: next.storage.dir },
          'storage location changed by another process: swapped',
        );
        if (old.storage.store !== next.storage.store) await old.storage.store.close();
      }
    }
    return next.storage;
  }

  /** Snapshot storage at another location (for restore from elsewhere); the caller closes its store. */
  async openAt(location: { url?: string; directory?: string }): Promise<MetaSnapshotStorage> {
    const current = await readBackupStorageParams(this.prisma);
    const params = { url: location.url ?? current.url, directory: location.directory ?? current.directory };
    parseStorageUrl(params.url);
    return (await this.build(params)).storage;
  }

  async config(): Promise<{ url: string; displayUrl: string; directory: string }> {
    const params = await readBackupStorageParams(this.prisma);
    return { url: params.url, displayUrl: maskUrl(params.url), directory: params.directory };
  }

  /**
   * Validates the new location, builds its store and reads its manifest, then saves the
   * parameters and swaps. If anything fails the old location stays and the error is thrown.
   */
  async change(
    change: { url?: string; directory?: string },
    audit?: PendingAudit,
  ): Promise<{ displayUrl: string; directory: string; snapshots: number }> {
    const old = await readBackupStorageParams(this.prisma);
    const params = { url: change.url?.trim() ?? old.url, directory: change.directory?.trim() ?? old.directory };
    if (audit) audit.target = `${maskUrl(params.url)} ${params.directory}`;
    parseStorageUrl(params.url);
    checkStorageDirectory(params.directory);
    const next = await this.build(params).catch(rejectedLocation);
    // The saved (sealed) form, so the next read of the parameters finds the same location.
    next.params = await writeBackupStorageParams(this.prisma, params, audit);
    const previous = this.current;
    this.current = next;
    if (previous) await previous.storage.store.close();
    this.options.log.info(
      { from: maskUrl(old.url), to: maskUrl(params.url), directory: params.directory },
      'storage location changed: swapped',
    );
    return {
      displayUrl: maskUrl(params.url),
      directory: params.directory,
      snapshots: next.storage.manifest().snapshot_metadata.length,
    };
  }

  /** Writes, reads back and deletes a probe object at a location, without saving anything. */
  async probe(location: { url: string; directory: string }): Promise<void> {
    parseStorageUrl(location.url);
    const dir = checkStorageDirectory(location.directory);
    const store = this.openStore(location.url);
    const key = `${dir}/.probe-${randomUUID()}`;
    try {
      await store.checkLocation(`${dir}/`);
      const payload = `probe ${this.options.clock.now().toISOString()}`;
      await store.put(key, payload);
      const read = new TextDecoder().decode((await store.get(key)).body);
      if (read !== payload)
        throw new BackupError(
          'STORAGE_UNAVAILABLE',
          `${store.displayUrl}: the probe object read back differs from what was written`,
        );
      await store.deleteMany([key]);
      await MetaSnapshotStorage.open(store, dir); // its manifest, if any, must be readable
    } catch (error) {
      if (isBackupError(error)) rejectedLocation(error);
      rejectedLocation(
        new BackupError('STORAGE_UNAVAILABLE', `${store.displayUrl}: ${(error as Error).message}`, { cause: error }),
      );
    } finally {
      await store.close();
    }
  }

  async close(): Promise<void> {
    await this.current?.storage.store.close();
    this.current = undefined;
  }
}
