// Runs once when the console server starts (instrumentation-node.ts): the first admin, the
// schedules, and ending this process's jobs on SIGTERM or SIGINT. The Edge runtime runs nothing.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME === 'nodejs') await (await import('./instrumentation-node')).registerNode();
}
