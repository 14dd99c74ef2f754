// Alert channels: where alerts go. Targets are checked here (every caller comes through), their
// secrets (URLs, which carry tokens, and a webhook's signing secret) sealed before they are
// written, and only a masked form ever leaves this module but for delivery.
import { z } from 'zod';
import { BackupError } from '../backup/errors.ts';
import { type PendingAudit, recordPendingAudit } from '../meta/audit-log.ts';
import type { MetaStore } from '../meta/client.ts';
import { sealSecret, unsealSecret } from '../object-store/sealed-secrets.ts';
import { ALERT_EVENT_KINDS, type AlertEventKind, isAlertEventKind } from './events.ts';

export const ALERT_CHANNEL_KINDS = ['webhook', 'slack', 'email'] as const;
export type AlertChannelKind = (typeof ALERT_CHANNEL_KINDS)[number];

export const MAX_ALERT_CHANNELS = 50;

/** A channel as pages, the API and `ctl alert list` show it: never a secret. */
export interface AlertChannelView {
  id: number;
  name: string;
  kind: AlertChannelKind;
  target: string;
  hasSecret: boolean;
  /** The kinds it receives; every kind when `allEvents`. */
  events: AlertEventKind[];
  allEvents: boolean;
  createdAt: Date;
  createdBy: string;
}

/** A channel opened for delivery. */
export interface AlertChannelTarget {
  id: number;
  name: string;
  kind: AlertChannelKind;
  target: string;
  secret: string | null;
  events: AlertEventKind[] | '*';
}

export const alertChannelNameSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/,
    'a name is 1 to 64 letters, digits, ".", "_" or "-", first a letter or digit',
  );

const eventsSchema = z
  .array(z.string().refine(isAlertEventKind, { message: `an event is one of ${ALERT_EVENT_KINDS.join(', ')}` }))
  .max(ALERT_EVENT_KINDS.length)
  .transform((kinds) => [...new Set(kinds)] as AlertEventKind[]);

