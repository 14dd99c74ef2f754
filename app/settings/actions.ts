'use server';
// Mutations of the settings page: probe a location, and change the backup storage. Admin only.
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { storageConfigSchema } from '@/lib/backup/validation';
import { maskUrl } from '@/lib/object-store/url';
import { serverAction } from '../_lib/action';

const locationSchema = z.object({
  /** Null probes the current URL, which the browser only ever sees masked. */
  url: z.string().trim().min(1, 'the storage URL must not be blank').nullable(),
  directory: z.string().trim().min(1, 'the storage directory must not be blank'),
});

export const probeStorageAction = serverAction(
  { role: 'admin', audit: 'storage.probe' },
  locationSchema,
  async ({ url, directory }, { manager, audit }) => {
    const target = url ?? (await manager.getConfig()).url;
    audit!.target = `${maskUrl(target)} ${directory}`;
    await manager.probeStorage({ url: target, directory });
    return { ok: true };
  },
);

export const saveStorageConfigAction = serverAction(
  { role: 'admin', audit: 'storage.set' },
  storageConfigSchema,
  async (change, { manager, audit }) => {
    const result = await manager.setConfig(change, audit!);
    revalidatePath('/', 'layout');
    return result;
  },
);
