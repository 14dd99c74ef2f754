// schedule add --name N --cron EXPR [--tz ZONE] [--verify] [--remarks TEMPLATE] [--drill], schedule list,
// schedule remove NAME, schedule enable NAME, schedule disable NAME; and `scheduler`, which runs
// the schedules in this process until SIGTERM or SIGINT (for deployments without the console).
import { createSchedulerWatchdog } from '../../lib/schedule/watchdog.ts';
import { processLogger } from '../../lib/log.ts';
import { Scheduler } from '../../lib/schedule/scheduler.ts';
import { type ScheduleRun, ScheduleStore, type ScheduleView } from '../../lib/schedule/schedules.ts';
import { UsageError } from '../args.ts';
import { audited, cliActor } from '../audited.ts';
import type { CommandContext } from '../context.ts';
import { table } from '../print.ts';

/** A run's outcome in a few words. */
export function runText(run: ScheduleRun | null): string {
  if (!run) return 'never ran';
  const due = run.dueAt.toISOString();
  switch (run.outcome) {
    case 'STARTED':
      return `${due} started job ${run.jobId}${run.catchUp ? ' (catch-up)' : ''}`;
    case 'PASSED':
      return `${due} drill ${run.drillId} passed${run.catchUp ? ' (catch-up)' : ''}`;
    case 'SKIPPED':
      return `${due} skipped: ${run.message ?? 'a job was running'}`;
    case 'FAILED':
      return run.drillId === null
        ? `${due} failed to start: ${run.message ?? ''}`
        : `${due} drill ${run.drillId} failed: ${run.message ?? ''}`;
    case 'MISSED':
      return `${due} missed ${run.missedCount} runs`;
    default:
      return `${due} starting`;
  }
}

function scheduleLines(schedules: ScheduleView[]): string {
  if (!schedules.length) return 'no schedules';
  const rows = [['NAME', 'KIND', 'CRON', 'ZONE', 'ENABLED', 'VERIFY', 'NEXT RUNS', 'LAST RUN']];
  for (const s of schedules)
    rows.push([
      s.name,
      s.kind,
      s.cron,
      s.timeZone,
      s.enabled ? 'yes' : 'no',
      s.verify ? 'yes' : 'no',
      s.nextRuns
        .slice(0, 3)
        .map((d) => d.toISOString())
        .join(' ') || '–',
      runText(s.lastRun),
    ]);
  return table(rows);
}

export async function runSchedule({ prisma, meta, flags, args, print }: CommandContext): Promise<number> {
  const [sub, name, ...rest] = args;
  const store = new ScheduleStore(meta);
  const named = (verb: string) => {
    if (!name || rest.length) throw new UsageError(`schedule ${verb} needs one schedule NAME`);
    return name;
  };
  switch (sub) {
    case 'add': {
      if (!flags.name || !flags.cron || name !== undefined)
        throw new UsageError('schedule add needs --name and --cron (and no other argument)');
      const schedule = await audited(prisma, 'schedule.create', flags.name, (audit) =>
        store.create(
          {
            name: flags.name!,
            kind: flags.drill ? 'drill' : 'backup',
            cron: flags.cron!,
            timeZone: flags.tz ?? 'UTC',
            verify: flags.verify,
            ...(flags.remarks !== undefined ? { remarks: flags.remarks } : {}),
          },
          { now: new Date(), by: cliActor(), audit },
        ),
      );
      const [view] = (await store.list(new Date())).filter((s) => s.id === schedule.id);
      print(
        `added schedule ${schedule.name}; next runs: ${view?.nextRuns.map((d) => d.toISOString()).join(' ')}`,
        view,
      );
      return 0;
    }
    case 'list': {
      const schedules = await store.list(new Date());
      print(scheduleLines(schedules), schedules);
      return 0;
    }
    case 'remove': {
      const target = named('remove');
      await audited(prisma, 'schedule.delete', target, (audit) => store.remove(target, { audit }));
      print(`removed schedule ${target}`, { name: target, removed: true });
      return 0;
    }
    case 'enable':
    case 'disable': {
      const target = named(sub);
      const enabled = sub === 'enable';
      await audited(prisma, 'schedule.update', target, (audit) =>
        store.update(target, { enabled }, { now: new Date(), audit }),
      );
      print(`${enabled ? 'enabled' : 'disabled'} schedule ${target}`, { name: target, enabled });
      return 0;
    }
    default:
      throw new UsageError('schedule takes add, list, remove, enable or disable');
  }
}

/** Runs the schedules until SIGTERM or SIGINT; then hands the lease back and ends its jobs. */
export async function runScheduler({ manager, meta, args }: CommandContext): Promise<number> {
  if (args.length) throw new UsageError('scheduler takes no argument');
  const log = processLogger();
  const scheduler = new Scheduler({ meta, manager, log, watchdog: createSchedulerWatchdog(meta, manager) });
  scheduler.start();
  log.info({ holder: scheduler.holder }, 'scheduler running until SIGTERM');
  await new Promise<void>((resolve) => {
    // `on`, not `once`: signal-exit (proper-lockfile) re-raises a signal no other listener handles.
    const onSignal = () => {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      resolve();
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
  await scheduler.stop();
  const ended = await manager.shutdown();
  if (ended.length) log.warn({ jobs: ended.map(String) }, 'backup jobs of the scheduler ended FAILED at shutdown');
  return 0;
}
