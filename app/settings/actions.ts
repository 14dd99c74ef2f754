'use server';
// Mutations of the settings page: probe a location, and change the backup storage.
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { storageConfigSchema } from '@/lib/backup/validation';
import { serverAction } from '../_lib/action';

const locationSchema = z.object({
  /** Null probes the current URL, which the browser only ever sees masked. */
  url: z.string().trim().min(1, 'the storage URL must not be blank').nullable(),
  directory: z.string().trim().min(1, 'the storage directory must not be blank'),
});

export const probeStorageAction = serverAction('probeStorage', locationSchema, async ({ url, directory }, { manager }) => {
  await manager.probeStorage({ url: url ?? (await manager.getConfig()).url, directory });
  return { ok: true };
});

export const saveStorageConfigAction = serverAction('saveStorageConfig', storageConfigSchema, async (change, { manager }) => {
  const result = await manager.setConfig(change);
  revalidatePath('/', 'layout');
  return result;
});
