// Who is asking from where, read off a request's headers: the client address and user agent
// for the audit log and the sign-in limits.

/**
 * The client address. The console's server (scripts/serve.ts) sets x-forwarded-for to the
 * socket's peer unless CONSOLE_TRUSTED_PROXIES names the proxy that connected; then the
 * proxy's value is kept.
 */
export function clientAddress(headers: Headers): string | null {
  const forwarded = headers.get('x-forwarded-for');
  const first = forwarded?.split(',')[0]?.trim();
  return first ? first.slice(0, 100) : null;
}

export function userAgent(headers: Headers): string | null {
  return headers.get('user-agent')?.slice(0, 500) ?? null;
}
