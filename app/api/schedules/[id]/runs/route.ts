import { scheduleIdParams, scheduleRunsQuery } from '@/lib/api/schemas';
import type { Jsonified } from '@/lib/backup/json-view';
import { getMetaStore } from '@/lib/meta/shared-store';
import { type ScheduleRun, ScheduleStore } from '@/lib/schedule/schedules';
import { parseWith, route } from '../../../_lib/route';

export const dynamic = 'force-dynamic';

export type ScheduleRunsResponse = { runs: Jsonified<ScheduleRun>[] };

/** A schedule's runs, newest due first. */
export const GET = route<{ id: string }>({ role: 'viewer' }, async ({ request, params }) => {
  const id = parseWith(scheduleIdParams.shape.id, params.id);
  const { limit } = parseWith(scheduleRunsQuery, Object.fromEntries(new URL(request.url).searchParams));
  return { runs: await new ScheduleStore(getMetaStore()).runs(id, limit) };
});
