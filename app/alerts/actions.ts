'use server';
// Alert channels: add, remove, send a test. Admin only, as their API routes.
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { alertChannelInputSchema } from '@/lib/alerts/channels';
import { serverAction } from '../_lib/action';

const id = z
  .number()
  .int()
  .min(1)
  .max(2 ** 31 - 1);

export const addAlertChannelAction = serverAction(
  { role: 'admin', audit: 'alert.add' },
  alertChannelInputSchema,
  async (input, { manager, actor, audit }) => {
    audit!.target = input.name;
    const channel = await manager.alerts.channels.add(input, { createdBy: actor.name, audit: audit! });
    revalidatePath('/alerts');
    return channel;
  },
);

export const removeAlertChannelAction = serverAction(
  { role: 'admin', audit: 'alert.remove' },
  z.object({ id }),
  async ({ id }, { manager, audit }) => {
    audit!.target = `alert channel ${id}`;
    const removed = await manager.alerts.channels.remove(id, audit!);
    revalidatePath('/alerts');
    return { name: removed.name };
  },
);

export const testAlertChannelAction = serverAction(
  { role: 'admin', audit: 'alert.test' },
  z.object({ id }),
  async ({ id }, { manager, audit }) => {
    audit!.target = `alert channel ${id}`;
    const sent = await manager.alerts.sendTest(id);
    revalidatePath('/alerts');
    return sent;
  },
);
