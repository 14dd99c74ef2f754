// npm run seed -- [--relations N] [--ssts M] [--backup-url U] [--backup-dir D]: migrates the meta store named by DATABASE_URL
// (default: the embedded SQLite file) and fills it with a demo cluster when it is empty.
import { parseArgs } from 'node:util';
import { openMetaStore } from '../lib/meta/client.ts';
import { databaseUrl } from '../lib/meta/database-url.ts';
import { seedDemoCluster } from '../lib/meta/demo-cluster.ts';
import { migrateMetaStore } from '../lib/meta/migrate.ts';

function count(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value)) throw new Error(`--${name} must be a non-negative integer, got "${value}"`);
  return Number(value);
}

async function main() {
  const { values } = parseArgs({
    options: {
      relations: { type: 'string' },
      ssts: { type: 'string' },
      'backup-url': { type: 'string' },
      'backup-dir': { type: 'string' },
    },
    strict: true,
  });
  const relations = count('relations', values.relations, 60);
  const ssts = count('ssts', values.ssts, 500);
  const url = databaseUrl();
  await migrateMetaStore(url);
  const store = openMetaStore(url);
  try {
    const started = performance.now();
    const result = await seedDemoCluster(store.prisma, {
      relations,
      ssts,
      backupStorageUrl: values['backup-url'],
      backupStorageDirectory: values['backup-dir'],
    });
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(
      result.seeded
        ? `seeded ${result.relations} relations and ${result.ssts} SSTs in ${seconds} s`
        : `meta store already holds a cluster (${result.relations} relations, ${result.ssts} SSTs): left as it is`,
    );
  } finally {
    await store.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
