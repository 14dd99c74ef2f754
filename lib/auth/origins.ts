// The console's public origins. A request's Host must be one of them (a page served under any
// other name is a DNS rebinding attack), and a cookie-authenticated mutation must come from a
// page of the same origin. CONSOLE_ORIGIN lists them, comma separated; by default the console
// answers on loopback names only, on any port, plus HOST when it is a specific address.

type Env = Record<string, string | undefined>;

export interface ConsoleOrigins {
  /** host[:port] values a request may name; a "*" port matches any. */
  hosts: string[];
  /** Whether the console is served over HTTPS (cookies get Secure). */
  https: boolean;
  /** Configured origins, for redirects; empty by default. */
  origins: string[];
}

const LOOPBACK = ['localhost', '127.0.0.1', '[::1]'];

export function consoleOrigins(env: Env = process.env): ConsoleOrigins {
  const configured = (env.CONSOLE_ORIGIN ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (configured.length) {
    const urls = configured.map((origin) => {
      let url: URL;
      try {
        url = new URL(origin);
      } catch {
        throw new Error(`CONSOLE_ORIGIN: "${origin}" is not an origin like https://backup.example.com`);
      }
      if (
        (url.protocol !== 'https:' && url.protocol !== 'http:') ||
        url.pathname !== '/' ||
        url.search ||
        url.username
      ) {
        throw new Error(`CONSOLE_ORIGIN: "${origin}" is not an origin like https://backup.example.com`);
      }
      return url;
    });
    return {
      hosts: urls.map((u) => u.host),
      https: urls.every((u) => u.protocol === 'https:'),
      origins: urls.map((u) => u.origin),
    };
  }
  const host = env.HOST?.trim();
  const extra =
    host && host !== '0.0.0.0' && host !== '::' && !LOOPBACK.includes(host)
      ? [host.includes(':') ? `[${host}]` : host]
      : [];
  return { hosts: [...LOOPBACK, ...extra].map((h) => `${h}:*`), https: false, origins: [] };
}

export function hostAllowed(origins: ConsoleOrigins, host: string | null): boolean {
  if (!host) return false;
  const name = host.toLowerCase();
  return origins.hosts.some((allowed) => {
    if (allowed.endsWith(':*')) {
      const bare = allowed.slice(0, -2);
      return name === bare || (name.startsWith(`${bare}:`) && /^\d{1,5}$/.test(name.slice(bare.length + 1)));
    }
    return name === allowed;
  });
}

/** Whether an Origin header names this very request's origin (scheme, Host). */
export function sameOrigin(origin: string | null, host: string | null, https: boolean): boolean {
  if (!origin || !host) return false;
  try {
    const url = new URL(origin);
    return url.host.toLowerCase() === host.toLowerCase() && url.protocol === (https ? 'https:' : 'http:');
  } catch {
    return false;
  }
}
