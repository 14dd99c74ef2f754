import type { Jsonified } from '@/lib/backup/json-view';
import type { KeepPin } from '@/lib/backup/retention-service';
import { keepSnapshotBody, snapshotIdParams } from '@/lib/api/schemas';
import { jsonBody, parseWith, route } from '../../../_lib/route';

export const dynamic = 'force-dynamic';

export type KeepPinResponse = Jsonified<KeepPin>;
export type UnkeepResponse = { id: string; unkept: boolean };

/** Marks the snapshot keep: retention never deletes it. Body: { "reason": "…" } (optional). */
export const PUT = route<{ id: string }>(
  { role: 'admin', audit: 'snapshot.keep' },
  async ({ request, params, manager, actor, audit }) => {
    const id = parseWith(snapshotIdParams.shape.id, params.id);
    audit!.target = `snapshot ${id}`;
    const { reason } = await jsonBody(request, keepSnapshotBody);
    return manager.keepSnapshot(id, { reason: reason ?? null, by: actor!.name, audit: audit! });
  },
);

/** Removes the mark (fine when there was none: `unkept` says). */
export const DELETE = route<{ id: string }>(
  { role: 'admin', audit: 'snapshot.unkeep' },
  async ({ params, manager, audit }) => {
    const id = parseWith(snapshotIdParams.shape.id, params.id);
    audit!.target = `snapshot ${id}`;
    return { id, unkept: await manager.unkeepSnapshot(id, audit!) };
  },
);
