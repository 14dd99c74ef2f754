// The histories that grow by themselves (alert deliveries, scheduled runs: an every-minute
// schedule adds 1,440 runs a day) are pruned by the scheduler's lease holder. A schedule's latest
// run is always kept: the scheduler reads from it which runs are still due.
import type { MetaStore } from '../meta/client.ts';

/** HISTORY_RETENTION_DAYS: how long deliveries and scheduled runs are kept (default 90). */
export const DEFAULT_HISTORY_RETENTION_DAYS = 90;

export function historyRetentionDays(env: Record<string, string | undefined> = process.env): number {
  const days = Number(env.HISTORY_RETENTION_DAYS);
  return Number.isInteger(days) && days >= 1 ? days : DEFAULT_HISTORY_RETENTION_DAYS;
}

export async function pruneHistory(
  meta: MetaStore,
  now: Date,
  days: number,
): Promise<{ deliveries: number; runs: number }> {
  const { prisma } = meta;
  const before = new Date(now.getTime() - days * 86_400_000);
  const deliveries = await prisma.alertDelivery.deleteMany({ where: { at: { lt: before } } });
  const latest = await prisma.backupScheduleRun.groupBy({ by: ['schedule_id'], _max: { due_at: true } });
  let runs = 0;
  for (const { schedule_id, _max } of latest) {
    const pruned = await prisma.backupScheduleRun.deleteMany({
      where: { schedule_id, due_at: { lt: before, ...(_max.due_at ? { not: _max.due_at } : {}) } },
    });
    runs += pruned.count;
  }
  return { deliveries: deliveries.count, runs };
}
