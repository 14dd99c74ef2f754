// npm run --silent ctl -- COMMAND [options]: the backup manager for scripts.
// The meta store is DATABASE_URL (default: the embedded SQLite file), migrated if needed.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { BackupManager, type BackupJob } from '../lib/backup/backup-manager.ts';
import { isBackupError } from '../lib/backup/errors.ts';
import { idListSchema, idSchema, storageConfigSchema } from '../lib/backup/validation.ts';
import { openMetaStore } from '../lib/meta/client.ts';
import { databaseUrl } from '../lib/meta/database-url.ts';
import { MetaStoreError, migrateMetaStore } from '../lib/meta/migrate.ts';
import { toJson } from '../lib/backup/json-view.ts';
import { restoreSnapshot } from '../lib/backup/restore.ts';
import { maskUrl } from '../lib/object-store/url.ts';
import { listAuditEvents, settlePendingAudit, type PendingAudit } from '../lib/meta/audit-log.ts';
import type { MetaClient } from '../lib/meta/client.ts';
import { ROLES } from '../lib/auth/roles.ts';
import { createToken, listTokens, parseDuration, revokeToken } from '../lib/auth/tokens.ts';
import { createUser, listUsers, resetPassword, setUserDisabled, setUserRole } from '../lib/auth/users.ts';

