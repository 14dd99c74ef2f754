// How long a console session lives: it ends after CONSOLE_SESSION_IDLE_MINUTES without a
// request (default 60) and CONSOLE_SESSION_MAX_HOURS after sign-in (default 12), whichever
// comes first. better-auth's own expiry is the absolute one; the idle one is checked here.

type Env = Record<string, string | undefined>;

export interface SessionPolicy {
  idleMs: number;
  absoluteMs: number;
  /** A session's last use is written at most this often. */
  touchEveryMs: number;
}

function positive(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value.trim() === '') return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number`);
  return n;
}

export function sessionPolicy(env: Env = process.env): SessionPolicy {
  const idleMs = positive(env.CONSOLE_SESSION_IDLE_MINUTES, 60, 'CONSOLE_SESSION_IDLE_MINUTES') * 60_000;
  const absoluteMs = positive(env.CONSOLE_SESSION_MAX_HOURS, 12, 'CONSOLE_SESSION_MAX_HOURS') * 3_600_000;
  return { idleMs, absoluteMs, touchEveryMs: Math.min(60_000, idleMs / 4) };
}

export type SessionState = 'live' | 'idle' | 'expired';

export function sessionState(
  policy: SessionPolicy,
  session: { createdAt: Date; updatedAt: Date; expiresAt: Date },
  now: Date,
): SessionState {
  const t = now.getTime();
  if (t >= session.expiresAt.getTime() || t - session.createdAt.getTime() >= policy.absoluteMs) return 'expired';
  if (t - session.updatedAt.getTime() >= policy.idleMs) return 'idle';
  return 'live';
}
