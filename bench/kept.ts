// npm run bench -- --kept 0,10,100 [--scale S|L] [--limit-seconds N] [--rss-limit-mb N]: the cost of
// kept snapshots, on the embedded default (a SQLite meta store, an fs:// store in a temporary
// directory). For each K the store gets K kept snapshots made directly (bench/kept-store.ts: real
// SST id sets, 10% churn between neighbours, objects from the product's encoder, the manifest
// from its writer), then, each in its own process: one CLI delete of the oldest kept snapshot
// (K → K − 1), one CLI backup (back to K), and the console (`next start`; needs `next build`)
// with its pages, the pinned-SST list and the GC filter on 10,000 candidates. A process that
// fails, outgrows the RSS limit or the time limit is killed and its figure printed as the error.
// Prints one Markdown table. The seeded meta store is kept in $TMPDIR/mbc-kept-seed/ for reuse.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { BackupManager } from '../lib/backup/backup-manager.ts';
import { openMetaStore } from '../lib/meta/client.ts';
import { migrateMetaStore } from '../lib/meta/migrate.ts';
import { openObjectStore } from '../lib/object-store/index.ts';
import { parseManifest } from '../lib/backup/manifest-parse.ts';
import { readManifest } from '../lib/backup/manifest-stream.ts';
import { type ConsoleFigures, measureConsole } from './kept-console.ts';
import { CHURN, type KeptTemplate, writeKeptStore } from './kept-store.ts';
import { SQLITE_SEED_SHAPE, seedSqliteAtScale } from './seed-sqlite.ts';
import { settle, settling } from './settle.ts';
import { runWatched, type Watched } from './watched.ts';
import { BUNDLE_OPTIONS } from './bundle-options.ts';

const SCALES = { S: { relations: 10_000, ssts: 100_000 }, L: { relations: 100_000, ssts: 1_000_000 } } as const;
const { values } = parseArgs({
  options: {
    scale: { type: 'string', default: 'S' },
    kept: { type: 'string', default: '0,10,100' },
    'limit-seconds': { type: 'string', default: '600' },
    'rss-limit-mb': { type: 'string', default: '6000' },
    port: { type: 'string', default: '3918' },
  },
});
const scaleName = (values.scale ?? 'S').toUpperCase() as keyof typeof SCALES;
if (!(scaleName in SCALES)) throw new Error(`--scale must be S or L, got ${values.scale}`);
const scale = SCALES[scaleName];
const keptCounts = values.kept!.split(',').map(Number);
if (keptCounts.some((k) => !Number.isInteger(k) || k < 0 || k > 999))
  throw new Error(`--kept must be counts from 0 to 999, comma separated, got ${values.kept}`);
const limitSeconds = Number(values['limit-seconds']);
const rssLimitMb = Number(values['rss-limit-mb']);
const DIRECTORY = 'bench';
const CANDIDATES = 10_000;
const here = import.meta.dirname;

// The CLI runs as compiled JavaScript, as bench/run.ts runs its processes: under tsx its loader
// thread alone adds about 37 MB to a process's peak RSS. bench/.build/ is two levels below the
// root, as lib/meta/ is, so the bundle finds the migrations where the sources do.
const ctl = path.join(here, '.build', 'ctl.mjs');
await build({
  entryPoints: [path.join(here, '..', 'cli', 'ctl.ts')],
  outfile: ctl,
  ...BUNDLE_OPTIONS,
});

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'mbc-kept.'));
const url = `file:${path.join(work, 'meta.db')}`;
process.env.FS_STORAGE_ROOTS = work;
const env: NodeJS.ProcessEnv = {
  ...process.env,
  DATABASE_URL: url,
  FS_STORAGE_ROOTS: work,
  CONSOLE_AUTH_SECRET: randomBytes(24).toString('hex'),
  NEXT_TELEMETRY_DISABLED: '1',
};
const runCtl = (...args: string[]) => runWatched(process.execPath, [ctl, ...args], { env, limitSeconds, rssLimitMb });
/** What a `--json` command printed; a failed command ends the bench (before anything is measured). */
const printed = (run: Watched) => {
  if (run.error) throw new Error(`ctl: ${run.error}`);
  return JSON.parse(run.stdout);
};

