// The one Scheduler of a console server process, on the server-wide BackupManager: its jobs run
// in this process like the console's own. Started at server start (instrumentation.ts), stopped
// on SIGTERM/SIGINT before the jobs are ended, so the lease is handed back at once.
import { createSchedulerWatchdog } from './watchdog.ts';
import { getBackupManager } from '../backup/process-manager.ts';
import { getMetaStore } from '../meta/shared-store.ts';
import { Scheduler } from './scheduler.ts';

const holder = globalThis as typeof globalThis & { __scheduler?: Scheduler };

export function startProcessScheduler(): Scheduler {
  if (!holder.__scheduler) {
    const meta = getMetaStore();
    const manager = getBackupManager();
    holder.__scheduler = new Scheduler({ meta, manager, watchdog: createSchedulerWatchdog(meta, manager) });
    holder.__scheduler.start();
  }
  return holder.__scheduler;
}

export async function stopProcessScheduler(): Promise<void> {
  const scheduler = holder.__scheduler;
  holder.__scheduler = undefined;
  await scheduler?.stop();
}
