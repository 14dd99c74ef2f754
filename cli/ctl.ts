// npm run --silent ctl -- COMMAND [options]: the backup manager for scripts.
// The meta store is DATABASE_URL (default: the embedded SQLite file), migrated if needed.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { BackupManager, type BackupJob } from '../lib/backup/backup-manager.ts';
import { isBackupError } from '../lib/backup/errors.ts';
import { idListSchema, idSchema, storageConfigSchema } from '../lib/backup/validation.ts';
import { openMetaStore } from '../lib/meta/client.ts';
import { databaseUrl } from '../lib/meta/database-url.ts';
import { migrateMetaStore } from '../lib/meta/migrate.ts';
import { toJson } from '../lib/backup/json-view.ts';

const USAGE = `usage: npm run --silent ctl -- COMMAND [--json]

commands:
  backup [--remarks R] [--wait]   start a backup job (with --wait: follow it, exit 1 unless it succeeds)
  status JOB_ID                   a job's status
  jobs [--limit N]                job history, newest first
  cancel JOB_ID                   cancel a running job
  snapshots                       the manifest's snapshots
  show SNAPSHOT_ID                one snapshot's manifest entry
  delete ID...                    delete snapshots (unknown ids are fine)
  pinned-ssts [--after ID] [--limit N]
                                  SST object ids pinned by snapshots, with their snapshots
  config get                      the backup storage location
  config set [--url U] [--dir D]  change it (the new location is checked first)

options:
  --json                          machine-readable output on stdout`;

class UsageError extends Error {}

const { values: flags, positionals } = (() => {
  try {
    return parseArgs({
      allowPositionals: true,
      options: {
        json: { type: 'boolean', default: false },
        remarks: { type: 'string' },
        wait: { type: 'boolean', default: false },
        limit: { type: 'string' },
        after: { type: 'string' },
        url: { type: 'string' },
        dir: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
})();

const json = flags.json;
const print = (human: string, data: unknown) => console.log(json ? toJson(data) : human);

function parseId(text: string | undefined, what: string): bigint {
  if (text === undefined) throw new UsageError(`missing ${what}`);
  const parsed = idSchema.safeParse(text);
  if (!parsed.success) throw new UsageError(parsed.error.issues[0]!.message);
  return parsed.data;
}

function parseLimit(text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text) || Number(text) < 1) throw new UsageError(`--limit must be a positive integer, got "${text}"`);
  return Number(text);
}

const bytes = (n: bigint | null) => (n === null ? '–' : n < 1024n ? `${n} B` : n < 1024n ** 2n ? `${(Number(n) / 1024).toFixed(1)} KiB` : `${(Number(n) / 1024 ** 2).toFixed(1)} MiB`);

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}

function jobLine(job: BackupJob): string {
  const seconds = (job.durationMs / 1000).toFixed(1);
  const detail = job.status === 'RUNNING' ? `${job.rowsWritten} rows, ${bytes(job.bytesWritten)} written` : job.error ?? `${bytes(job.snapshotBytes)}`;
  return `job ${job.id}: ${job.status} after ${seconds} s (${detail})`;
}

function spawnWorker(id: bigint): void {
  // Detached, so the job goes on after this command exits; if the worker never starts,
  // the job's lease runs out and it is marked FAILED.
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'backup-worker.ts'), id.toString()], {
    detached: true,
    stdio: 'ignore',
    env: process.env,
  });
  child.unref();
}

