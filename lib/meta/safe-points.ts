// Hummock version safe points: a running backup pins the version it copies, so the version's
// deltas and SSTs are not collected while the backup runs. Kept in the meta store, so every
// process (and the garbage collector) sees them.
import type { MetaClient } from './client.ts';

export async function registerSafePoint(prisma: MetaClient, holder: string): Promise<bigint> {
  const version = await prisma.hummockVersion.findUnique({ where: { id: 1 } });
  const versionId = version?.version_id ?? 0n;
  await prisma.hummockVersionSafePoint.create({ data: { holder, version_id: versionId } });
  return versionId;
}

export async function releaseSafePoint(prisma: MetaClient, holder: string): Promise<void> {
  await prisma.hummockVersionSafePoint.deleteMany({ where: { holder } });
}

/** The oldest version any safe point holds, or null when none is held. */
export async function minSafePointVersion(prisma: MetaClient): Promise<bigint | null> {
  const oldest = await prisma.hummockVersionSafePoint.aggregate({ _min: { version_id: true } });
  return oldest._min.version_id ?? null;
}
