// Reads and changes of the snapshots in the current location: entries, their SSTs and catalog,
// delete (with its preview), orphans, diff, and verification with its stored results.
import type { MetaStore } from '../meta/client.ts';
import { diffSnapshots, type SnapshotDiff } from './diff.ts';
import { BackupError } from './errors.ts';
import type { ManifestSummary, SnapshotSummary } from './manifest.ts';
import { type DeletePreview, previewDelete, readCatalog, type SnapshotCatalog } from './snapshot-inspector.ts';
import type { MetaSnapshotStorage, Orphan } from './snapshot-storage.ts';
import { readingSnapshot } from './snapshot-readers.ts';
import { pageOf } from './sst-set.ts';
import { lastVerification, recordVerification } from './verification-records.ts';
import { type VerifyResult, verifySnapshot } from './verify.ts';

export class SnapshotQueries {
  constructor(
    private readonly options: {
      meta: MetaStore;
      fsBaseDir?: string;
      /** The storage of the current location (hot-swapped by the caller). */
      storage: () => Promise<MetaSnapshotStorage>;
    },
  ) {}

  private storage(): Promise<MetaSnapshotStorage> {
    return this.options.storage();
  }

  async manifest(options: { maxAgeMs?: number }): Promise<ManifestSummary> {
    return (await this.storage()).refreshManifest(options);
  }

  async get(id: bigint, options: { maxAgeMs?: number }): Promise<SnapshotSummary> {
    const entry = (await this.manifest(options)).snapshot_metadata.find((s) => s.id === id);
    if (!entry) throw new BackupError('NOT_FOUND', `snapshot id ${id} not found`);
    return entry;
  }

  async ssts(
    id: bigint,
    options: { after?: bigint; limit?: number; search?: string },
  ): Promise<{ total: number; items: bigint[]; next: bigint | null }> {
    await this.get(id, {});
    // From the index: a console paging through a snapshot's ids reads the manifest once.
    const ssts = (await (await this.storage()).sstIndex()).ssts(id);
    return { total: ssts.length, ...pageOf(ssts, options) };
  }

  async catalog(id: bigint, options: { maxAgeMs?: number }): Promise<SnapshotCatalog> {
    await this.get(id, options);
    return readCatalog(await this.storage(), id);
  }

  async previewDelete(ids: readonly bigint[]): Promise<DeletePreview> {
    const storage = await this.storage();
    return previewDelete(storage, await storage.sstIndex(), ids);
  }

  async verify(id: bigint, options: { validateIntegrity?: boolean }): Promise<VerifyResult> {
    const entry = await this.get(id, {});
    const storage = await this.storage();
    const result = await readingSnapshot(storage, id, () =>
      verifySnapshot(storage, entry, { ...options, fsBaseDir: this.options.fsBaseDir }),
    );
    await recordVerification(this.options.meta.prisma, storage, result);
    return result;
  }

  async lastVerification(id: bigint): Promise<VerifyResult | null> {
    return lastVerification(this.options.meta.prisma, await this.storage(), id);
  }

  async diff(from: bigint, to: bigint): Promise<SnapshotDiff> {
    const [a, b] = [await this.get(from, {}), await this.get(to, {})];
    const storage = await this.storage();
    return readingSnapshot(storage, from, () => readingSnapshot(storage, to, () => diffSnapshots(storage, a, b)));
  }

  /** `writing`: the id of the running job, whose upload is never an orphan. */
  async orphans(writing: bigint | null): Promise<Orphan[]> {
    const storage = await this.storage();
    return storage.listOrphans({ writing: writing === null ? null : storage.snapshotKey(writing) });
  }

  async deleteOrphans(keys: readonly string[], writing: bigint | null): Promise<string[]> {
    const wanted = new Set(keys);
    const doomed = (await this.orphans(writing)).filter((o) => wanted.has(o.key));
    await (await this.storage()).deleteOrphans(doomed);
    return doomed.map((o) => o.key);
  }

  async delete(ids: readonly bigint[]): Promise<ManifestSummary> {
    if (ids.length === 0) throw new BackupError('INVALID_INPUT', 'give at least one snapshot id');
    return (await this.storage()).delete(ids);
  }
}
