// The alert events and a small typed bus: the core emits, delivery (alerts.ts) listens. Kinds
// other code will emit later are declared here already, so channels can subscribe to them now.
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.ts';
import { errorText, type Logger } from '../log.ts';

export const ALERT_EVENT_KINDS = [
  'job.failed',
  'verify.failed',
  'storage.unreachable',
  'schedule.skipped',
  'schedule.missed',
  'freshness.breached',
  'drill.failed',
  'retention.deleted',
] as const;

export type AlertEventKind = (typeof ALERT_EVENT_KINDS)[number];

/** A "send a test" message: delivered to one channel whatever it subscribes to. */
export const TEST_EVENT_KIND = 'alert.test';

type Fields = Record<string, string | number | boolean | null>;

/** What each kind carries; the generic kinds carry whatever their emitter decides. */
export interface AlertDetails {
  'job.failed': { jobId: string; error: string; requestId: string | null };
  'verify.failed': { jobId: string; problems: string; requestId: string | null };
  'storage.unreachable': { since: string; forSeconds: number; message: string };
  'schedule.skipped': Fields;
  'schedule.missed': Fields;
  'freshness.breached': Fields;
  'drill.failed': Fields;
  'retention.deleted': Fields;
  'alert.test': { channel: string };
}

export type DeliveredKind = AlertEventKind | typeof TEST_EVENT_KIND;

export type AlertEvent = {
  [K in DeliveredKind]: {
    /** Unique per alert: the attempts of one delivery, and its receivers, can tell repeats apart. */
    id: string;
    kind: K;
    at: Date;
    /** One line for people: a subject, a Slack message. */
    summary: string;
    details: AlertDetails[K];
  };
}[DeliveredKind];

export type AlertEventInput = {
  [K in AlertEventKind]: { kind: K; summary: string; details: AlertDetails[K] };
}[AlertEventKind];

export type AlertListener = (event: AlertEvent) => void | Promise<void>;

export function isAlertEventKind(kind: string): kind is AlertEventKind {
  return (ALERT_EVENT_KINDS as readonly string[]).includes(kind);
}

export class AlertBus {
  private readonly listeners = new Set<AlertListener>();

  constructor(private readonly options: { clock: Clock; log: Logger }) {}

  on(listener: AlertListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stamps the event and hands it to every listener; never throws, never waits (a job must not). */
  emit(input: AlertEventInput): AlertEvent {
    const event = { ...input, id: randomUUID(), at: this.options.clock.now() } as AlertEvent;
    for (const listener of this.listeners) {
      try {
        Promise.resolve(listener(event)).catch((error: unknown) => this.failed(event, error));
      } catch (error) {
        this.failed(event, error);
      }
    }
    return event;
  }

  private failed(event: AlertEvent, error: unknown): void {
    this.options.log.error({ alert: event.kind, alertId: event.id, cause: errorText(error) }, 'alert listener failed');
  }
}
