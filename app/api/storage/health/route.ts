import { checkStorageHealth, type StorageHealth } from '@/lib/backup/storage-health';
import { route } from '../../_lib/route';

export const dynamic = 'force-dynamic';

export type HealthResponse = { storage: StorageHealth };

/** Whether the backup storage can be reached (its manifest read, within seconds); the console's banner polls it. */
export const GET = route(
  { role: 'viewer' },
  async ({ manager }): Promise<HealthResponse> => ({ storage: await checkStorageHealth(manager) }),
);
