// Verification results: each verify of a snapshot is stored, and the last one in the current
// location is shown beside the snapshot.
import type { MetaClient } from '../meta/client.ts';
import { MAX_STORED_ID } from './job-records.ts';
import type { MetaSnapshotStorage } from './snapshot-storage.ts';
import type { VerifyResult } from './verify.ts';

export async function recordVerification(
  prisma: MetaClient,
  storage: MetaSnapshotStorage,
  result: VerifyResult,
): Promise<void> {
  await prisma.snapshotVerification.create({
    data: {
      snapshot_id: result.snapshotId,
      storage_url: storage.store.displayUrl,
      storage_directory: storage.dir,
      ok: result.ok,
      problems: result.problems,
      integrity_checked: result.integrityChecked,
      rows: BigInt(result.rows),
      bytes: BigInt(result.bytes),
      verified_at: result.verifiedAt,
    },
  });
}

/** The last verification of a snapshot in the given storage location, if any. */
export async function lastVerification(
  prisma: MetaClient,
  storage: MetaSnapshotStorage,
  id: bigint,
): Promise<VerifyResult | null> {
  if (id > MAX_STORED_ID) return null;
  const row = await prisma.snapshotVerification.findFirst({
    where: { snapshot_id: id, storage_url: storage.store.displayUrl, storage_directory: storage.dir },
    orderBy: { id: 'desc' },
  });
  if (!row) return null;
  return {
    snapshotId: id,
    ok: row.ok,
    problems: row.problems as string[],
    rows: Number(row.rows),
    bytes: Number(row.bytes),
    integrityChecked: row.integrity_checked,
    verifiedAt: row.verified_at,
  };
}
