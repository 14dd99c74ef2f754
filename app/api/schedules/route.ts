import { scheduleCreateBody } from '@/lib/api/schemas';
import type { Jsonified } from '@/lib/backup/json-view';
import { getMetaStore } from '@/lib/meta/shared-store';
import { ScheduleStore, type ScheduleView } from '@/lib/schedule/schedules';
import { jsonBody, route } from '../_lib/route';

export const dynamic = 'force-dynamic';

export type ScheduleListResponse = { schedules: Jsonified<ScheduleView>[] };
export type ScheduleResponse = Jsonified<ScheduleView>;

/** Every schedule with its next five runs and its last result. */
export const GET = route({ role: 'viewer' }, async () => {
  return { schedules: await new ScheduleStore(getMetaStore()).list(new Date()) };
});

/** Adds a schedule. */
export const POST = route(
  { role: 'admin', audit: 'schedule.create' },
  async ({ request, actor, audit }) => {
    const input = await jsonBody(request, scheduleCreateBody);
    const store = new ScheduleStore(getMetaStore());
    const now = new Date();
    const created = await store.create(input, { now, by: actor!.name, audit: audit! });
    return store.viewOf(created.id, now);
  },
  { status: 201 },
);
