import { route } from '../../_lib/route';

export const dynamic = 'force-dynamic';

export type HealthResponse = { storage: { ok: true } | { ok: false; message: string } };

/** Whether the backup storage can be reached (its manifest read); the console's banner polls it. */
export const GET = route({ role: 'viewer' }, async ({ manager }): Promise<HealthResponse> => {
  try {
    await manager.manifest();
    return { storage: { ok: true } };
  } catch (error) {
    return { storage: { ok: false, message: error instanceof Error ? error.message : String(error) } };
  }
});