async function run(manager: BackupManager): Promise<number> {
  const [command, ...args] = positionals;
  switch (command) {
    case 'backup': {
      const id = await manager.startBackupJob({ remarks: flags.remarks, startedBy: `cli:${process.env.USER ?? 'unknown'}`, detach: !flags.wait });
      if (!flags.wait) {
        spawnWorker(id);
        print(`started backup job ${id}`, { job_id: id, status: 'RUNNING' });
        return 0;
      }
      const onSignal = () => void manager.cancelJob(id).catch(() => undefined);
      process.once('SIGINT', onSignal);
      const job = await manager.waitForJob(id, {
        pollMs: 1000,
        onProgress: (j) => {
          if (!json && j.status === 'RUNNING') process.stderr.write(`\rjob ${id}: ${j.rowsWritten} rows, ${bytes(j.bytesWritten)} written`);
        },
      });
      process.off('SIGINT', onSignal);
      if (!json) process.stderr.write('\n');
      print(jobLine(job), job);
      return job.status === 'SUCCEEDED' ? 0 : 1;
    }
    case 'status': {
      const status = await manager.getJobStatus(parseId(args[0], 'JOB_ID'));
      const job = await manager.getJob(status.id);
      print(job ? jobLine(job) : `job ${status.id}: NOT_FOUND`, job ?? status);
      return status.status === 'NOT_FOUND' ? 1 : 0;
    }
    case 'jobs': {
      const jobs = await manager.listJobs({ limit: parseLimit(flags.limit, 50) });
      const rows = [['ID', 'STATUS', 'STARTED', 'DURATION', 'SIZE', 'BY', 'REMARKS / ERROR']];
      for (const j of jobs) rows.push([j.id.toString(), j.status, j.startedAt.toISOString(), `${(j.durationMs / 1000).toFixed(1)} s`, bytes(j.snapshotBytes), j.startedBy, j.error ?? j.remarks ?? '']);
      print(jobs.length ? table(rows) : 'no backup jobs yet', jobs);
      return 0;
    }
    case 'cancel': {
      const job = await manager.cancelJob(parseId(args[0], 'JOB_ID'));
      print(`cancelling job ${job.id}`, job);
      return 0;
    }
    case 'snapshots': {
      const manifest = await manager.manifest();
      const rows = [['ID', 'CREATED', 'HUMMOCK VERSION', 'SSTS', 'SIZE', 'VERSION', 'REMARKS']];
      for (const s of manifest.snapshot_metadata) rows.push([s.id.toString(), s.created_at ?? '–', s.hummock_version_id.toString(), String(s.ssts.length), bytes(s.size_bytes ?? null), s.rw_version ?? '–', s.remarks ?? '']);
      print(manifest.snapshot_metadata.length ? table(rows) : 'no snapshots', manifest);
      return 0;
    }
    case 'show': {
      const s = await manager.getSnapshot(parseId(args[0], 'SNAPSHOT_ID'));
      const human = [
        `snapshot ${s.id}`,
        `  created           ${s.created_at ?? '–'}`,
        `  hummock version   ${s.hummock_version_id}`,
        `  format version    ${s.format_version}`,
        `  product version   ${s.rw_version ?? '–'}`,
        `  size              ${bytes(s.size_bytes ?? null)}`,
        `  remarks           ${s.remarks ?? ''}`,
        `  pinned SSTs       ${s.ssts.length}`,
        `  state tables      ${Object.keys(s.state_table_info).length}`,
        ...Object.entries(s.section_counts ?? {}).map(([t, n]) => `  rows ${t.padEnd(26)} ${n}`),
      ].join('\n');
      print(human, s);
      return 0;
    }
    case 'delete': {
      const parsed = idListSchema.safeParse(args);
      if (!parsed.success) throw new UsageError(parsed.error.issues[0]!.message);
      const manifest = await manager.deleteSnapshots(parsed.data);
      print(`deleted; ${manifest.snapshot_metadata.length} snapshots remain`, { deleted: parsed.data, manifest_id: manifest.manifest_id, remaining: manifest.snapshot_metadata.length });
      return 0;
    }
    case 'pinned-ssts': {
      const page = await manager.listPinnedSsts({ after: flags.after === undefined ? undefined : parseId(flags.after, '--after'), limit: parseLimit(flags.limit, 100_000) });
      const human = [`${page.total} pinned SSTs`, ...page.items.map((p) => `${p.objectId}  snapshots ${p.snapshotIds.join(',')}`), ...(page.next === null ? [] : [`more after ${page.next} (--after ${page.next})`])].join('\n');
      print(human, page);
      return 0;
    }
    case 'config': {
      if (args[0] === 'get') {
        const config = await manager.getConfig();
        print(`url        ${config.displayUrl}\ndirectory  ${config.directory}`, { url: config.displayUrl, directory: config.directory });
        return 0;
      }
      if (args[0] === 'set') {
        const parsed = storageConfigSchema.safeParse({ url: flags.url, directory: flags.dir });
        if (!parsed.success) throw new UsageError(parsed.error.issues[0]!.message);
        const result = await manager.setConfig(parsed.data);
        print(`backup storage is now ${result.displayUrl} ${result.directory} (${result.snapshots} snapshots there)`, { url: result.displayUrl, directory: result.directory, snapshots: result.snapshots });
        return 0;
      }
      throw new UsageError('config takes get or set');
    }
    case undefined:
      throw new UsageError('missing COMMAND');
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

async function main(): Promise<number> {
  if (flags.help) {
    console.log(USAGE);
    return 0;
  }
  const url = databaseUrl();
  await migrateMetaStore(url);
  const meta = openMetaStore(url);
  const manager = new BackupManager({ meta });
  try {
    return await run(manager);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`${error.message}\n\n${USAGE}`);
      return 2;
    }
    const message = isBackupError(error) ? error.message : `unexpected error: ${error instanceof Error ? error.message : String(error)}`;
    if (json) console.error(toJson({ error: { code: isBackupError(error) ? error.code : 'INTERNAL', message } }));
    else console.error(`error: ${message}`);
    return 1;
  } finally {
    await manager.close();
    await meta.close();
  }
}

process.exitCode = await main();
