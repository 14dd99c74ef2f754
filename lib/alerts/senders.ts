// One delivery attempt to one channel: a signed JSON webhook, a Slack-compatible incoming
// webhook, or an e-mail over SMTP (nodemailer). Never throws: the outcome says what happened.
import { createHmac } from 'node:crypto';
import nodemailer from 'nodemailer';
import { errorText } from '../log.ts';
import { isSealed, unsealSecret } from '../object-store/sealed-secrets.ts';
import type { AlertChannelTarget } from './channels.ts';
import type { AlertEvent } from './events.ts';

export const SIGNATURE_HEADER = 'X-MBC-Signature';
const HTTP_DEADLINE_MS = 10_000;

export interface AttemptOutcome {
  ok: boolean;
  /** "HTTP 200", or the SMTP server's answer. */
  status: string | null;
  error: string | null;
}

type Env = Record<string, string | undefined>;

/** Stripe's scheme: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`. */
export function webhookSignature(secret: string, body: string, at: Date): string {
  const t = Math.floor(at.getTime() / 1000);
  const v1 = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
  return `t=${t},v1=${v1}`;
}

/** The JSON body of a webhook: the same fields for every kind. */
export function webhookBody(event: AlertEvent): string {
  return JSON.stringify({
    id: event.id,
    kind: event.kind,
    at: event.at.toISOString(),
    summary: event.summary,
    details: event.details,
  });
}

export function messageText(event: AlertEvent): string {
  const lines = Object.entries(event.details).map(([key, value]) => `${key}: ${value}`);
  return [event.summary, '', `event: ${event.kind}`, `at: ${event.at.toISOString()}`, ...lines].join('\n');
}

async function post(url: string, body: string, headers: Record<string, string>): Promise<AttemptOutcome> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', 'user-agent': 'meta-backup-console-alerts', ...headers },
      // A redirect is not followed: the target is exactly the URL an admin saved.
      redirect: 'manual',
      signal: AbortSignal.timeout(HTTP_DEADLINE_MS),
    });
    // The answer's body is never read or shown: a webhook cannot be used to read another server.
    await response.body?.cancel();
    const status = `HTTP ${response.status}`;
    return response.ok ? { ok: true, status, error: null } : { ok: false, status, error: `answered ${status}` };
  } catch (error) {
    const cause = (error as { cause?: unknown }).cause;
    return { ok: false, status: null, error: cause ? `${errorText(error)}: ${errorText(cause)}` : errorText(error) };
  }
}

/** SMTP_URL (smtp://user:pass@host:port, smtps:// for TLS from the start); a sealed password is opened. */
export function smtpUrl(env: Env): string | null {
  const text = env.SMTP_URL;
  if (!text) return null;
  const url = new URL(text);
  if (url.password && isSealed(decodeURIComponent(url.password)))
    url.password = encodeURIComponent(unsealSecret(decodeURIComponent(url.password)));
  return url.toString();
}

async function mail(channel: AlertChannelTarget, event: AlertEvent, env: Env): Promise<AttemptOutcome> {
  const from = env.ALERT_MAIL_FROM;
  let url: string | null;
  try {
    url = smtpUrl(env);
  } catch (error) {
    return { ok: false, status: null, error: `SMTP_URL: ${errorText(error)}` };
  }
  if (!url) return { ok: false, status: null, error: 'SMTP_URL is not set: e-mail alerts cannot be sent' };
  if (!from) return { ok: false, status: null, error: 'ALERT_MAIL_FROM is not set: e-mail alerts cannot be sent' };
  const transport = nodemailer.createTransport({
    url,
    connectionTimeout: HTTP_DEADLINE_MS,
    greetingTimeout: HTTP_DEADLINE_MS,
    socketTimeout: HTTP_DEADLINE_MS,
  });
  try {
    const info = await transport.sendMail({
      from,
      to: channel.target,
      subject: `[Meta Backup Console] ${event.summary}`,
      text: messageText(event),
      headers: { 'X-MBC-Event': event.kind, 'X-MBC-Alert-Id': event.id },
    });
    return { ok: true, status: String(info.response ?? '').slice(0, 500) || null, error: null };
  } catch (error) {
    const response = (error as { response?: string }).response;
    return { ok: false, status: response ? response.slice(0, 500) : null, error: errorText(error) };
  } finally {
    transport.close();
  }
}

/** One attempt; `now` is when it is made (the signature's timestamp). */
export async function sendAlert(
  channel: AlertChannelTarget,
  event: AlertEvent,
  options: { now: Date; env: Env },
): Promise<AttemptOutcome> {
  switch (channel.kind) {
    case 'webhook': {
      const body = webhookBody(event);
      const headers: Record<string, string> = { 'X-MBC-Event': event.kind, 'X-MBC-Alert-Id': event.id };
      if (channel.secret) headers[SIGNATURE_HEADER] = webhookSignature(channel.secret, body, options.now);
      return post(channel.target, body, headers);
    }
    case 'slack':
      return post(channel.target, JSON.stringify({ text: `:rotating_light: ${messageText(event)}` }), {});
    case 'email':
      return mail(channel, event, options.env);
  }
}
