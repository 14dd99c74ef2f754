// Prepares the two browser test targets: SQLite + fs:// and PostgreSQL + the S3 server, each a
// seeded meta store whose backup storage is a fresh location. Writes e2e/.targets.json.
// Usage: node --import tsx e2e/prepare.ts WORK_DIR (needs TEST_POSTGRES_URL and S3_* from npm test)
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { openMetaStore } from '../lib/meta/client.ts';
import { seedDemoCluster } from '../lib/meta/demo-cluster.ts';
import { migrateMetaStore } from '../lib/meta/migrate.ts';
import { freshBucketUrl } from '../test/support/services.ts';

const work = path.resolve(process.argv[2]!);
const admin = new URL(process.env.TEST_POSTGRES_URL!);
const client = new pg.Client({ connectionString: admin.toString() });
await client.connect();
await client.query('DROP DATABASE IF EXISTS e2e');
await client.query('CREATE DATABASE e2e');
await client.end();
admin.pathname = '/e2e';

// Each target keeps its console files (the first admin's password, the auth secret) apart.
const targets = [
  {
    name: 'sqlite-fs',
    port: 3101,
    databaseUrl: `file:${path.join(work, 'e2e-meta.db')}`,
    backupUrl: `fs://${path.join(work, 'e2e-backup')}`,
    dataDir: path.join(work, 'e2e-data-sqlite'),
  },
  {
    name: 'postgresql-s3',
    port: 3102,
    databaseUrl: admin.toString(),
    backupUrl: await freshBucketUrl(),
    dataDir: path.join(work, 'e2e-data-postgresql'),
  },
];
for (const target of targets) {
  await migrateMetaStore(target.databaseUrl);
  const meta = openMetaStore(target.databaseUrl);
  await seedDemoCluster(meta.prisma, {
    relations: 120,
    ssts: 800,
    backupStorageUrl: target.backupUrl,
    backupStorageDirectory: 'hummock_001/backup',
  });
  await meta.close();
}
fs.writeFileSync(path.join(import.meta.dirname, '.targets.json'), JSON.stringify(targets, null, 2));
console.log(`prepared ${targets.map((t) => t.name).join(', ')}`);
