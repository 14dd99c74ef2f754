// System parameters of the meta store that the backup manager reads and writes.
import { sealStorageUrl } from '../object-store/sealed-secrets.ts';
import { recordPendingAudit, type PendingAudit } from './audit-log.ts';
import type { MetaClient } from './client.ts';

export const BACKUP_STORAGE_URL = 'backup_storage_url';
export const BACKUP_STORAGE_DIRECTORY = 'backup_storage_directory';

export interface BackupStorageParams {
  url: string;
  directory: string;
}

/** The backup location; when unset, upstream's defaults: the state store and `{data_directory}/backup`. */
export async function readBackupStorageParams(prisma: MetaClient): Promise<BackupStorageParams> {
  const rows = await prisma.systemParameter.findMany({
    where: { name: { in: [BACKUP_STORAGE_URL, BACKUP_STORAGE_DIRECTORY, 'state_store', 'data_directory'] } },
  });
  const get = (name: string) => rows.find((r) => r.name === name)?.value?.trim() || null;
  const stateStore = get('state_store');
  const url =
    get(BACKUP_STORAGE_URL) ?? (stateStore?.startsWith('hummock+') ? stateStore.slice('hummock+'.length) : 'memory');
  const directory = get(BACKUP_STORAGE_DIRECTORY) ?? `${get('data_directory') ?? 'hummock_001'}/backup`;
  return { url, directory };
}

/** Saves the backup location, its secret sealed (never in clear in the meta store); returns what was saved. */
export async function writeBackupStorageParams(
  prisma: MetaClient,
  params: BackupStorageParams,
  audit?: PendingAudit,
): Promise<BackupStorageParams> {
  const url = sealStorageUrl(params.url);
  await prisma.$transaction(async (tx) => {
    await tx.systemParameter.upsert({
      where: { name: BACKUP_STORAGE_URL },
      update: { value: url },
      create: {
        name: BACKUP_STORAGE_URL,
        value: url,
        is_mutable: true,
        description: 'Where meta snapshots are stored',
      },
    });
    await tx.systemParameter.upsert({
      where: { name: BACKUP_STORAGE_DIRECTORY },
      update: { value: params.directory },
      create: {
        name: BACKUP_STORAGE_DIRECTORY,
        value: params.directory,
        is_mutable: true,
        description: 'Directory of meta snapshots',
      },
    });
    await recordPendingAudit(tx, audit);
  });
  return { url, directory: params.directory };
}
