import { z } from 'zod';
import { idListSchema } from '@/lib/backup/validation';
import { jsonBody, route } from '../../_lib/route';

export const dynamic = 'force-dynamic';

export type DeleteSnapshotsResponse = { deleted: string[]; manifest_id: string; remaining: number };

/** Deletes several snapshots at once: { "ids": ["1", "2"] }. Unknown ids are fine. */
export const POST = route({ role: 'admin', audit: 'snapshot.delete' }, async ({ request, manager, audit }) => {
  const { ids } = await jsonBody(request, z.object({ ids: idListSchema }));
  audit!.target = `snapshots ${ids.join(', ')}`;
  const manifest = await manager.deleteSnapshots(ids);
  return { deleted: ids, manifest_id: manifest.manifest_id, remaining: manifest.snapshot_metadata.length };
});
