// Small, real snapshots for storage tests.
import type { SnapshotMetadata } from '../../lib/backup/manifest.ts';
import { stringifyJson64 } from '../../lib/backup/json64.ts';
import { sstSet } from '../../lib/backup/sst-set.ts';
import { encodeSnapshot, SNAPSHOT_FORMAT_VERSION } from '../../lib/backup/snapshot-codec.ts';

export function snapshotMetadata(id: bigint, ssts: bigint[] = [2n ** 53n + id, 2n ** 60n + id]): SnapshotMetadata {
  return {
    id,
    hummock_version_id: 1000n + id,
    ssts: sstSet(ssts),
    format_version: SNAPSHOT_FORMAT_VERSION,
    remarks: `snapshot ${id}`,
    state_table_info: { '7': { committed_epoch: (1_795_000_000_000n << 16n) + id, compaction_group_id: 2n } },
    rw_version: 'test',
  };
}

export function snapshotBody(id: bigint, rows = 3): AsyncGenerator<Uint8Array> {
  const items = Array.from({ length: rows }, (_, i) => stringifyJson64({ row: i, id, epoch: 2n ** 62n + BigInt(i) }));
  return encodeSnapshot({ formatVersion: SNAPSHOT_FORMAT_VERSION, id }, [
    { count: 1, items: ['{"version_id":1}'] },
    { count: items.length, items },
  ]);
}
