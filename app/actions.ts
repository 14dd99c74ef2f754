'use server';
// Mutations of the snapshots and jobs pages. Each is a public endpoint: its wrapper checks the
// caller and the role it declares, and writes the audit row.
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { idListSchema, idSchema, startJobInputSchema } from '@/lib/backup/validation';
import { serverAction } from './_lib/action';

export const startBackupAction = serverAction(
  { role: 'operator', audit: 'job.start' },
  startJobInputSchema,
  async ({ remarks, verify }, { manager, actor, audit, requestId }) => {
    const id = await manager.startBackupJob({ remarks, startedBy: actor.name, verify, requestId, audit: audit! });
    // No revalidatePath: the page re-rendered with the action could land after the refresh the
    // panel makes when the job ends, and show the list without the new snapshot.
    return { jobId: id };
  },
);

export const cancelJobAction = serverAction(
  { role: 'operator', audit: 'job.cancel' },
  z.object({ id: idSchema }),
  async ({ id }, { manager, audit }) => {
    audit!.target = `job ${id}`;
    const job = await manager.cancelJob(id, audit!);
    revalidatePath('/jobs');
    return { id: job.id, status: job.status };
  },
);

export const previewDeleteAction = serverAction(
  { role: 'admin' },
  z.object({ ids: idListSchema }),
  async ({ ids }, { manager }) => manager.previewDeleteSnapshots(ids),
);

export const deleteSnapshotsAction = serverAction(
  { role: 'admin', audit: 'snapshot.delete' },
  z.object({ ids: idListSchema }),
  async ({ ids }, { manager, audit }) => {
    audit!.target = `snapshots ${ids.join(', ')}`;
    const manifest = await manager.deleteSnapshots(ids);
    revalidatePath('/', 'layout');
    return { deleted: ids, remaining: manifest.snapshot_metadata.length };
  },
);

export const verifySnapshotAction = serverAction(
  { role: 'operator', audit: 'snapshot.verify' },
  z.object({ id: idSchema, validateIntegrity: z.boolean().default(false) }),
  async ({ id, validateIntegrity }, { manager, audit }) => {
    audit!.target = `snapshot ${id}${validateIntegrity ? ' with SST integrity' : ''}`;
    const result = await manager.verifySnapshot(id, { validateIntegrity });
    revalidatePath(`/snapshots/${id}`);
    return result;
  },
);

export const drillSnapshotAction = serverAction(
  { role: 'operator', audit: 'snapshot.drill' },
  z.object({ id: idSchema }),
  async ({ id }, { manager, actor, audit, requestId }) => {
    const drill = await manager.drillSnapshot(id, { startedBy: actor.name, requestId, audit: audit! });
    revalidatePath(`/snapshots/${id}`);
    revalidatePath('/');
    return drill;
  },
);

export const deleteOrphansAction = serverAction(
  { role: 'admin', audit: 'orphans.delete' },
  z.object({ keys: z.array(z.string().min(1).max(1024)).min(1).max(10_000) }),
  async ({ keys }, { manager, audit }) => {
    audit!.target =
      keys.length <= 20 ? keys.join(', ') : `${keys.slice(0, 20).join(', ')} and ${keys.length - 20} more`;
    const deleted = await manager.deleteOrphans(keys);
    revalidatePath('/settings');
    return { deleted };
  },
);

export const keepSnapshotAction = serverAction(
  { role: 'admin', audit: 'snapshot.keep' },
  z.object({ id: idSchema, reason: z.string().nullable().optional() }),
  async ({ id, reason }, { manager, actor, audit }) => {
    audit!.target = `snapshot ${id}`;
    const pin = await manager.keepSnapshot(id, { reason: reason ?? null, by: actor.name, audit: audit! });
    revalidatePath('/', 'layout');
    return pin;
  },
);

export const unkeepSnapshotAction = serverAction(
  { role: 'admin', audit: 'snapshot.unkeep' },
  z.object({ id: idSchema }),
  async ({ id }, { manager, audit }) => {
    audit!.target = `snapshot ${id}`;
    const unkept = await manager.unkeepSnapshot(id, audit!);
    revalidatePath('/', 'layout');
    return { id, unkept };
  },
);
