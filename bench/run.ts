// npm run bench -- [--scale S|L]: backup speed and memory beside what an operator would use
// instead, measured in one run on this machine (PostgreSQL and the S3 server on loopback).
// Prints a Markdown table; ratios compare figures of the same run.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import pg from 'pg';
import { BackupManager } from '../lib/backup/backup-manager.ts';
import { openMetaStore } from '../lib/meta/client.ts';
import { migrateMetaStore } from '../lib/meta/migrate.ts';
import { SNAPSHOT_SECTIONS } from '../lib/meta/models.ts';
import { listAll, openObjectStore } from '../lib/object-store/index.ts';
import { freshBucketUrl } from '../test/support/services.ts';
import { emptyDatabase } from './databases.ts';
import { SEED_SHAPE, seedAtScale } from './seed-fast.ts';

const SCALES = { S: { relations: 10_000, ssts: 100_000 }, L: { relations: 100_000, ssts: 1_000_000 } } as const;
const { values } = parseArgs({ options: { scale: { type: 'string', default: 'S' } } });
const scaleName = (values.scale ?? 'S').toUpperCase() as keyof typeof SCALES;
if (!(scaleName in SCALES)) throw new Error(`--scale must be S or L, got ${values.scale}`);
const scale = SCALES[scaleName];
const here = import.meta.dirname;

interface Figure {
  name: string;
  seconds: number;
  maxRssMb: number | null;
  bytes: number | null;
}

function run(command: string, args: string[], options: { stdinFrom?: ReturnType<typeof spawn> } = {}): Promise<{ stdout: string; seconds: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { stdio: [options.stdinFrom ? 'pipe' : 'ignore', 'pipe', 'inherit'] });
    if (options.stdinFrom) options.stdinFrom.stdout!.pipe(child.stdin!);
    let stdout = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve({ stdout, seconds: (performance.now() - started) / 1000 }) : reject(new Error(`${command} ${args.join(' ')} exited with ${code}`))));
  });
}

// The measured processes run as compiled JavaScript, as the product's server build does: under
// tsx, its loader thread alone adds about 37 MB to every process's peak RSS.
const CHILDREN = ['backup-once.ts', 'restore-once.ts', 'upload-stdin.ts', 'download-stdout.ts'];
const compiled = path.join(here, '.build');
await build({
  entryPoints: CHILDREN.map((script) => path.join(here, script)),
  outdir: compiled,
  outExtension: { '.js': '.mjs' },
  bundle: true,
  packages: 'external',
  platform: 'node',
  format: 'esm',
  target: 'node20',
  logLevel: 'warning',
});
const nodeArgs = (script: string) => [path.join(compiled, script.replace(/\.ts$/, '.mjs'))];
const node = (script: string, ...args: string[]) => run(process.execPath, [...nodeArgs(script), ...args]);
const lastJson = (stdout: string) => JSON.parse(stdout.trim().split('\n').at(-1)!);

