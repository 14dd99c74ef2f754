// What nobody clicks must still be noticed: run by the scheduler's lease holder (one process per
// meta store), it probes the backup storage and checks the freshness objective every minute, so
// `storage.unreachable` and `freshness.breached` are raised with no page open and no scrape; it
// takes up alert retries a stopped process left, and prunes old history hourly.
import type { Alerts } from '../alerts/alerts.ts';
import type { BackupManager } from '../backup/backup-manager.ts';
import { freshnessObjectiveSeconds } from '../backup/metrics.ts';
import { checkStorageHealth } from '../backup/storage-health.ts';
import type { Clock } from '../clock.ts';
import { type Logger, processLogger } from '../log.ts';
import type { MetaStore } from '../meta/client.ts';
import { historyRetentionDays, pruneHistory } from './history-pruning.ts';

export const DEFAULT_WATCH_EVERY_MS = 60_000;
export const PRUNE_EVERY_MS = 3_600_000;

export interface WatchdogOptions {
  meta: MetaStore;
  alerts: Pick<Alerts, 'bus' | 'resumeAbandoned'>;
  clock: Clock;
  log: Logger;
  /** The storage health check (it feeds `alerts.observeStorage` itself). */
  checkStorage: () => Promise<unknown>;
  /** The freshness objective, read at each check (it may change with the environment). */
  objectiveSeconds: () => number;
  /** How many days of alert deliveries and scheduled runs to keep (pruned hourly). */
  historyDays: () => number;
  everyMs?: number;
}

export class Watchdog {
  private lastCheck: number | null = null;
  private lastPrune: number | null = null;
  /** The last success a breach was raised for ('never' when there was none): one alert per breach. */
  private breachAlerted: string | null = null;

  constructor(private readonly options: WatchdogOptions) {}

  /** Checks when `everyMs` has passed since the last check (the first call checks at once). */
  async maybeCheck(): Promise<void> {
    const now = this.options.clock.now().getTime();
    if (this.lastCheck !== null && now - this.lastCheck < (this.options.everyMs ?? DEFAULT_WATCH_EVERY_MS)) return;
    this.lastCheck = now;
    await this.check();
  }

  async check(): Promise<void> {
    await Promise.all([
      this.options
        .checkStorage()
        .catch((error: unknown) => this.options.log.warn({ err: error }, 'storage health probe failed')),
      this.checkFreshness(),
      this.maybePrune(),
      this.options.alerts.resumeAbandoned(),
    ]);
  }

  private async maybePrune(): Promise<void> {
    const now = this.options.clock.now();
    if (this.lastPrune !== null && now.getTime() - this.lastPrune < PRUNE_EVERY_MS) return;
    this.lastPrune = now.getTime();
    const days = this.options.historyDays();
    const pruned = await pruneHistory(this.options.meta, now, days);
    if (pruned.deliveries || pruned.runs)
      this.options.log.info({ ...pruned, days }, 'pruned alert deliveries and scheduled runs older than the history');
  }

  private async checkFreshness(): Promise<void> {
    const last = await this.options.meta.prisma.backupJob.findFirst({
      where: { state: 'SUCCEEDED' },
      orderBy: { finished_at: 'desc' },
      select: { id: true, finished_at: true },
    });
    const lastSuccess = last?.finished_at ?? null;
    const now = this.options.clock.now();
    const objectiveSeconds = this.options.objectiveSeconds();
    const overdue = lastSuccess === null || now.getTime() - lastSuccess.getTime() > objectiveSeconds * 1000;
    const key = lastSuccess?.toISOString() ?? 'never';
    if (!overdue) {
      this.breachAlerted = null;
      return;
    }
    if (this.breachAlerted === key) return;
    this.breachAlerted = key;
    const hours = Math.round((objectiveSeconds / 3600) * 100) / 100;
    const ageSeconds = lastSuccess === null ? null : Math.round((now.getTime() - lastSuccess.getTime()) / 1000);
    this.options.log.warn(
      { lastSuccess: lastSuccess?.toISOString() ?? null, objectiveSeconds },
      'freshness objective breached',
    );
    this.options.alerts.bus.emit({
      kind: 'freshness.breached',
      summary:
        lastSuccess === null
          ? `no backup has ever succeeded (objective: one every ${hours} h)`
          : `no backup succeeded for ${Math.floor(ageSeconds! / 3600)} h ${Math.floor((ageSeconds! % 3600) / 60)} min (objective: one every ${hours} h)`,
      details: {
        lastSuccess: lastSuccess?.toISOString() ?? null,
        lastSuccessJobId: last ? String(last.id) : null,
        ageSeconds,
        objectiveSeconds,
      },
    });
  }
}

/** The watchdog of a scheduler on a BackupManager (the console's and `ctl scheduler`'s). */
export function createSchedulerWatchdog(meta: MetaStore, manager: BackupManager): Watchdog {
  return new Watchdog({
    meta,
    alerts: manager.alerts,
    clock: manager.clock,
    log: processLogger().child({ component: 'watchdog' }),
    checkStorage: () => checkStorageHealth(manager),
    objectiveSeconds: () => freshnessObjectiveSeconds(),
    historyDays: () => historyRetentionDays(),
  });
}
