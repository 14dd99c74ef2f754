'use server';
// Mutations of the snapshots and jobs pages. Each is a public endpoint and checks for itself.
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { idListSchema, idSchema, remarksSchema } from '@/lib/backup/validation';
import { serverAction } from './_lib/action';

export const startBackupAction = serverAction('startBackup', z.object({ remarks: remarksSchema, verify: z.boolean().default(false) }), async ({ remarks, verify }, { manager, actor }) => {
  const id = await manager.startBackupJob({ remarks, startedBy: actor, verify });
  revalidatePath('/jobs');
  return { jobId: id };
});

export const cancelJobAction = serverAction('cancelJob', z.object({ id: idSchema }), async ({ id }, { manager }) => {
  const job = await manager.cancelJob(id);
  revalidatePath('/jobs');
  return { id: job.id, status: job.status };
});

export const previewDeleteAction = serverAction('previewDelete', z.object({ ids: idListSchema }), async ({ ids }, { manager }) => manager.previewDeleteSnapshots(ids));

export const deleteSnapshotsAction = serverAction('deleteSnapshots', z.object({ ids: idListSchema }), async ({ ids }, { manager }) => {
  const manifest = await manager.deleteSnapshots(ids);
  revalidatePath('/', 'layout');
  return { deleted: ids, remaining: manifest.snapshot_metadata.length };
});

export const verifySnapshotAction = serverAction('verifySnapshot', z.object({ id: idSchema, validateIntegrity: z.boolean().default(false) }), async ({ id, validateIntegrity }, { manager }) => {
  const result = await manager.verifySnapshot(id, { validateIntegrity });
  revalidatePath(`/snapshots/${id}`);
  return result;
});

export const deleteOrphansAction = serverAction('deleteOrphans', z.object({ keys: z.array(z.string().min(1).max(1024)).min(1).max(10_000) }), async ({ keys }, { manager }) => {
  const deleted = await manager.deleteOrphans(keys);
  revalidatePath('/settings');
  return { deleted };
});