async function main() {
  const admin = new URL(process.env.PG_URL!);
  const dbName = `bench_${scaleName.toLowerCase()}`;
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  // A database seeded by an earlier shape of the seed is seeded again.
  const existing = await client.query<{ shape: string | null }>("SELECT shobj_description(oid, 'pg_database') AS shape FROM pg_database WHERE datname = $1", [dbName]);
  if (existing.rowCount && existing.rows[0]!.shape !== SEED_SHAPE) await client.query(`DROP DATABASE ${dbName}`);
  if (!existing.rowCount || existing.rows[0]!.shape !== SEED_SHAPE) {
    await client.query(`CREATE DATABASE ${dbName}`);
    await client.query(`COMMENT ON DATABASE ${dbName} IS '${SEED_SHAPE}'`);
  }
  await client.end();
  admin.pathname = `/${dbName}`;
  const url = admin.toString();
  const bucketUrl = await freshBucketUrl();
  // A fresh S3 server creates its data pools on the first object and the first multipart
  // upload written: a few seconds no measurement should carry.
  const warmUp = openObjectStore(bucketUrl);
  await warmUp.upload('warm-up', (async function* () {
    yield Buffer.alloc(9 * 1024 * 1024); // above one part: multipart
  })());
  await warmUp.deleteMany(['warm-up']);
  await warmUp.close();
  await migrateMetaStore(url);
  const meta = openMetaStore(url);
  if ((await meta.prisma.cluster.count()) === 0) {
    const started = performance.now();
    console.error(`seeding ${scaleName}: ${scale.relations} relations, ${scale.ssts} SSTs…`);
    await seedAtScale(url, scale.relations, scale.ssts, { url: bucketUrl, directory: 'bench' });
    console.error(`seeded in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  } else {
    await meta.prisma.systemParameter.update({ where: { name: 'backup_storage_url' }, data: { value: bucketUrl } });
  }
  const figures: Figure[] = [];

  // The raw read limit: COPY of every backed-up table, text format, to /dev/null.
  // One psql session for all tables, so process starts are not counted per table.
  const copySeconds = (await run('psql', ['-Atq', url, ...SNAPSHOT_SECTIONS.flatMap(({ table }) => ['-c', `\\copy "${table}" to '/dev/null'`])])).seconds;
  figures.push({ name: 'COPY every backed-up table to /dev/null (raw read limit)', seconds: copySeconds, maxRssMb: null, bytes: null });

  const readOnly = lastJson((await node('backup-once.ts', url, '--read-only')).stdout);
  figures.push({ name: 'our read and encode, to /dev/null', ...readOnly });

  const backup = lastJson((await node('backup-once.ts', url)).stdout);
  figures.push({ name: 'our backup to S3', ...backup });

  const dump = spawn('pg_dump', ['-Fc', url], { stdio: ['ignore', 'pipe', 'inherit'] });
  const dumpKey = `pg_dump/${randomUUID()}.dump`;
  const piped = await run(process.execPath, [...nodeArgs('upload-stdin.ts'), bucketUrl, dumpKey], { stdinFrom: dump });
  const upload = lastJson(piped.stdout);
  figures.push({ name: 'pg_dump -Fc | upload to S3', seconds: piped.seconds, maxRssMb: upload.maxRssMb, bytes: upload.bytes });

  const raw = lastJson((await node('upload-stdin.ts', bucketUrl, `raw/${randomUUID()}`, '--bytes', String(backup.bytes))).stdout);
  figures.push({ name: 'one multipart upload of the same bytes (raw upload limit)', ...raw });

  // 64-bit values come back exact: the snapshot verifies against its entry, and its largest
  // SST object id (above 2^53) equals the database's, compared as text.
  const manager = new BackupManager({ meta });
  const verification = await manager.verifySnapshot(BigInt(backup.id));
  const entry = await manager.getSnapshot(BigInt(backup.id));
  const maxInDb = ((await meta.prisma.$queryRawUnsafe('SELECT max(object_id)::text AS m FROM hummock_sstable_info')) as { m: string }[])[0]!.m;
  const maxInSnapshot = entry.ssts.reduce((a, b) => (b > a ? b : a), 0n).toString();
  await manager.close();
  await meta.close();

  // Restore into empty databases: ours from the snapshot, pg_restore from the same database's
  // dump, read from the same bucket and from a local file.
  const restores: Figure[] = [];
  const ours = lastJson((await node('restore-once.ts', url, backup.id, await emptyDatabase(process.env.PG_URL!, 'bench_restore_ours'))).stdout);
  restores.push({ name: 'our restore of the snapshot from S3', ...ours });
  const download = spawn(process.execPath, [...nodeArgs('download-stdout.ts'), bucketUrl, dumpKey], { stdio: ['ignore', 'pipe', 'inherit'] });
  const pgRestoreTarget = await emptyDatabase(process.env.PG_URL!, 'bench_restore_pg');
  restores.push({ name: 'download from S3 | pg_restore', seconds: (await run('pg_restore', ['-d', pgRestoreTarget], { stdinFrom: download })).seconds, maxRssMb: null, bytes: upload.bytes });
  const dumpFile = path.join(os.tmpdir(), `bench-${randomUUID()}.dump`);
  await run('pg_dump', ['-Fc', '-f', dumpFile, url]);
  restores.push({ name: 'pg_restore of a local dump file', seconds: (await run('pg_restore', ['-d', await emptyDatabase(process.env.PG_URL!, 'bench_restore_pg'), dumpFile])).seconds, maxRssMb: null, bytes: null });
  fs.rmSync(dumpFile, { force: true });
  const restoredMax = await maxObjectId(admin, 'bench_restore_ours');
  // Leaves the S3 server as it was.
  const cleanup = openObjectStore(bucketUrl);
  const keys: string[] = [];
  for await (const object of listAll(cleanup, '')) keys.push(object.key);
  await cleanup.deleteMany(keys);
  await cleanup.close();
  const restoredRows = ours.rows as number;
  const sourceRows = await totalRows(url);

  const base = figures.find((f) => f.name.startsWith('pg_dump'))!;
  const copy = figures[0]!;
  console.log(`\n### Backup at ${scaleName} (${scale.relations.toLocaleString('en-US')} relations, ${scale.ssts.toLocaleString('en-US')} SSTs), PostgreSQL → S3 (radosgw), ${new Date().toISOString().slice(0, 10)}\n`);
  console.log('| what | wall s | peak RSS MB | bytes out | × pg_dump -Fc \\| upload | × raw COPY |');
  console.log('|---|---|---|---|---|---|');
  for (const f of figures) {
    console.log(`| ${f.name} | ${f.seconds.toFixed(2)} | ${mb(f.maxRssMb)} | ${f.bytes === null ? '–' : (f.bytes / 1e6).toFixed(1) + ' MB'} | ${(f.seconds / base.seconds).toFixed(2)} | ${(f.seconds / copy.seconds).toFixed(2)} |`);
  }
  const store = await query<{ bytes: string }>(url, 'SELECT pg_database_size(current_database())::text AS bytes');
  console.log(`\nThe meta store: ${sourceRows.toLocaleString('en-US')} rows backed up, ${(Number(store.bytes) / 1e6).toFixed(0)} MB on disk (${SEED_SHAPE}); the snapshot is ${(backup.bytes / upload.bytes).toFixed(1)}× its \`pg_dump -Fc\`.`);
  console.log(`\nsnapshot ${backup.id} verified: ${verification.ok ? 'ok' : verification.problems.join('; ')}; largest SST object id in the database ${maxInDb}, in the snapshot ${maxInSnapshot}: ${maxInDb === maxInSnapshot ? 'exact' : 'DIFFERENT'}`);

  const [viaS3, local] = [restores[1]!, restores[2]!];
  console.log(`\n### Restore at ${scaleName} into an empty PostgreSQL\n`);
  console.log('| what | wall s | peak RSS MB | × download \\| pg_restore | × pg_restore of a local file |');
  console.log('|---|---|---|---|---|');
  for (const f of restores) console.log(`| ${f.name} | ${f.seconds.toFixed(2)} | ${mb(f.maxRssMb)} | ${(f.seconds / viaS3.seconds).toFixed(2)} | ${(f.seconds / local.seconds).toFixed(2)} |`);
  console.log(`\nrestored ${restoredRows} rows (the source holds ${sourceRows}); largest SST object id restored ${restoredMax}: ${restoredMax === maxInDb ? 'exact' : 'DIFFERENT'}`);
  if (!verification.ok || maxInDb !== maxInSnapshot || restoredMax !== maxInDb || restoredRows !== sourceRows) process.exitCode = 1;
}

const mb = (value: number | null) => (value === null ? '–' : value.toFixed(0));

async function query<T>(url: string, sql: string): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows[0] as T;
  } finally {
    await client.end();
  }
}

async function maxObjectId(admin: URL, database: string): Promise<string> {
  const url = new URL(admin);
  url.pathname = `/${database}`;
  return (await query<{ m: string }>(url.toString(), 'SELECT max(object_id)::text AS m FROM hummock_sstable_info')).m;
}

async function totalRows(url: string): Promise<number> {
  const counts = SNAPSHOT_SECTIONS.map(({ table }) => `(SELECT count(*) FROM "${table}")`).join(' + ');
  return Number((await query<{ n: string }>(url, `SELECT (${counts})::text AS n`)).n);
}

await main();