/** The seeded store, made once per scale and shape and copied for each run (seeding L takes minutes). */
async function seededStore(): Promise<void> {
  const cache = path.join(os.tmpdir(), 'mbc-kept-seed');
  const file = path.join(cache, `${scaleName}.db`);
  const shape = `${SQLITE_SEED_SHAPE}; ${scale.relations} relations, ${scale.ssts} SSTs`;
  const shapeFile = `${file}.shape`;
  if (!fs.existsSync(shapeFile) || fs.readFileSync(shapeFile, 'utf8') !== shape) {
    fs.mkdirSync(cache, { recursive: true });
    for (const suffix of ['', '-wal', '-shm', '.shape']) fs.rmSync(`${file}${suffix}`, { force: true });
    const started = performance.now();
    console.error(`seeding ${scaleName}: ${scale.relations} relations, ${scale.ssts} SSTs…`);
    await migrateMetaStore(`file:${file}`);
    await seedSqliteAtScale(`file:${file}`, scale.relations, scale.ssts, { url: 'fs://seed', directory: DIRECTORY });
    fs.writeFileSync(shapeFile, shape);
    console.error(`seeded in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  fs.copyFileSync(file, path.join(work, 'meta.db'));
  // A seed made before the latest migrations gets them here, before any process opens it.
  await migrateMetaStore(`file:${path.join(work, 'meta.db')}`);
}

interface Row {
  kept: number;
  setupSeconds: number;
  manifestBefore: number;
  backup: Watched;
  jobSeconds: number | null;
  manifestAfter: number;
  rawPutSeconds: number;
  summaryReadSeconds: number;
  delete: Watched | null;
  console: ConsoleFigures;
}

async function main() {
  await seededStore();
  const meta = openMetaStore(url);
  const setStorage = (storageUrl: string) =>
    meta.prisma.systemParameter.update({ where: { name: 'backup_storage_url' }, data: { value: storageUrl } });
  const sequence = async (name: string) =>
    (await meta.prisma.hummockSequence.findUniqueOrThrow({ where: { name } })).seq;

  // One real backup of the seeded store: the kept entries' fields, SSTs and object.
  await setStorage(`fs://${path.join(work, 'template')}`);
  const manager = new BackupManager({ meta });
  const templateId = await manager.startBackupJob({ remarks: 'kept bench template', startedBy: 'bench' });
  const templateJob = await manager.waitForJob(templateId, { pollMs: 50 });
  if (templateJob.status !== 'SUCCEEDED')
    throw new Error(`template backup: ${templateJob.error ?? templateJob.status}`);
  const template: KeptTemplate = {
    // The whole entry (its state tables too), from the one-entry manifest of the template store.
    entry: parseManifest(
      fs.readFileSync(path.join(work, 'template', DIRECTORY, 'manifest.json')),
    ).snapshot_metadata.find((s) => s.id === templateId)!,
    object: path.join(work, 'template', DIRECTORY, `${templateId}.snapshot`),
    nextSstId: await sequence('sstable_object_id'),
  };
  await manager.close();
  // Kept snapshots take the ids after the template's; backups measured here come after them.
  const firstKeptId = await sequence('meta_backup');
  await meta.prisma.hummockSequence.update({ where: { name: 'meta_backup' }, data: { seq: firstKeptId + 1000n } });

  const user = printed(await runCtl('user', 'add', 'bench', '--role', 'viewer', '--json'));
  const token = printed(await runCtl('token', 'create', '--name', 'bench', '--scope', 'read', '--json'));
  await settle();
  const baseline = await runCtl('jobs', '--limit', '1', '--json');

  const rows: Row[] = [];
  for (const kept of keptCounts) {
    const root = path.join(work, `kept-${kept}`);
    let started = performance.now();
    const store = await writeKeptStore(root, DIRECTORY, template, kept, firstKeptId);
    const setupSeconds = (performance.now() - started) / 1000;
    console.error(
      `K=${kept}: ${kept} kept snapshots written in ${setupSeconds.toFixed(1)} s (${mb(store.manifestBytes)} MB manifest)`,
    );
    await setStorage(`fs://${root}`);

    // As retention makes room before a backup: the oldest kept snapshot deleted (K → K − 1), then
    // one backup (K − 1 → K). A backup with 100 kept is refused (RisingWave's limit, MAX_META_SNAPSHOTS).
    let deleted: Watched | null = null;
    if (kept > 0) {
      await settle();
      deleted = await runCtl('delete', String(store.ids[0]), '--json');
      console.error(`K=${kept}: delete ${deleted.error ?? `${deleted.seconds.toFixed(1)} s`}`);
    }

    await settle();
    const backup = await runCtl('backup', '--wait', '--json', '--remarks', `kept bench, K=${kept}`);
    const job = await meta.prisma.backupJob.findFirst({ orderBy: { id: 'desc' } });
    let jobSeconds: number | null = null;
    // The job's own error says more than the process's exit.
    if (backup.error && job?.error) backup.error += `; the job: ${job.error.slice(0, 200)}`;
    if (backup.error === null && job?.finished_at)
      jobSeconds = (job.finished_at.getTime() - job.started_at.getTime()) / 1000;
    else {
      // A killed job would hold the next backup off until its lease ran out.
      await meta.prisma.backupJob.updateMany({
        where: { state: 'RUNNING' },
        data: { state: 'FAILED', error: `bench: ${backup.error}`, finished_at: new Date() },
      });
      await meta.prisma.hummockVersionSafePoint.deleteMany({});
    }
    const manifestFile = path.join(root, DIRECTORY, 'manifest.json');
    const manifestAfter = fs.statSync(manifestFile).size;
    console.error(`K=${kept}: backup ${backup.error ?? `${backup.seconds.toFixed(1)} s`}`);

    // One raw put of the manifest's own bytes, read from its file, to the same store: what
    // copying it costs at least (zeros were written faster than real bytes by this machine's disk).
    await settle();
    const objects = openObjectStore(`fs://${root}`);
    const piece = Buffer.alloc(1 << 20);
    started = performance.now();
    await objects.put(`${DIRECTORY}/raw-put`, {
      chunks: function* () {
        const fd = fs.openSync(manifestFile, 'r');
        try {
          // One buffer, refilled: the store writes each piece before it asks for the next.
          for (let read = fs.readSync(fd, piece); read > 0; read = fs.readSync(fd, piece))
            yield piece.subarray(0, read);
        } finally {
          fs.closeSync(fd);
        }
      },
    });
    const rawPutSeconds = (performance.now() - started) / 1000;
    // One read of the manifest as a new process reads it first: every entry checked, ids counted.
    await settle();
    started = performance.now();
    for await (const _ of readManifest(fs.createReadStream(manifestFile, { highWaterMark: 1 << 20 }), {
      ssts: 'skip',
    })) {
    }
    const summaryReadSeconds = (performance.now() - started) / 1000;
    await objects.deleteMany([`${DIRECTORY}/raw-put`]);
    await objects.close();

    const newest = backup.error === null ? String(job!.id) : String(store.ids.at(-1) ?? templateId);
    const low = template.entry.ssts[0]!;
    const span = store.highestSstId + BigInt(Math.round(template.entry.ssts.length * CHURN)) - low;
    const candidates = Array.from({ length: CANDIDATES }, (_, i) =>
      String(low + (span * BigInt(i)) / BigInt(CANDIDATES)),
    );
    await settle();
    const consoleFigures = await measureConsole({
      env,
      port: Number(values.port),
      user: { username: 'bench', password: user.password },
      token: token.token,
      limitSeconds,
      rssLimitMb,
      requests: [
        { name: 'snapshots page (`/`)', path: '/', targetMs: 100 },
        { name: 'pinned-SST page (`/pinned`)', path: '/pinned', targetMs: 100 },
        { name: "newest snapshot's page (`/snapshots/ID`)", path: `/snapshots/${newest}`, targetMs: 100 },
        { name: '`/api/pinned-ssts?limit=1000`', path: '/api/pinned-ssts?limit=1000', targetMs: 50 },
        {
          name: `\`POST /api/gc/deletable\`, ${CANDIDATES.toLocaleString('en-US')} candidates`,
          path: '/api/gc/deletable',
          targetMs: 50,
          body: { candidates },
        },
      ],
    });
    console.error(`K=${kept}: console ${consoleFigures.error ?? 'measured'}`);
    rows.push({
      kept,
      setupSeconds,
      manifestBefore: store.manifestBytes,
      backup,
      jobSeconds,
      manifestAfter,
      rawPutSeconds,
      summaryReadSeconds,
      delete: deleted,
      console: consoleFigures,
    });
    fs.rmSync(root, { recursive: true, force: true });
  }
  await meta.close();
  fs.rmSync(work, { recursive: true, force: true });
  print(rows, baseline);
}

/** An error as a table cell: the temporary directory's name left out, `|` escaped. */
const clean = (error: string) => error.replaceAll(work, '$WORK').replaceAll('|', '\\|');
const mb = (bytes: number) => (bytes / 1e6).toFixed(1);
const seconds = (s: number) => `${s.toFixed(2)} s`;
const mark = (ok: boolean) => (ok ? ' ✓' : ' ✗');

function print(rows: Row[], baseline: Watched) {
  const atZero = rows.find((r) => r.kept === 0);
  const cells = (cell: (r: Row) => string) => rows.map((r) => cell(r)).join(' | ');
  const line = (what: string, cell: (r: Row) => string, target: string) =>
    console.log(`| ${what} | ${cells(cell)} | ${target} |`);
  const failed = (w: Watched) => `failed: ${clean(w.error!)}`;
  console.log(
    `\n### Kept snapshots at ${scaleName} (${scale.relations.toLocaleString('en-US')} relations, ${scale.ssts.toLocaleString('en-US')} SSTs a snapshot), SQLite + fs://, ${new Date().toISOString().slice(0, 10)}\n`,
  );
  console.log(`| what | ${rows.map((r) => `K = ${r.kept}`).join(' | ')} | target |`);
  console.log(`|---|${rows.map(() => '---|').join('')}---|`);
  line('kept snapshots written by the bench (setup, not measured)', (r) => seconds(r.setupSeconds), '–');
  line('manifest with K kept, MB', (r) => mb(r.manifestBefore), '–');
  line(
    '`ctl delete` of the oldest kept snapshot (K → K − 1): wall',
    (r) => (r.delete === null ? '–' : r.delete.error ? failed(r.delete) : seconds(r.delete.seconds)),
    '–',
  );
  line(
    "delete: the manifest's share (wall − `ctl jobs --limit 1`'s wall), × the raw put below",
    (r) => {
      if (r.delete === null || r.delete.error) return '–';
      const share = r.delete.seconds - baseline.seconds;
      if (share <= 0) return `within noise (${seconds(share)})`;
      return `${seconds(share)} = ${(share / r.rawPutSeconds).toFixed(2)}×${mark(share <= 1.2 * r.rawPutSeconds)}`;
    },
    '≤ 1.2× the raw put',
  );
  line(
    'delete: peak RSS, MB',
    (r) =>
      r.delete?.peakRssMb == null
        ? '–'
        : r.delete.error
          ? `${r.delete.peakRssMb.toFixed(0)} (failed)`
          : `${r.delete.peakRssMb.toFixed(0)}${mark(r.delete.peakRssMb < 250)}`,
    '< 250',
  );
  line(
    '`ctl backup --wait` (K − 1 → K; 0 → 1 at K = 0): wall, process start to exit (it polls its job every 200 ms)',
    (r) => (r.backup.error ? failed(r.backup) : seconds(r.backup.seconds)),
    '–',
  );
  line('backup job (its row: started to finished)', (r) => (r.jobSeconds === null ? '–' : seconds(r.jobSeconds)), '–');
  line('manifest after the backup, MB', (r) => mb(r.manifestAfter), '–');
  line(
    "one raw put of the manifest's bytes (read from its file) to the same store",
    (r) => seconds(r.rawPutSeconds),
    '–',
  );
  line(
    'one read of the manifest as a process reads it first (entries checked, ids counted)',
    (r) => seconds(r.summaryReadSeconds),
    '–',
  );
  line(
    // The wall time, not the job's: the manifest is read before the job starts (the 100-snapshot check) too.
    "backup: the manifest's share (wall − K = 0's wall; ±0.2 s from the polling), × the raw put",
    (r) => {
      if (r.kept === 0 || r.backup.error || !atZero || atZero.backup.error) return '–';
      const share = r.backup.seconds - atZero.backup.seconds;
      if (share <= 0) return `within noise (${seconds(share)})`;
      return `${seconds(share)} = ${(share / r.rawPutSeconds).toFixed(2)}×${mark(share <= 1.2 * r.rawPutSeconds)}`;
    },
    '≤ 1.2× the raw put',
  );
  line(
    'backup: peak RSS, MB',
    (r) => {
      const peak = r.backup.peakRssMb;
      if (peak === null) return '–';
      const base = atZero?.backup.peakRssMb;
      const ok = peak < 250 && (r.kept === 0 || (base != null && peak <= 1.1 * base));
      return r.backup.error ? `${peak.toFixed(0)} (failed)` : `${peak.toFixed(0)}${mark(ok)}`;
    },
    '≤ 1.1× K = 0, and < 250',
  );
  const names = rows.find((r) => r.console.figures.length)?.console.figures.map((f) => f.name) ?? [];
  for (const [index, name] of names.entries()) {
    const target = rows.find((r) => r.console.figures[index])!.console.figures[index]!.targetMs;
    line(
      `console: ${name}, first / p95 ms`,
      (r) => {
        const f = r.console.figures[index];
        if (!f) return r.console.error ? `failed: ${clean(r.console.error)}` : '–';
        if (f.error) return `failed: ${clean(f.error)}`;
        return `${f.firstMs!.toFixed(0)} / ${f.p95Ms!.toFixed(0)}${mark(f.p95Ms! < target)}`;
      },
      `p95 < ${target}`,
    );
  }
  line(
    'console server: peak RSS (its processes), MB',
    (r) =>
      r.console.peakRssMb === null
        ? '–'
        : r.console.error || r.console.figures.some((f) => f.error)
          ? `${r.console.peakRssMb.toFixed(0)} (requests failed)`
          : `${r.console.peakRssMb.toFixed(0)}${mark(r.console.peakRssMb < 1000)}`,
    '< 1,000',
  );
  console.log(
    `\nEach figure is one run. \`ctl jobs --limit 1\` (a CLI process that opens the meta store and reads no manifest) took ${seconds(baseline.seconds)} and peaked at ${baseline.peakRssMb?.toFixed(0) ?? '–'} MB. The CLI runs compiled (esbuild, no tsx loader); peak RSS is the process's VmHWM. Kept snapshots: ${(CHURN * 100).toFixed(0)}% of SSTs replaced between neighbours, the oldest pinning the seeded store's SSTs; each kept entry's object is a hard link to one real snapshot object. Before each measurement the machine settled: ${(settling.waitedMs / 1000).toFixed(0)} s in all${settling.timeouts ? `, ${settling.timeouts} times not within 30 s` : ''}.`,
  );
}

await main();
