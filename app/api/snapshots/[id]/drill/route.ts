import type { Jsonified } from '@/lib/backup/json-view';
import type { DrillResult } from '@/lib/backup/restore-drill';
import { snapshotIdParams } from '@/lib/api/schemas';
import { parseWith, route } from '../../../_lib/route';

export const dynamic = 'force-dynamic';

export type DrillResponse = Jsonified<DrillResult>;

/** Runs a restore drill of one snapshot and answers with its result once done. */
export const POST = route<{ id: string }>(
  { role: 'operator', audit: 'snapshot.drill' },
  async ({ params, manager, actor, audit, requestId }) => {
    const id = parseWith(snapshotIdParams.shape.id, params.id);
    return manager.drillSnapshot(id, { startedBy: actor!.name, requestId, audit: audit! });
  },
);
