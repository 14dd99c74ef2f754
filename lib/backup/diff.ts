// What changed between two snapshots: relations added, removed and changed, SSTs added and
// removed, and the Hummock version ids.
import { parseJson64 } from './json64.ts';
import type { SnapshotSummary } from './manifest.ts';
import { difference } from './sst-set.ts';
import { decodeSnapshotTables } from './snapshot-contents.ts';
import type { MetaSnapshotStorage } from './snapshot-storage.ts';

export interface RelationSummary {
  id: number;
  kind: string;
  name: string;
}

export interface SnapshotDiff {
  from: { id: bigint; hummockVersionId: bigint };
  to: { id: bigint; hummockVersionId: bigint };
  relations: {
    added: RelationSummary[];
    removed: RelationSummary[];
    changed: (RelationSummary & { fields: string[] })[];
  };
  ssts: { added: bigint[]; removed: bigint[]; unchanged: number };
}

async function relationsOf(storage: MetaSnapshotStorage, id: bigint): Promise<Map<number, Record<string, unknown>>> {
  const relations = new Map<number, Record<string, unknown>>();
  await decodeSnapshotTables(
    await storage.stream(id),
    {
      row(table, json) {
        if (table !== 'relation') return;
        const row = parseJson64(json) as Record<string, unknown>;
        relations.set(row.relation_id as number, row);
      },
    },
    { name: `snapshot ${id}` },
  );
  return relations;
}

const summary = (row: Record<string, unknown>): RelationSummary => ({
  id: row.relation_id as number,
  kind: row.kind as string,
  name: row.name as string,
});
const same = (a: unknown, b: unknown) =>
  JSON.stringify(a, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)) ===
  JSON.stringify(b, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));

export async function diffSnapshots(
  storage: MetaSnapshotStorage,
  from: SnapshotSummary,
  to: SnapshotSummary,
): Promise<SnapshotDiff> {
  const [before, after] = await Promise.all([relationsOf(storage, from.id), relationsOf(storage, to.id)]);
  const [fromSsts, toSsts] = [await storage.sstsOf(from.id), await storage.sstsOf(to.id)];
  const added: RelationSummary[] = [];
  const removed: RelationSummary[] = [];
  const changed: (RelationSummary & { fields: string[] })[] = [];
  for (const [id, row] of after) {
    const old = before.get(id);
    if (!old) added.push(summary(row));
    else {
      const fields = Object.keys({ ...old, ...row }).filter((k) => !same(old[k], row[k]));
      if (fields.length) changed.push({ ...summary(row), fields });
    }
  }
  for (const [id, row] of before) if (!after.has(id)) removed.push(summary(row));
  const addedSsts = difference(toSsts, fromSsts);
  const byId = (a: { id: number }, b: { id: number }) => a.id - b.id;
  return {
    from: { id: from.id, hummockVersionId: from.hummock_version_id },
    to: { id: to.id, hummockVersionId: to.hummock_version_id },
    relations: { added: added.sort(byId), removed: removed.sort(byId), changed: changed.sort(byId) },
    ssts: {
      added: Array.from(addedSsts),
      removed: Array.from(difference(fromSsts, toSsts)),
      unchanged: toSsts.length - addedSsts.length,
    },
  };
}