const USAGE = `usage: npm run --silent ctl -- COMMAND [--json]

commands:
  backup [--remarks R] [--wait] [--verify]
                                  start a backup job (with --wait: follow it, exit 1 unless it
                                  succeeds; with --verify too: then verify the snapshot)
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
  verify ID [--validate-integrity]
                                  read a snapshot back and check it (and that its SSTs exist)
  diff A B                        relations and SSTs that differ between two snapshots
  orphans [--delete]              objects in the backup directory no snapshot names
  restore --target-url URL --snapshot-id ID [--backup-url U --backup-dir D] [--dry-run]
          [--validate-integrity] [--overwrite-hummock-url U --overwrite-hummock-dir D
           --overwrite-backup-url U --overwrite-backup-dir D]
                                  restore a snapshot into an empty meta store
  user add NAME --role ROLE       add a console user (viewer, operator, admin); prints its password
  user list                       console users
  user disable NAME, user enable NAME
                                  stop (ending its sessions at once) or allow a user's sign-in
  user reset-password NAME        a new random password, printed; the user's sessions end
  user set-role NAME --role ROLE  change a user's role
  token create --name N --scope S [--expires-in D]
                                  an API token (scope read, operate or admin; D like 30d or 12h);
                                  prints only the token, which is shown this once
  token list                      API tokens, with their last use
  token revoke NAME               revoke a token at once
  audit [--limit N]               the audit log, newest first

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
        verify: { type: 'boolean', default: false },
        limit: { type: 'string' },
        after: { type: 'string' },
        url: { type: 'string' },
        dir: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
        'validate-integrity': { type: 'boolean', default: false },
        delete: { type: 'boolean', default: false },
        'target-url': { type: 'string' },
        'snapshot-id': { type: 'string' },
        'backup-url': { type: 'string' },
        'backup-dir': { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        'overwrite-hummock-url': { type: 'string' },
        'overwrite-hummock-dir': { type: 'string' },
        'overwrite-backup-url': { type: 'string' },
        'overwrite-backup-dir': { type: 'string' },
        role: { type: 'string' },
        name: { type: 'string' },
        scope: { type: 'string' },
        'expires-in': { type: 'string' },
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
  const parsed = idSchema.safeParse(text.trim());
  if (!parsed.success) throw new UsageError(parsed.error.issues[0]!.message);
  return parsed.data;
}

function parseLimit(text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text) || Number(text) < 1)
    throw new UsageError(`--limit must be a positive integer, got "${text}"`);
  return Number(text);
}

const bytes = (n: bigint | null) =>
  n === null
    ? '–'
    : n < 1024n
      ? `${n} B`
      : n < 1024n ** 2n
        ? `${(Number(n) / 1024).toFixed(1)} KiB`
        : `${(Number(n) / 1024 ** 2).toFixed(1)} MiB`;

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows
    .map((r) =>
      r
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

function jobLine(job: BackupJob): string {
  const seconds = (job.durationMs / 1000).toFixed(1);
  const detail =
    job.status === 'RUNNING'
      ? `${job.rowsWritten} rows, ${bytes(job.bytesWritten)} written`
      : (job.error ?? `${bytes(job.snapshotBytes)}`);
  return `job ${job.id}: ${job.status} after ${seconds} s (${detail})`;
}

function spawnWorker(id: bigint): void {
  // Detached, so the job goes on after this command exits; if the worker never starts,
  // the job's lease runs out and it is marked FAILED.
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(import.meta.dirname, 'backup-worker.ts'), id.toString()],
    {
      detached: true,
      stdio: 'ignore',
      env: process.env,
    },
  );
  child.unref();
}

/** The CLI holds the meta store's own credentials; it acts as the operating system's user. */
const cliActor = (): string => {
  let name = process.env.USER;
  try {
    name = os.userInfo().username;
  } catch {
    // no passwd entry: keep $USER
  }
  return `cli:${name || 'unknown'}`;
};

/** Runs a mutation with its audit row: "ok" (unless the core wrote it with the change), or the error's code. */
async function audited<T>(
  prisma: MetaClient,
  action: string,
  target: string | null,
  work: (audit: PendingAudit) => Promise<T>,
): Promise<T> {
  const audit: PendingAudit = {
    actor: cliActor(),
    address: null,
    userAgent: 'ctl',
    requestId: randomUUID(),
    action,
    target,
  };
  let result: T;
  try {
    result = await work(audit);
  } catch (error) {
    await settlePendingAudit(prisma, audit, error);
    throw error;
  }
  await settlePendingAudit(prisma, audit);
  return result;
}

function requireRole(text: string | undefined): string {
  if (!text) throw new UsageError(`--role is needed: ${ROLES.join(', ')}`);
  return text;
}

async function runUser(prisma: MetaClient, args: string[]): Promise<number> {
  const [sub, name] = args;
  if (sub === 'list') {
    const users = await listUsers(prisma);
    const rows = [['USER', 'ROLE', 'STATUS', 'SIGN-IN', 'LAST SEEN']];
    for (const u of users)
      rows.push([
        u.username ?? u.email ?? u.name,
        u.role,
        u.disabled ? 'disabled' : 'active',
        u.signIn.join(',') || '–',
        u.lastSeenAt?.toISOString() ?? 'never',
      ]);
    print(table(rows), users);
    return 0;
  }
  if (!name) throw new UsageError(`user ${sub ?? ''} needs a user NAME`.replace('  ', ' '));
  switch (sub) {
    case 'add': {
      const role = requireRole(flags.role);
      const { user, password } = await audited(prisma, 'user.create', name, (audit) =>
        createUser(prisma, { username: name, role }, audit),
      );
      print(`added ${user.username} (${user.role}); password, shown this once:\n${password}`, {
        username: user.username,
        role: user.role,
        password,
      });
      return 0;
    }
    case 'disable':
    case 'enable': {
      await audited(prisma, `user.${sub}`, name, (audit) => setUserDisabled(prisma, name, sub === 'disable', audit));
      print(`${sub}d ${name}`, { username: name, disabled: sub === 'disable' });
      return 0;
    }
    case 'reset-password': {
      const password = await audited(prisma, 'user.reset-password', name, (audit) =>
        resetPassword(prisma, name, audit),
      );
      print(`new password of ${name}, shown this once:\n${password}`, { username: name, password });
      return 0;
    }
    case 'set-role': {
      const role = requireRole(flags.role);
      await audited(prisma, 'user.set-role', name, (audit) => setUserRole(prisma, name, role, audit));
      print(`${name} is now ${role}`, { username: name, role });
      return 0;
    }
    default:
      throw new UsageError('user takes add, list, disable, enable, reset-password or set-role');
  }
}

async function runToken(prisma: MetaClient, args: string[]): Promise<number> {
  const [sub, name] = args;
  switch (sub) {
    case 'create': {
      if (!flags.name || !flags.scope)
        throw new UsageError('token create needs --name and --scope (read, operate or admin)');
      const expiresIn = flags['expires-in'];
      const { token, view } = await audited(prisma, 'token.create', flags.name, (audit) =>
        createToken(
          prisma,
          { name: flags.name!, scope: flags.scope!, expiresInMs: expiresIn ? parseDuration(expiresIn) : null },
          audit,
        ),
      );
      print(token, { token, name: view.name, scope: view.scope, expires_at: view.expiresAt });
      return 0;
    }
    case 'list': {
      const tokens = await listTokens(prisma);
      const now = Date.now();
      const rows = [['NAME', 'SCOPE', 'STATUS', 'CREATED', 'BY', 'EXPIRES', 'LAST USED']];
      for (const t of tokens) {
        const status = t.revokedAt ? 'revoked' : t.expiresAt && t.expiresAt.getTime() <= now ? 'expired' : 'active';
        rows.push([
          t.name,
          t.scope,
          status,
          t.createdAt.toISOString(),
          t.createdBy,
          t.expiresAt?.toISOString() ?? 'never',
          t.lastUsedAt?.toISOString() ?? 'never',
        ]);
      }
      print(tokens.length ? table(rows) : 'no API tokens', tokens);
      return 0;
    }
    case 'revoke': {
      if (!name) throw new UsageError('token revoke needs the token NAME');
      await audited(prisma, 'token.revoke', name, (audit) => revokeToken(prisma, name, audit));
      print(`revoked ${name}`, { name, revoked: true });
      return 0;
    }
    default:
      throw new UsageError('token takes create, list or revoke');
  }
}

async function run(manager: BackupManager, prisma: MetaClient): Promise<number> {
  const [command, ...args] = positionals;
  switch (command) {
    case 'backup': {
      if (flags.verify && !flags.wait) throw new UsageError('--verify needs --wait');
      const id = await audited(prisma, 'job.start', null, (audit) =>
        manager.startBackupJob({ remarks: flags.remarks, startedBy: audit.actor, detach: !flags.wait, audit }),
      );
      if (!flags.wait) {
        spawnWorker(id);
        print(`started backup job ${id}`, { job_id: id, status: 'RUNNING' });
        return 0;
      }
      // Ctrl-C cancels the job; SIGTERM (a shutdown) fails it at once rather than leaving it
      // RUNNING until its lease runs out.
      const onSignal = () => void manager.cancelJob(id).catch(() => undefined);
      const onTerm = () => void manager.shutdown().catch(() => undefined);
      // `on`, not `once`: signal-exit (proper-lockfile) re-raises a signal no other listener handles.
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onTerm);
      const job = await manager.waitForJob(id, {
        pollMs: 1000,
        onProgress: (j) => {
          if (!json && j.status === 'RUNNING')
            process.stderr.write(`\rjob ${id}: ${j.rowsWritten} rows, ${bytes(j.bytesWritten)} written`);
        },
      });
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onTerm);
      if (!json) process.stderr.write('\n');
      if (job.status !== 'SUCCEEDED' || !flags.verify) {
        print(jobLine(job), job);
        return job.status === 'SUCCEEDED' ? 0 : 1;
      }
      const verification = await audited(prisma, 'snapshot.verify', `snapshot ${id}`, () => manager.verifySnapshot(id));
      print(
        `${jobLine(job)}\n${verification.ok ? 'verified: ok' : ['verification FAILED:', ...verification.problems].join('\n  ')}`,
        { ...job, verification },
      );
      return verification.ok ? 0 : 1;
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
      for (const j of jobs)
        rows.push([
          j.id.toString(),
          j.status,
          j.startedAt.toISOString(),
          `${(j.durationMs / 1000).toFixed(1)} s`,
          bytes(j.snapshotBytes),
          j.startedBy,
          j.error ?? j.remarks ?? '',
        ]);
      print(jobs.length ? table(rows) : 'no backup jobs yet', jobs);
      return 0;
    }
    case 'cancel': {
      const id = parseId(args[0], 'JOB_ID');
      const job = await audited(prisma, 'job.cancel', `job ${id}`, (audit) => manager.cancelJob(id, audit));
      print(`cancelling job ${job.id}`, job);
      return 0;
    }
    case 'snapshots': {
      const manifest = await manager.manifest();
      const rows = [['ID', 'CREATED', 'HUMMOCK VERSION', 'SSTS', 'SIZE', 'VERSION', 'REMARKS']];
      for (const s of manifest.snapshot_metadata)
        rows.push([
          s.id.toString(),
          s.created_at ?? '–',
          s.hummock_version_id.toString(),
          String(s.ssts.length),
          bytes(s.size_bytes ?? null),
          s.rw_version ?? '–',
          s.remarks ?? '',
        ]);
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
      const manifest = await audited(prisma, 'snapshot.delete', `snapshots ${parsed.data.join(', ')}`, () =>
        manager.deleteSnapshots(parsed.data),
      );
      print(`deleted; ${manifest.snapshot_metadata.length} snapshots remain`, {
        deleted: parsed.data,
        manifest_id: manifest.manifest_id,
        remaining: manifest.snapshot_metadata.length,
      });
      return 0;
    }
    case 'pinned-ssts': {
      const page = await manager.listPinnedSsts({
        after: flags.after === undefined ? undefined : parseId(flags.after, '--after'),
        limit: parseLimit(flags.limit, 100_000),
      });
      const human = [
        `${page.total} pinned SSTs`,
        ...page.items.map((p) => `${p.objectId}  snapshots ${p.snapshotIds.join(',')}`),
        ...(page.next === null ? [] : [`more after ${page.next} (--after ${page.next})`]),
      ].join('\n');
      print(human, page);
      return 0;
    }
    case 'config': {
      if (args[0] === 'get') {
        const config = await manager.getConfig();
        print(`url        ${config.displayUrl}\ndirectory  ${config.directory}`, {
          url: config.displayUrl,
          directory: config.directory,
        });
        return 0;
      }
      if (args[0] === 'set') {
        const parsed = storageConfigSchema.safeParse({ url: flags.url, directory: flags.dir });
        if (!parsed.success) throw new UsageError(parsed.error.issues[0]!.message);
        const result = await audited(prisma, 'storage.set', null, (audit) => manager.setConfig(parsed.data, audit));
        print(`backup storage is now ${result.displayUrl} ${result.directory} (${result.snapshots} snapshots there)`, {
          url: result.displayUrl,
          directory: result.directory,
          snapshots: result.snapshots,
        });
        return 0;
      }
      throw new UsageError('config takes get or set');
    }
    case 'verify': {
      const id = parseId(args[0], 'SNAPSHOT_ID');
      const result = await audited(
        prisma,
        'snapshot.verify',
        `snapshot ${id}${flags['validate-integrity'] ? ' with SST integrity' : ''}`,
        () => manager.verifySnapshot(id, { validateIntegrity: flags['validate-integrity'] }),
      );
      const human = result.ok
        ? `snapshot ${result.snapshotId}: ok (${result.rows} rows, ${bytes(BigInt(result.bytes))}${result.integrityChecked ? ', every pinned SST exists' : ''})`
        : [`snapshot ${result.snapshotId}: FAILED`, ...result.problems.map((p) => `  ${p}`)].join('\n');
      print(human, result);
      return result.ok ? 0 : 1;
    }
    case 'diff': {
      const diff = await manager.diffSnapshots(parseId(args[0], 'A'), parseId(args[1], 'B'));
      const list = (items: { id: number; kind: string; name: string }[]) =>
        items.map((r) => `    ${r.id} ${r.kind.toLowerCase()} ${r.name}`);
      const human = [
        `snapshot ${diff.from.id} (Hummock version ${diff.from.hummockVersionId}) → ${diff.to.id} (Hummock version ${diff.to.hummockVersionId})`,
        `  relations added: ${diff.relations.added.length}`,
        ...list(diff.relations.added),
        `  relations removed: ${diff.relations.removed.length}`,
        ...list(diff.relations.removed),
        `  relations changed: ${diff.relations.changed.length}`,
        ...diff.relations.changed.map((r) => `    ${r.id} ${r.kind.toLowerCase()} ${r.name} (${r.fields.join(', ')})`),
        `  SSTs added: ${diff.ssts.added.length}, removed: ${diff.ssts.removed.length}, unchanged: ${diff.ssts.unchanged}`,
      ].join('\n');
      print(human, diff);
      return 0;
    }
    case 'orphans': {
      const orphans = await manager.listOrphans();
      if (!flags.delete) {
        const human = orphans.length
          ? [
              `${orphans.length} orphan objects (delete them with --delete):`,
              ...orphans.map(
                (o) => `  ${o.key}  ${bytes(BigInt(o.size))}${o.kind === 'object' ? '' : `  (${o.kind})`}`,
              ),
            ].join('\n')
          : 'no orphan objects';
        print(human, { orphans });
        return 0;
      }
      const keys = orphans.map((o) => o.key);
      const deleted = await audited(prisma, 'orphans.delete', keys.join(', ').slice(0, 2000), () =>
        manager.deleteOrphans(keys),
      );
      print(
        deleted.length
          ? [`deleted ${deleted.length} orphan objects:`, ...deleted.map((k) => `  ${k}`)].join('\n')
          : 'no orphan objects',
        { deleted },
      );
      return 0;
    }
    case 'restore': {
      const target = flags['target-url'];
      if (!target) throw new UsageError('restore needs --target-url');
      const snapshotId = parseId(flags['snapshot-id'], '--snapshot-id');
      const overwriteFlags = [
        flags['overwrite-hummock-url'],
        flags['overwrite-hummock-dir'],
        flags['overwrite-backup-url'],
        flags['overwrite-backup-dir'],
      ];
      if (overwriteFlags.some(Boolean) && !overwriteFlags.every(Boolean)) {
        throw new UsageError(
          '--overwrite-hummock-url, --overwrite-hummock-dir, --overwrite-backup-url and --overwrite-backup-dir must be set simultaneously',
        );
      }
      const storage =
        flags['backup-url'] || flags['backup-dir']
          ? await manager.openStorageAt({ url: flags['backup-url'], directory: flags['backup-dir'] })
          : await manager.storage();
      const report = await audited(
        prisma,
        flags['dry-run'] ? 'snapshot.restore-check' : 'snapshot.restore',
        `snapshot ${snapshotId} into ${maskUrl(target)}`,
        () =>
          restoreSnapshot({
            targetUrl: target,
            snapshotId,
            storage,
            dryRun: flags['dry-run'],
            validateIntegrity: flags['validate-integrity'],
            overwrite: overwriteFlags.every(Boolean)
              ? {
                  hummockUrl: flags['overwrite-hummock-url']!,
                  hummockDirectory: flags['overwrite-hummock-dir']!,
                  backupUrl: flags['overwrite-backup-url']!,
                  backupDirectory: flags['overwrite-backup-dir']!,
                }
              : undefined,
          }),
      );
      const total = Object.values(report.rows).reduce((a, b) => a + b, 0);
      print(
        report.dryRun
          ? `dry run: snapshot ${report.snapshotId} (Hummock version ${report.hummockVersionId}, ${total} rows) can be restored into ${maskUrl(target)}; nothing was written`
          : `restored snapshot ${report.snapshotId} (Hummock version ${report.hummockVersionId}, ${total} rows) into ${maskUrl(target)} in ${(report.durationMs / 1000).toFixed(1)} s; id sequences from snapshot ${report.sequencesFrom}`,
        report,
      );
      return 0;
    }
    case 'user':
      return runUser(prisma, args);
    case 'token':
      return runToken(prisma, args);
    case 'audit': {
      const events = await listAuditEvents(prisma, { limit: parseLimit(flags.limit, 100) });
      const rows = [['ID', 'AT', 'ACTOR', 'FROM', 'ACTION', 'TARGET', 'RESULT']];
      for (const e of events)
        rows.push([
          String(e.id),
          e.at.toISOString(),
          e.actor,
          e.address ?? '–',
          e.action,
          e.target ?? '',
          e.result === 'ok' ? 'ok' : `${e.result}: ${e.message ?? ''}`,
        ]);
      print(events.length ? table(rows) : 'the audit log is empty', events);
      return 0;
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
  try {
    await migrateMetaStore(url);
  } catch (error) {
    const message =
      error instanceof MetaStoreError ? error.message : `cannot open the meta store: ${(error as Error).message}`;
    if (json) console.error(toJson({ error: { code: 'META_STORE_UNAVAILABLE', message } }));
    else console.error(`error: ${message}`);
    return 1;
  }
  const meta = openMetaStore(url);
  const manager = new BackupManager({ meta });
  try {
    return await run(manager, meta.prisma);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`${error.message}\n\n${USAGE}`);
      return 2;
    }
    const message = isBackupError(error)
      ? error.message
      : `unexpected error: ${error instanceof Error ? error.message : String(error)}`;
    if (json) console.error(toJson({ error: { code: isBackupError(error) ? error.code : 'INTERNAL', message } }));
    else console.error(`error: ${message}`);
    return 1;
  } finally {
    await manager.close();
    await meta.close();
  }
}

process.exitCode = await main();
