'use server';
// Mutations and the dry run of the retention page. Each is a public endpoint: its wrapper checks
// the caller and the role it declares, and writes the audit row.
import { revalidatePath } from 'next/cache';
import { retentionRuleSchema } from '@/lib/backup/validation';
import { z } from 'zod';
import { serverAction } from '../_lib/action';

/** What a rule would keep and delete now, and why; nothing is saved. */
export const previewRetentionAction = serverAction({ role: 'viewer' }, retentionRuleSchema, async (rule, { manager }) =>
  manager.previewRetention(rule),
);

export const saveRetentionAction = serverAction(
  { role: 'admin', audit: 'retention.set' },
  retentionRuleSchema,
  async (rule, { manager, actor, audit }) => {
    const stored = await manager.setRetentionRule(rule, actor.name, audit!);
    revalidatePath('/retention');
    return stored;
  },
);

export const applyRetentionAction = serverAction(
  { role: 'admin', audit: 'retention.apply' },
  z.strictObject({}),
  async (_input, { manager, requestId }) => {
    const applied = await manager.applyRetention({ requestId });
    revalidatePath('/', 'layout');
    return { deleted: applied.deleted };
  },
);
