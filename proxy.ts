// Runs before every request: refuses a Host the console does not serve (DNS rebinding), sets
// the security headers and a per-request Content-Security-Policy nonce that Next.js puts on its
// own scripts, and tells pages their path (for the sign-in redirect). Sign-in and roles are
// checked by each page, route and action itself (app/_lib/page-auth.ts, lib/auth/authorize.ts).
import { NextResponse, type NextRequest } from 'next/server';
import { consoleOrigins, hostAllowed } from '@/lib/auth/origins';

function contentSecurityPolicy(nonce: string, https: boolean): string {
  const dev = process.env.NODE_ENV !== 'production';
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ''}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(https ? ['upgrade-insecure-requests'] : []),
  ].join('; ');
}

export function proxy(request: NextRequest) {
  const origins = consoleOrigins();
  const host = request.headers.get('host');
  if (!hostAllowed(origins, host)) {
    const message = `this console does not answer for the host "${(host ?? '').slice(0, 100)}": set CONSOLE_ORIGIN to serve it`;
    return request.nextUrl.pathname.startsWith('/api/')
      ? NextResponse.json({ error: { code: 'MISDIRECTED', message, requestId: null } }, { status: 421 })
      : new NextResponse(message, { status: 421, headers: { 'content-type': 'text/plain; charset=utf-8' } });
  }
  const nonce = btoa(crypto.randomUUID());
  const csp = contentSecurityPolicy(nonce, origins.https);
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set('content-security-policy', csp); // Next.js reads the nonce from here
  requestHeaders.set('x-mbc-path', `${request.nextUrl.pathname}${request.nextUrl.search}`);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set('content-security-policy', csp);
  response.headers.set('x-content-type-options', 'nosniff');
  response.headers.set('x-frame-options', 'DENY');
  response.headers.set('referrer-policy', 'same-origin');
  response.headers.set('cross-origin-opener-policy', 'same-origin');
  response.headers.set('permissions-policy', 'camera=(), microphone=(), geolocation=(), payment=()');
  if (origins.https) response.headers.set('strict-transport-security', 'max-age=31536000');
  return response;
}

export const config = { matcher: '/:path*' };
