// Runs before `npm start`: migrate and seed the meta store (a demo cluster on first start),
// then build the console.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { openMetaStore } from '../lib/meta/client.ts';
import { databaseUrl, projectRoot } from '../lib/meta/database-url.ts';
import { seedDemoCluster } from '../lib/meta/demo-cluster.ts';
import { migrateMetaStore } from '../lib/meta/migrate.ts';

const url = databaseUrl();
await migrateMetaStore(url);
const store = openMetaStore(url);
const seeded = await seedDemoCluster(store.prisma, { relations: 60, ssts: 500 });
await store.close();
if (seeded.seeded) console.log(`seeded a demo cluster: ${seeded.relations} relations, ${seeded.ssts} SSTs`);
execFileSync(process.execPath, [path.join(projectRoot, 'node_modules/next/dist/bin/next'), 'build'], {
  stdio: 'inherit',
  cwd: projectRoot,
  env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
});