/** An http(s) URL without user:password: the only targets a webhook may have (see README, Alerts). */
export function checkWebhookUrl(text: string): URL {
  if (text.length > 2048) throw new BackupError('INVALID_INPUT', 'the webhook URL is longer than 2048 characters');
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new BackupError('INVALID_INPUT', 'the webhook URL is not a URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new BackupError('INVALID_INPUT', `a webhook URL must be http:// or https://, not ${url.protocol}//`);
  if (url.username || url.password)
    throw new BackupError('INVALID_INPUT', 'a webhook URL must not carry user:password; use --secret to sign instead');
  if (!url.hostname) throw new BackupError('INVALID_INPUT', 'the webhook URL has no host');
  return url;
}

const EMAIL = /^[^\s@<>(),;:"\\]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$/;

export const alertChannelInputSchema = z
  .object({
    name: alertChannelNameSchema,
    kind: z.enum(ALERT_CHANNEL_KINDS),
    target: z.string().min(1, 'a target is required').max(2048),
    secret: z.string().min(8, 'a signing secret has at least 8 characters').max(256).optional(),
    events: eventsSchema.optional(),
  })
  .strict();
export type AlertChannelInput = z.input<typeof alertChannelInputSchema>;

/** What a page shows of a target: the URL's origin only (paths and queries carry tokens). */
export function maskTarget(kind: AlertChannelKind, target: string): string {
  if (kind === 'email') return target;
  const url = new URL(target);
  return `${url.origin}${url.pathname === '/' && !url.search ? '/' : '/…'}`;
}

export class AlertChannels {
  constructor(private readonly meta: MetaStore) {}

  async add(input: AlertChannelInput, options: { createdBy: string; audit?: PendingAudit }): Promise<AlertChannelView> {
    const parsed = alertChannelInputSchema.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new BackupError('INVALID_INPUT', `${issue.path.join('.') || 'channel'}: ${issue.message}`);
    }
    const { name, kind, target, secret, events } = parsed.data;
    if (kind === 'email') {
      if (!EMAIL.test(target)) throw new BackupError('INVALID_INPUT', `"${target}" is not an e-mail address`);
    } else checkWebhookUrl(target);
    if (secret !== undefined && kind !== 'webhook')
      throw new BackupError('INVALID_INPUT', 'only a webhook channel takes a signing secret');
    const data = {
      name,
      kind,
      target_sealed: kind === 'email' ? target : sealSecret(target),
      target_masked: maskTarget(kind, target),
      secret_sealed: secret === undefined ? null : sealSecret(secret),
      events: !events || events.length === 0 || events.length === ALERT_EVENT_KINDS.length ? '*' : events.join(','),
      created_by: options.createdBy,
    };
    const row = await this.meta.prisma.$transaction(async (tx) => {
      if ((await tx.alertChannel.count()) >= MAX_ALERT_CHANNELS)
        throw new BackupError('INVALID_INPUT', `at most ${MAX_ALERT_CHANNELS} alert channels; remove one first`);
      if (await tx.alertChannel.findUnique({ where: { name } }))
        throw new BackupError('CONFLICT', `an alert channel named "${name}" exists already`);
      const created = await tx.alertChannel.create({ data });
      await recordPendingAudit(tx, options.audit, `${name} (${kind} ${data.target_masked})`);
      return created;
    });
    return toView(row);
  }

  async list(): Promise<AlertChannelView[]> {
    const rows = await this.meta.prisma.alertChannel.findMany({ orderBy: { id: 'asc' } });
    return rows.map(toView);
  }

  /** By id, or by name (the CLI's way). */
  async find(ref: number | string): Promise<AlertChannelView> {
    return toView(await this.row(ref));
  }

  async remove(ref: number | string, audit?: PendingAudit): Promise<AlertChannelView> {
    const row = await this.row(ref);
    await this.meta.prisma.$transaction(async (tx) => {
      const { count } = await tx.alertChannel.deleteMany({ where: { id: row.id } });
      if (!count) throw new BackupError('NOT_FOUND', `alert channel ${row.name} not found`);
      await recordPendingAudit(tx, audit, row.name);
    });
    return toView(row);
  }

  /** Every channel with its secrets opened: for delivery only. */
  async targets(): Promise<AlertChannelTarget[]> {
    const rows = await this.meta.prisma.alertChannel.findMany({ orderBy: { id: 'asc' } });
    return rows.map(toTarget);
  }

  async target(ref: number | string): Promise<AlertChannelTarget> {
    return toTarget(await this.row(ref));
  }

  private async row(ref: number | string) {
    const where = typeof ref === 'number' ? { id: ref } : { name: ref };
    const row =
      typeof ref === 'number' && !Number.isSafeInteger(ref)
        ? null
        : await this.meta.prisma.alertChannel.findUnique({ where });
    if (!row)
      throw new BackupError('NOT_FOUND', `alert channel ${typeof ref === 'number' ? ref : `"${ref}"`} not found`);
    return row;
  }
}

type Row = Awaited<ReturnType<MetaStore['prisma']['alertChannel']['findUniqueOrThrow']>>;

function eventsOf(row: Row): AlertEventKind[] | '*' {
  return row.events === '*' ? '*' : row.events.split(',').filter(isAlertEventKind);
}

function toView(row: Row): AlertChannelView {
  const events = eventsOf(row);
  return {
    id: row.id,
    name: row.name,
    kind: row.kind as AlertChannelKind,
    target: row.target_masked,
    hasSecret: row.secret_sealed !== null,
    events: events === '*' ? [...ALERT_EVENT_KINDS] : events,
    allEvents: events === '*',
    createdAt: row.created_at,
    createdBy: row.created_by,
  };
}

function toTarget(row: Row): AlertChannelTarget {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind as AlertChannelKind,
    target: row.kind === 'email' ? row.target_sealed : unsealSecret(row.target_sealed),
    secret: row.secret_sealed === null ? null : unsealSecret(row.secret_sealed),
    events: eventsOf(row),
  };
}
