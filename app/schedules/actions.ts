'use server';
// Schedules: add, enable or disable, remove (admin, audited); and the live preview of a cron
// expression's next runs as it is typed (any viewer; it changes nothing).
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { getMetaStore } from '@/lib/meta/shared-store';
import { nextRuns, ScheduleStore } from '@/lib/schedule/schedules';
import { cronPreviewSchema, scheduleCreateSchema, scheduleUpdateSchema } from '@/lib/schedule/validation';
import { serverAction } from '../_lib/action';

const id = z.number().int().min(1).max(999_999_999);

export const previewCronAction = serverAction({ role: 'viewer' }, cronPreviewSchema, async ({ cron, timeZone }) => ({
  cron,
  timeZone,
  nextRuns: nextRuns({ cron, timeZone }, new Date(), 5),
}));

export const createScheduleAction = serverAction(
  { role: 'admin', audit: 'schedule.create' },
  scheduleCreateSchema,
  async (input, { actor, audit }) => {
    const schedule = await new ScheduleStore(getMetaStore()).create(input, {
      now: new Date(),
      by: actor.name,
      audit: audit!,
    });
    revalidatePath('/schedules');
    return { id: schedule.id, name: schedule.name };
  },
);

export const setScheduleEnabledAction = serverAction(
  { role: 'admin', audit: 'schedule.update' },
  z.strictObject({ id, enabled: z.boolean() }),
  async ({ id, enabled }, { audit }) => {
    audit!.target = `schedule ${id}`;
    const schedule = await new ScheduleStore(getMetaStore()).update(
      id,
      { enabled },
      { now: new Date(), audit: audit! },
    );
    revalidatePath('/schedules');
    return { id: schedule.id, enabled: schedule.enabled };
  },
);

export const updateScheduleAction = serverAction(
  { role: 'admin', audit: 'schedule.update' },
  z.strictObject({ id, change: scheduleUpdateSchema }),
  async ({ id, change }, { audit }) => {
    audit!.target = `schedule ${id}`;
    const schedule = await new ScheduleStore(getMetaStore()).update(id, change, { now: new Date(), audit: audit! });
    revalidatePath('/schedules');
    return { id: schedule.id, cron: schedule.cron, timeZone: schedule.timeZone };
  },
);

export const deleteScheduleAction = serverAction(
  { role: 'admin', audit: 'schedule.delete' },
  z.strictObject({ id }),
  async ({ id }, { audit }) => {
    audit!.target = `schedule ${id}`;
    const removed = await new ScheduleStore(getMetaStore()).remove(id, { audit: audit! });
    revalidatePath('/schedules');
    return { id: removed.id, name: removed.name };
  },
);
