// Whether the backup storage answers: its manifest read within a short deadline, so a health
// check or a page's banner reports a stalled server in seconds rather than after every retry.
import type { BackupManager } from './backup-manager.ts';

export type StorageHealth = { ok: true } | { ok: false; message: string };

export const HEALTH_DEADLINE_MS = 5_000;

export async function checkStorageHealth(
  manager: BackupManager,
  options: { deadlineMs?: number; maxAgeMs?: number } = {},
): Promise<StorageHealth> {
  const deadlineMs = options.deadlineMs ?? HEALTH_DEADLINE_MS;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<StorageHealth>((resolve) => {
    timer = setTimeout(
      () => resolve({ ok: false, message: `the backup storage did not answer within ${deadlineMs / 1000} s` }),
      deadlineMs,
    );
  });
  const read = manager.manifest({ maxAgeMs: options.maxAgeMs }).then(
    (): StorageHealth => ({ ok: true }),
    (error: unknown): StorageHealth => ({ ok: false, message: error instanceof Error ? error.message : String(error) }),
  );
  try {
    const health = await Promise.race([read, deadline]);
    manager.alerts.observeStorage(health);
    return health;
  } finally {
    clearTimeout(timer);
  }
}
