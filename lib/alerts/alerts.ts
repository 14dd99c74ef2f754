// Alerts of one process: the bus the core emits on, the channels, and delivery. Delivery runs
// apart from whatever emitted (a job never waits for it nor fails by it), retries with
// exponential backoff on the injected clock, and records every attempt.
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.ts';
import { errorText, type Logger } from '../log.ts';
import type { MetaStore } from '../meta/client.ts';
import { AlertChannels, type AlertChannelTarget } from './channels.ts';
import { AlertBus, type AlertEvent, TEST_EVENT_KIND } from './events.ts';
import { type AttemptOutcome, sendAlert } from './senders.ts';

/** After the first try: 1 s, 4 s, 16 s. */
export const DEFAULT_RETRY_DELAYS_MS = [1_000, 4_000, 16_000] as const;
/** A retrying delivery this long past its last attempt, beyond the longest wait, has lost its process. */
export const ABANDONED_RETRY_AFTER_MS = 60_000;
/** ALERT_STORAGE_UNREACHABLE_SECONDS: how long the storage may fail its health check before an alert. */
export const DEFAULT_STORAGE_UNREACHABLE_MS = 5 * 60_000;

type Env = Record<string, string | undefined>;

export interface AlertsOptions {
  meta: MetaStore;
  clock: Clock;
  log: Logger;
  /** Where SMTP_URL, ALERT_MAIL_FROM and ALERT_STORAGE_UNREACHABLE_SECONDS are read (default: process.env). */
  env?: Env;
  retryDelaysMs?: readonly number[];
}

export interface AlertDeliveryView {
  id: number;
  channelId: number;
  channel: string;
  eventId: string;
  event: string;
  attempt: number;
  at: Date;
  outcome: 'delivered' | 'retrying' | 'failed';
  status: string | null;
  error: string | null;
}

export class Alerts {
  readonly bus: AlertBus;
  readonly channels: AlertChannels;
  private readonly pending = new Set<Promise<void>>();
  private readonly env: Env;
  private readonly retryDelaysMs: readonly number[];
  private outage: { since: Date; alerted: boolean } | null = null;

  constructor(private readonly options: AlertsOptions) {
    this.bus = new AlertBus({ clock: options.clock, log: options.log });
    this.channels = new AlertChannels(options.meta);
    this.env = options.env ?? process.env;
    this.retryDelaysMs = options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
    this.bus.on((event) => this.track(this.deliverToSubscribers(event)));
  }

  get storageUnreachableMs(): number {
    const seconds = Number(this.env.ALERT_STORAGE_UNREACHABLE_SECONDS);
    return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : DEFAULT_STORAGE_UNREACHABLE_MS;
  }

  /**
   * Fed by every storage health check: one `storage.unreachable` alert once the storage has failed
   * its checks for longer than the threshold, and no other until it has answered again.
   */
  observeStorage(health: { ok: true } | { ok: false; message: string }): void {
    const now = this.options.clock.now();
    if (health.ok) {
      if (this.outage?.alerted) this.options.log.info('backup storage answers again');
      this.outage = null;
      return;
    }
    this.outage ??= { since: now, alerted: false };
    const forMs = now.getTime() - this.outage.since.getTime();
    if (this.outage.alerted || forMs < this.storageUnreachableMs) return;
    this.outage.alerted = true;
    const forSeconds = Math.round(forMs / 1000);
    this.bus.emit({
      kind: 'storage.unreachable',
      summary: `backup storage unreachable for ${forSeconds} s`,
      details: { since: this.outage.since.toISOString(), forSeconds, message: health.message },
    });
  }

  /** One attempt to one channel, recorded in the history like any other; answers its outcome. */
  async sendTest(ref: number | string): Promise<AttemptOutcome & { channel: string }> {
    const channel = await this.channels.target(ref);
    const event: AlertEvent = {
      id: randomUUID(),
      kind: TEST_EVENT_KIND,
      at: this.options.clock.now(),
      summary: `test alert to channel ${channel.name}`,
      details: { channel: channel.name },
    };
    const outcome = await this.attempt(channel, event, 1, true);
    return { ...outcome, channel: channel.name };
  }

  async deliveries(options: { limit?: number; channelId?: number } = {}): Promise<AlertDeliveryView[]> {
    const rows = await this.options.meta.prisma.alertDelivery.findMany({
      where: options.channelId === undefined ? {} : { channel_id: options.channelId },
      orderBy: { id: 'desc' },
      take: Math.min(Math.max(options.limit ?? 100, 1), 1000),
    });
    return rows.map((row) => ({
      id: row.id,
      channelId: row.channel_id,
      channel: row.channel_name,
      eventId: row.event_id,
      event: row.event_kind,
      attempt: row.attempt,
      at: row.at,
      outcome: row.outcome as AlertDeliveryView['outcome'],
      status: row.status,
      error: row.error,
    }));
  }

