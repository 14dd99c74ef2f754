// Runs once when the console server starts: the first admin, on a meta store with no user.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { ensureFirstAdmin } = await import('./lib/auth/first-admin');
  const { getMetaStore } = await import('./lib/meta/shared-store');
  try {
    await ensureFirstAdmin(getMetaStore().prisma);
  } catch (error) {
    // An unmigrated meta store: `npm start` migrates first, a bare `next start` may not have.
    console.error('could not check for the first console user:', error instanceof Error ? error.message : error);
  }
}
