// npm run --silent ctl -- COMMAND [options]: the backup manager for scripts.
// The meta store is DATABASE_URL (default: the embedded SQLite file), migrated if needed.
// This file reads the command line, prints the usage and turns the outcome into the exit code;
// the commands are in commands/, what they print in print.ts.
import { BackupManager } from '../lib/backup/backup-manager.ts';
import { isBackupError } from '../lib/backup/errors.ts';
import { openMetaStore, type MetaStore } from '../lib/meta/client.ts';
import { databaseUrl } from '../lib/meta/database-url.ts';
import { MetaStoreError, migrateMetaStore } from '../lib/meta/migrate.ts';
import { parseCommandLine, UsageError } from './args.ts';
import { runAlert } from './commands/alert.ts';
import { runAudit } from './commands/audit.ts';
import { runBackup } from './commands/backup.ts';
import { runConfig } from './commands/config.ts';
import { runDiff } from './commands/diff.ts';
import { runCancel, runJobs, runStatus } from './commands/jobs.ts';
import { runOrphans } from './commands/orphans.ts';
import { runPinnedSsts } from './commands/pinned-ssts.ts';
import { runRestore } from './commands/restore.ts';
import { runSchedule, runScheduler } from './commands/schedule.ts';
import { runKeep, runRetention, runUnkeep } from './commands/retention.ts';
import { runDelete, runShow, runSnapshots } from './commands/snapshots.ts';
import { runToken } from './commands/token.ts';
import { runUser } from './commands/user.ts';
import { runVerify } from './commands/verify.ts';
import { runDrill } from './commands/drill.ts';
import type { Command } from './context.ts';
import { printError, printer } from './print.ts';

// test/cli-help.test.ts checks that the commands and flags here are README's "## CLI" table's.
const USAGE = `usage: npm run --silent ctl -- COMMAND [--json]

commands:
  backup [--remarks R] [--wait] [--verify]
                                  start a backup job (--verify: the job reads its snapshot back;
                                  --wait: follow it, exit 1 unless it succeeds and verifies)
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
  drill [ID]                      restore drill: verify a snapshot (the newest by default), restore
                                  it into a scratch SQLite store, compare row counts, remove it
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
  schedule add --name N --cron EXPR [--tz ZONE] [--verify] [--remarks TEMPLATE] [--drill]
                                  a backup schedule: five-field cron in an IANA zone (default UTC);
                                  remarks placeholders {name} {date} {time} {due}; with --drill,
                                  a restore drill of the newest snapshot instead of a backup
  schedule list                   schedules, with their next runs and last result
  schedule remove NAME, schedule enable NAME, schedule disable NAME
                                  remove, resume or pause a schedule
  scheduler                       run the schedules in this process until SIGTERM (without the
                                  console; any number may run, one fires each run)
  retention set [--keep-last N] [--keep-days D] [--keep-daily N] [--keep-weekly N] [--keep-monthly N]
                                  the retention rule of the storage location (no flag: keep all)
  retention show                  the rule
  retention preview               what applying it now would delete and keep, and why
  retention apply                 delete what the rule does not keep (also run after each backup)
  keep ID [--reason R]            mark a snapshot keep: retention never deletes it
  unkeep ID                       remove the mark
  alert add --name N [--webhook URL] [--secret S] [--slack URL] [--email ADDR] [--events LIST]
                                  an alert channel: exactly one of --webhook (--secret signs it),
                                  --slack or --email; LIST: event kinds, comma separated (default all)
  alert list                      alert channels, their targets masked
  alert remove NAME               remove an alert channel
  alert test NAME                 send a test alert to a channel; exit 1 unless it is delivered
  alert deliveries [--limit N]    alert delivery attempts, newest first

options:
  --json                          machine-readable output on stdout`;

const COMMANDS = new Map<string, Command>([
  ['backup', runBackup],
  ['status', runStatus],
  ['jobs', runJobs],
  ['cancel', runCancel],
  ['snapshots', runSnapshots],
  ['show', runShow],
  ['delete', runDelete],
  ['pinned-ssts', runPinnedSsts],
  ['config', runConfig],
  ['verify', runVerify],
  ['drill', runDrill],
  ['diff', runDiff],
  ['orphans', runOrphans],
  ['restore', runRestore],
  ['user', runUser],
  ['token', runToken],
  ['audit', runAudit],
  ['schedule', runSchedule],
  ['scheduler', runScheduler],
  ['retention', runRetention],
  ['keep', runKeep],
  ['unkeep', runUnkeep],
  ['alert', runAlert],
]);

const { values: flags, positionals } = (() => {
  try {
    return parseCommandLine();
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
})();

const json = flags.json;

async function run(manager: BackupManager, meta: MetaStore): Promise<number> {
  const [command, ...args] = positionals;
  if (command === undefined) throw new UsageError('missing COMMAND');
  const runCommand = COMMANDS.get(command);
  if (!runCommand) throw new UsageError(`unknown command "${command}"`);
  return runCommand({ manager, prisma: meta.prisma, meta, flags, args, print: printer(json) });
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
    printError(json, 'META_STORE_UNAVAILABLE', message);
    return 1;
  }
  const meta = openMetaStore(url);
  const manager = new BackupManager({ meta });
  try {
    return await run(manager, meta);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`${error.message}\n\n${USAGE}`);
      return 2;
    }
    const message = isBackupError(error)
      ? error.message
      : `unexpected error: ${error instanceof Error ? error.message : String(error)}`;
    printError(json, isBackupError(error) ? error.code : 'INTERNAL', message);
    return 1;
  } finally {
    await manager.close();
    await meta.close();
  }
}

process.exitCode = await main();