  /** Resolves when every delivery started so far has ended (delivered, or out of retries). */
  async settled(): Promise<void> {
    while (this.pending.size) await Promise.all(this.pending);
  }

  private track(work: Promise<void>): void {
    const tracked = work
      .catch((error: unknown) => this.options.log.error({ cause: errorText(error) }, 'alert delivery failed'))
      .finally(() => this.pending.delete(tracked));
    this.pending.add(tracked);
  }

  private async deliverToSubscribers(event: AlertEvent): Promise<void> {
    const channels = await this.channels.targets();
    const subscribed = channels.filter((c) => c.events === '*' || (c.events as string[]).includes(event.kind));
    await Promise.all(subscribed.map((channel) => this.deliver(channel, event)));
  }

  private async deliver(channel: AlertChannelTarget, event: AlertEvent, first = 1): Promise<void> {
    const attempts = this.retryDelaysMs.length + 1;
    for (let attempt = first; attempt <= attempts; attempt++) {
      const outcome = await this.attempt(channel, event, attempt, attempt === attempts);
      if (outcome.ok || attempt === attempts) return;
      await this.options.clock.sleep(this.retryDelaysMs[attempt - 1]!);
    }
  }

  /**
   * Takes up the retries of deliveries whose process stopped (retries wait in memory): a
   * 'retrying' attempt with no later one, older than the longest wait and a minute, goes on from
   * the next attempt. Each is claimed by one conditional update, so two processes never both
   * take it up. Run by the scheduler's lease holder; answers how many were taken up.
   */
  async resumeAbandoned(): Promise<number> {
    const { prisma } = this.options.meta;
    const now = this.options.clock.now();
    const idleMs = Math.max(0, ...this.retryDelaysMs) + ABANDONED_RETRY_AFTER_MS;
    const candidates = await prisma.alertDelivery.findMany({
      where: { outcome: 'retrying', payload: { not: null }, at: { lt: new Date(now.getTime() - idleMs) } },
      orderBy: { id: 'asc' },
      take: 100,
    });
    if (candidates.length === 0) return 0;
    const channels = new Map((await this.channels.targets()).map((c) => [c.id, c]));
    let resumed = 0;
    for (const row of candidates) {
      const claimed = await prisma.alertDelivery.updateMany({
        where: { id: row.id, payload: { not: null } },
        data: { payload: null },
      });
      if (claimed.count !== 1) continue;
      const later = await prisma.alertDelivery.count({
        where: { event_id: row.event_id, channel_id: row.channel_id, attempt: { gt: row.attempt } },
      });
      const channel = channels.get(row.channel_id);
      if (later > 0 || !channel) continue;
      const event = alertFromPayload(row.payload!);
      if (!event) continue;
      this.options.log.info(
        { channel: channel.name, alert: event.kind, alertId: event.id, attempt: row.attempt + 1 },
        'taking up the retries of an alert delivery whose process stopped',
      );
      this.track(this.deliver(channel, event, row.attempt + 1));
      resumed++;
    }
    return resumed;
  }

  private async attempt(
    channel: AlertChannelTarget,
    event: AlertEvent,
    attempt: number,
    last: boolean,
  ): Promise<AttemptOutcome> {
    const at = this.options.clock.now();
    const outcome = await sendAlert(channel, event, { now: at, env: this.env });
    const result = outcome.ok ? 'delivered' : last ? 'failed' : 'retrying';
    const fields = { channel: channel.name, alert: event.kind, alertId: event.id, attempt, status: outcome.status };
    if (outcome.ok) this.options.log.info(fields, 'alert delivered');
    else this.options.log.warn({ ...fields, error: outcome.error }, `alert delivery ${result}`);
    await this.options.meta.prisma.alertDelivery
      .create({
        data: {
          channel_id: channel.id,
          channel_name: channel.name,
          event_id: event.id,
          event_kind: event.kind,
          attempt,
          at,
          outcome: result,
          status: outcome.status,
          error: outcome.error?.slice(0, 2000) ?? null,
          payload: result === 'retrying' && event.kind !== TEST_EVENT_KIND ? JSON.stringify(event) : null,
        },
      })
      .catch((error: unknown) =>
        this.options.log.error({ ...fields, cause: errorText(error) }, 'alert delivery not recorded'),
      );
    return outcome;
  }
}

/** An alert stored with a retrying attempt; null for one this version cannot read. */
function alertFromPayload(payload: string): AlertEvent | null {
  try {
    const parsed = JSON.parse(payload) as AlertEvent & { at: string };
    if (typeof parsed.id !== 'string' || typeof parsed.kind !== 'string' || typeof parsed.summary !== 'string')
      return null;
    return { ...parsed, at: new Date(parsed.at) } as AlertEvent;
  } catch {
    return null;
  }
}
