import { deleteSnapshotsBody } from '@/lib/api/schemas';
import { jsonBody, route } from '../../_lib/route';

export const dynamic = 'force-dynamic';

export type DeleteSnapshotsResponse = { deleted: string[]; manifest_id: string; remaining: number };

/** Deletes several snapshots at once: { "ids": ["1", "2"] }. Unknown ids are fine. */
export const POST = route({ role: 'admin', audit: 'snapshot.delete' }, async ({ request, manager, audit }) => {
  const { ids } = await jsonBody(request, deleteSnapshotsBody);
  audit!.target = `snapshots ${ids.join(', ')}`;
  const manifest = await manager.deleteSnapshots(ids);
  return { deleted: ids, manifest_id: manifest.manifest_id, remaining: manifest.snapshot_metadata.length };
});
