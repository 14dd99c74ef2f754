// Who is asking from where, read off a request's headers: the client address and user agent
// for the audit log and the sign-in limits.

/**
 * The client address: the first x-forwarded-for entry, which `next start` fills with the socket's
 * peer when the request has none. A client that reaches the port directly can set it itself, so
 * the per-address sign-in limit is a convenience; the per-user limit does not depend on it.
 */
export function clientAddress(headers: Headers): string | null {
  const forwarded = headers.get('x-forwarded-for');
  const first = forwarded?.split(',')[0]?.trim();
  return first ? first.slice(0, 100) : null;
}

export function userAgent(headers: Headers): string | null {
  return headers.get('user-agent')?.slice(0, 500) ?? null;
}
