// What instrumentation.ts runs once when a Node.js console server starts (kept apart so the Edge
// build never compiles process.on): the first admin, on a meta store with no user; and
// on SIGTERM or SIGINT, the backup jobs of this process end FAILED ("its process shut down")
// before it exits, instead of staying RUNNING until their lease runs out. `npm start` sets
// NEXT_MANUAL_SIG_HANDLE so that Next.js leaves the exit to this handler. The server also runs
// the backup schedules (lib/schedule/), stopped first on a signal so another process takes over.
export async function registerNode(): Promise<void> {
  const { ensureFirstAdmin } = await import('./lib/auth/first-admin');
  const { getMetaStore } = await import('./lib/meta/shared-store');
  const { BackupManager } = await import('./lib/backup/backup-manager');
  const { startProcessScheduler, stopProcessScheduler } = await import('./lib/schedule/process-scheduler');
  try {
    await ensureFirstAdmin(getMetaStore().prisma);
  } catch (error) {
    // An unmigrated meta store: `npm start` migrates first, a bare `next start` may not have.
    console.error('could not check for the first console user:', error instanceof Error ? error.message : error);
  }
  if (process.env.SCHEDULER !== 'off') startProcessScheduler();
  // `on`, not `once`: proper-lockfile's signal-exit re-raises a signal that no other listener
  // is left to handle, which killed the process before its jobs were ended.
  let shuttingDown = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (shuttingDown) return;
      shuttingDown = true;
      console.log(`${signal}: ending this process's backup jobs, then exiting`);
      const exit = () => {
        if (process.env.NEXT_MANUAL_SIG_HANDLE) process.exit(0);
      };
      const deadline = setTimeout(exit, 10_000);
      // Every manager of the process: the route handlers' may be another copy of the module.
      void stopProcessScheduler()
        .catch((error: unknown) =>
          console.error(`${signal}: stopping the scheduler failed:`, error instanceof Error ? error.message : error),
        )
        .then(() => BackupManager.shutdownAll())
        .then(
          (ids) =>
            ids.length && console.log(`${signal}: backup job ${ids.join(', ')} ended FAILED (the console shut down)`),
        )
        .catch((error: unknown) =>
          console.error(
            `${signal}: shutting the backup jobs down failed:`,
            error instanceof Error ? error.message : error,
          ),
        )
        .finally(() => {
          clearTimeout(deadline);
          exit();
        });
    });
  }
}
