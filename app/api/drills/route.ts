import type { Jsonified } from '@/lib/backup/json-view';
import type { DrillResult } from '@/lib/backup/restore-drill';
import { drillListQuery } from '@/lib/api/schemas';
import { parseWith, route } from '../_lib/route';

export const dynamic = 'force-dynamic';

export type DrillListResponse = { drills: Jsonified<DrillResult>[] };

/** Restore drills in the current storage location, newest first. */
export const GET = route({ role: 'viewer' }, async ({ request, manager }) => {
  const { snapshot, limit } = parseWith(drillListQuery, Object.fromEntries(new URL(request.url).searchParams));
  return { drills: await manager.listDrills({ snapshotId: snapshot, limit }) };
});
