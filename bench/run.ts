// npm run bench -- [--scale S|L] [--rounds N]: backup speed and memory beside what an operator would use
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
import { settle, settling } from './settle.ts';
import { SEED_SHAPE, seedAtScale } from './seed-fast.ts';
import { BUNDLE_OPTIONS } from './bundle-options.ts';

const SCALES = { S: { relations: 10_000, ssts: 100_000 }, L: { relations: 100_000, ssts: 1_000_000 } } as const;
const { values } = parseArgs({
  options: { scale: { type: 'string', default: 'S' }, rounds: { type: 'string', default: '3' } },
});
const scaleName = (values.scale ?? 'S').toUpperCase() as keyof typeof SCALES;
if (!(scaleName in SCALES)) throw new Error(`--scale must be S or L, got ${values.scale}`);
const scale = SCALES[scaleName];
const rounds = Number(values.rounds);
if (!Number.isInteger(rounds) || rounds < 1 || rounds > 9)
  throw new Error(`--rounds must be 1 to 9, got ${values.rounds}`);
const here = import.meta.dirname;

interface Sample {
  seconds: number;
  maxRssMb: number | null;
  bytes: number | null;
}

/** One measured thing: a sample per round. */
interface Figure {
  name: string;
  samples: Sample[];
}

function run(
  command: string,
  args: string[],
  options: { stdinFrom?: ReturnType<typeof spawn> } = {},
): Promise<{ stdout: string; seconds: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { stdio: [options.stdinFrom ? 'pipe' : 'ignore', 'pipe', 'inherit'] });
    if (options.stdinFrom) options.stdinFrom.stdout!.pipe(child.stdin!);
    let stdout = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve({ stdout, seconds: (performance.now() - started) / 1000 })
        : reject(new Error(`${command} ${args.join(' ')} exited with ${code}`)),
    );
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
  ...BUNDLE_OPTIONS,
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
  const existing = await client.query<{ shape: string | null }>(
    "SELECT shobj_description(oid, 'pg_database') AS shape FROM pg_database WHERE datname = $1",
    [dbName],
  );
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
  await warmUp.upload(
    'warm-up',
    (async function* () {
      yield Buffer.alloc(9 * 1024 * 1024); // above one part: multipart
    })(),
  );
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
  // Each round measures every figure once, one after another, so the ratios of a round compare
  // runs minutes apart at most; a round's own snapshot and uploads are deleted after it, so every
  // round starts from the same manifest and bucket. The last round's are kept for the checks.
  const manager = new BackupManager({ meta });
  const backupFigures = [
    'COPY every backed-up table to /dev/null (raw read limit)',
    'our read and encode, to /dev/null',
    'our backup to S3',
    'pg_dump -Fc | upload to S3',
    'pg_dump -Fp (plain SQL, uncompressed like our format) | upload to S3',
    'one multipart upload of the same bytes (raw upload limit)',
  ].map(figure);
  const [copyFigure, readFigure, backupFigure, dumpFigure, plainDumpFigure, rawFigure] = backupFigures as [
    Figure,
    Figure,
    Figure,
    Figure,
    Figure,
    Figure,
  ];
  /** pg_dump in `format` piped into one upload to the bucket: what an operator would run instead. */
  const dumpToBucket = async (format: '-Fc' | '-Fp'): Promise<Sample & { key: string }> => {
    const dump = spawn('pg_dump', [format, url], { stdio: ['ignore', 'pipe', 'inherit'] });
    const key = `pg_dump/${randomUUID()}.${format === '-Fc' ? 'dump' : 'sql'}`;
    const piped = await run(process.execPath, [...nodeArgs('upload-stdin.ts'), bucketUrl, key], { stdinFrom: dump });
    const upload = lastJson(piped.stdout);
    return { key, seconds: piped.seconds, maxRssMb: upload.maxRssMb, bytes: upload.bytes };
  };
  let backup: Sample & { id: string; bytes: number } = { id: '', bytes: 0, seconds: 0, maxRssMb: null };
  let dumpKey = '';
  for (let round = 1; round <= rounds; round++) {
    // The raw read limit: COPY of every backed-up table, text format, to /dev/null.
    // One psql session for all tables, so process starts are not counted per table.
    await settle();
    const copySeconds = (
      await run('psql', [
        '-Atq',
        url,
        ...SNAPSHOT_SECTIONS.flatMap(({ table }) => ['-c', `\\copy "${table}" to '/dev/null'`]),
      ])
    ).seconds;
    copyFigure.samples.push({ seconds: copySeconds, maxRssMb: null, bytes: null });
    await settle();
    readFigure.samples.push(lastJson((await node('backup-once.ts', url, '--read-only')).stdout));
    await settle();
    backup = lastJson((await node('backup-once.ts', url)).stdout);
    backupFigure.samples.push(backup);
    await settle();
    const dump = await dumpToBucket('-Fc');
    dumpKey = dump.key;
    dumpFigure.samples.push(dump);
    await settle();
    const plainDump = await dumpToBucket('-Fp');
    plainDumpFigure.samples.push(plainDump);
    const rawKey = `raw/${randomUUID()}`;
    await settle();
    rawFigure.samples.push(
      lastJson((await node('upload-stdin.ts', bucketUrl, rawKey, '--bytes', String(backup.bytes))).stdout),
    );
    const objects = openObjectStore(bucketUrl);
    await objects.deleteMany(round < rounds ? [rawKey, dumpKey, plainDump.key] : [rawKey, plainDump.key]);
    await objects.close();
    if (round < rounds) await manager.deleteSnapshots([BigInt(backup.id)]);
    console.error(
      `round ${round} of ${rounds}: ${backupFigures.map((f) => f.samples.at(-1)!.seconds.toFixed(2)).join(' / ')} s`,
    );
  }

  // RisingWave's manifest lists every snapshot's SSTs and each backup rewrites it, so a backup's
  // cost grows with the snapshots kept: two more backups, with one and then two kept.
  const withKept: (Sample & { id: string; cpuSeconds: number })[] = [];
  for (let kept = 1; kept <= 2; kept++) {
    await settle();
    withKept.push(lastJson((await node('backup-once.ts', url)).stdout));
  }
  const manifestStore = openObjectStore(bucketUrl);
  const manifestMb = ((await manifestStore.head('bench/manifest.json'))?.size ?? 0) / 1e6;
  await manifestStore.close();
  await manager.deleteSnapshots(withKept.map((s) => BigInt(s.id)));

  // 64-bit values come back exact: the snapshot verifies against its entry, and its largest
  // SST object id (above 2^53) equals the database's, compared as text.
  const verification = await manager.verifySnapshot(BigInt(backup.id));
  const entry = await manager.getSnapshot(BigInt(backup.id));
  const maxInDb = (
    (await meta.prisma.$queryRawUnsafe('SELECT max(object_id)::text AS m FROM hummock_sstable_info')) as { m: string }[]
  )[0]!.m;
  // biome-ignore lint/complexity/useMathMinMax: bigints; Math.max takes numbers.
  const maxInSnapshot = (await manager.snapshotSstIds(entry.id)).reduce((a, b) => (b > a ? b : a), 0n).toString();
  await manager.close();
  await meta.close();

  // Restore into empty databases: ours from the snapshot, pg_restore from the same database's
  // dump, read from the same bucket and from a local file; rounds as above.
  const restoreFigures = [
    'our restore of the snapshot from S3',
    'download from S3 | pg_restore',
    'pg_restore of a local dump file',
  ].map(figure);
  const [oursFigure, viaS3, local] = restoreFigures as [Figure, Figure, Figure];
  const dumpFile = path.join(os.tmpdir(), `bench-${randomUUID()}.dump`);
  await run('pg_dump', ['-Fc', '-f', dumpFile, url]);
  let restoredRows = 0;
  for (let round = 1; round <= rounds; round++) {
    const target = await emptyDatabase(process.env.PG_URL!, 'bench_restore_ours');
    await settle();
    const ours = lastJson((await node('restore-once.ts', url, backup.id, target)).stdout);
    restoredRows = ours.rows as number;
    oursFigure.samples.push(ours);
    const pgRestoreTarget = await emptyDatabase(process.env.PG_URL!, 'bench_restore_pg');
    await settle();
    const download = spawn(process.execPath, [...nodeArgs('download-stdout.ts'), bucketUrl, dumpKey], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    viaS3.samples.push({
      seconds: (await run('pg_restore', ['-d', pgRestoreTarget], { stdinFrom: download })).seconds,
      maxRssMb: null,
      bytes: null,
    });
    const localTarget = await emptyDatabase(process.env.PG_URL!, 'bench_restore_pg');
    await settle();
    local.samples.push({
      seconds: (await run('pg_restore', ['-d', localTarget, dumpFile])).seconds,
      maxRssMb: null,
      bytes: null,
    });
    console.error(
      `restore round ${round} of ${rounds}: ${restoreFigures.map((f) => f.samples.at(-1)!.seconds.toFixed(2)).join(' / ')} s`,
    );
  }
  fs.rmSync(dumpFile, { force: true });
  const restoredMax = await maxObjectId(admin, 'bench_restore_ours');
  // Leaves the S3 server as it was.
  const cleanup = openObjectStore(bucketUrl);
  const keys: string[] = [];
  for await (const object of listAll(cleanup, '')) keys.push(object.key);
  await cleanup.deleteMany(keys);
  await cleanup.close();
  const sourceRows = await totalRows(url);

  const roundsNote =
    rounds > 1
      ? `median of ${rounds} rounds; a ratio is the median of the rounds' own ratios, peak RSS the highest of the rounds (each round's in brackets)`
      : 'one round';
  console.log(
    `\n### Backup at ${scaleName} (${scale.relations.toLocaleString('en-US')} relations, ${scale.ssts.toLocaleString('en-US')} SSTs), PostgreSQL → S3 (radosgw), ${new Date().toISOString().slice(0, 10)}, ${roundsNote}\n`,
  );
  console.log(
    '| what | wall s | each round s | peak RSS MB | bytes out | × pg_dump -Fc \\| upload | × pg_dump -Fp \\| upload | × raw COPY |',
  );
  console.log('|---|---|---|---|---|---|---|---|');
  for (const f of backupFigures) {
    const bytes = f.samples[0]!.bytes;
    console.log(
      `| ${cell(f.name)} | ${median(f.samples.map((x) => x.seconds)).toFixed(2)} | ${eachRound(f)} | ${peakRss(f)} | ${bytes === null ? '–' : `${(bytes / 1e6).toFixed(1)} MB`} | ${ratio(f, dumpFigure)} | ${ratio(f, plainDumpFigure)} | ${ratio(f, copyFigure)} |`,
    );
  }
  const medianSeconds = (f: Figure) => median(f.samples.map((x) => x.seconds));
  for (const [index, s] of withKept.entries()) {
    console.log(
      `| our backup with ${index + 1} such snapshot${index ? 's' : ''} kept (a new process: reads the manifest first${index ? `, after which the manifest is ${manifestMb.toFixed(0)} MB` : ''}) | ${s.seconds.toFixed(2)} | – | ${mb(s.maxRssMb)} | ${(s.bytes! / 1e6).toFixed(1)} MB | ${(s.seconds / medianSeconds(dumpFigure)).toFixed(2)} | ${(s.seconds / medianSeconds(plainDumpFigure)).toFixed(2)} | – |`,
    );
  }
  const store = await query<{ bytes: string }>(url, 'SELECT pg_database_size(current_database())::text AS bytes');
  console.log(
    `\nThe meta store: ${sourceRows.toLocaleString('en-US')} rows backed up, ${(Number(store.bytes) / 1e6).toFixed(0)} MB on disk (${SEED_SHAPE}); the snapshot is ${(backup.bytes / dumpFigure.samples[0]!.bytes!).toFixed(1)}× its \`pg_dump -Fc\` and ${(backup.bytes / plainDumpFigure.samples[0]!.bytes!).toFixed(2)}× its \`pg_dump -Fp\`.`,
  );
  console.log(
    `\nBefore each measurement the machine settled (at least 90% idle for a second): ${(settling.waitedMs / 1000).toFixed(0)} s in all${settling.timeouts ? `, ${settling.timeouts} times not within 30 s` : ''}.`,
  );
  console.log(
    `\nsnapshot ${backup.id} verified: ${verification.ok ? 'ok' : verification.problems.join('; ')}; largest SST object id in the database ${maxInDb}, in the snapshot ${maxInSnapshot}: ${maxInDb === maxInSnapshot ? 'exact' : 'DIFFERENT'}`,
  );

  console.log(`\n### Restore at ${scaleName} into an empty PostgreSQL, ${roundsNote}\n`);
  console.log(
    '| what | wall s | each round s | peak RSS MB | × download \\| pg_restore | × pg_restore of a local file |',
  );
  console.log('|---|---|---|---|---|---|');
  for (const f of restoreFigures)
    console.log(
      `| ${cell(f.name)} | ${median(f.samples.map((x) => x.seconds)).toFixed(2)} | ${eachRound(f)} | ${peakRss(f)} | ${ratio(f, viaS3)} | ${ratio(f, local)} |`,
    );
  console.log(
    `\nrestored ${restoredRows} rows (the source holds ${sourceRows}); largest SST object id restored ${restoredMax}: ${restoredMax === maxInDb ? 'exact' : 'DIFFERENT'}`,
  );
  if (!verification.ok || maxInDb !== maxInSnapshot || restoredMax !== maxInDb || restoredRows !== sourceRows)
    process.exitCode = 1;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
const figure = (name: string): Figure => ({ name, samples: [] });
/** A Markdown table cell: a `|` in it would end the cell. */
const cell = (text: string) => text.replaceAll('|', '\\|');
const eachRound = (f: Figure) => f.samples.map((x) => x.seconds.toFixed(2)).join(' / ');
const ratio = (f: Figure, base: Figure) =>
  median(f.samples.map((x, i) => x.seconds / base.samples[i]!.seconds)).toFixed(2);
/** The highest round's peak RSS, then every round's: garbage collection timing moves a round's peak by ±15 MB. */
const peakRss = (f: Figure) => {
  if (f.samples.every((x) => x.maxRssMb === null)) return '–';
  const each = f.samples.map((x) => mb(x.maxRssMb));
  return `${mb(Math.max(...f.samples.map((x) => x.maxRssMb ?? 0)))}${each.length > 1 ? ` (${each.join(' / ')})` : ''}`;
};
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
