import { scheduleIdParams, scheduleUpdateBody } from '@/lib/api/schemas';
import { getMetaStore } from '@/lib/meta/shared-store';
import { ScheduleStore } from '@/lib/schedule/schedules';
import { jsonBody, parseWith, route } from '../../_lib/route';

export const dynamic = 'force-dynamic';

export type ScheduleDeleteResponse = { ok: true };

/** Changes a schedule: any of cron, timeZone, enabled, verify, remarks. */
export const PATCH = route<{ id: string }>(
  { role: 'admin', audit: 'schedule.update' },
  async ({ request, params, audit }) => {
    const id = parseWith(scheduleIdParams.shape.id, params.id);
    audit!.target = `schedule ${id}`;
    const change = await jsonBody(request, scheduleUpdateBody);
    const store = new ScheduleStore(getMetaStore());
    const now = new Date();
    await store.update(id, change, { now, audit: audit! });
    return store.viewOf(id, now);
  },
);

/** Removes a schedule and its run history. */
export const DELETE = route<{ id: string }>({ role: 'admin', audit: 'schedule.delete' }, async ({ params, audit }) => {
  const id = parseWith(scheduleIdParams.shape.id, params.id);
  audit!.target = `schedule ${id}`;
  await new ScheduleStore(getMetaStore()).remove(id, { audit: audit! });
  return { ok: true as const };
});
