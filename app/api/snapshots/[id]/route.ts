import type { Jsonified } from '@/lib/backup/json-view';
import type { SnapshotSummary } from '@/lib/backup/manifest';
import { snapshotIdParams } from '@/lib/api/schemas';
import { parseWith, route } from '../../_lib/route';

export const dynamic = 'force-dynamic';

export type SnapshotResponse = Jsonified<SnapshotSummary>;

export const GET = route<{ id: string }>({ role: 'viewer' }, async ({ params, manager }) =>
  manager.getSnapshot(parseWith(snapshotIdParams.shape.id, params.id)),
);

/** Deletes one snapshot (an unknown id is fine) and releases its pins. */
export const DELETE = route<{ id: string }>(
  { role: 'admin', audit: 'snapshot.delete' },
  async ({ params, manager, audit }) => {
    const id = parseWith(snapshotIdParams.shape.id, params.id);
    audit!.target = `snapshot ${id}`;
    const manifest = await manager.deleteSnapshots([id]);
    return { deleted: [id], manifest_id: manifest.manifest_id, remaining: manifest.snapshot_metadata.length };
  },
);
