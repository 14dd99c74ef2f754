// better-auth's endpoints: sign-in (password and single sign-on), sign-out, session, password
// change. Public by nature; lib/auth/auth.ts switches off the ones the console does not use,
// rate-limits sign-in and audits each attempt.
import { toNextJsHandler } from 'better-auth/next-js';
import { SSO_NO_ROLE } from '@/lib/auth/auth';
import { getConsoleAuth } from '@/lib/auth/process-auth';

export const dynamic = 'force-dynamic';

/**
 * The single sign-on callback ends a browser's trip through the provider: a refusal there goes
 * back to the sign-in page with its reason, never to a bare JSON error document.
 */
async function handle(request: Request): Promise<Response> {
  const response = await getConsoleAuth().auth.handler(request);
  if (
    request.method !== 'GET' ||
    response.status < 400 ||
    !new URL(request.url).pathname.startsWith('/api/auth/callback/')
  )
    return response;
  const body = (await response.json().catch(() => null)) as { code?: string } | null;
  const reason = body?.code === SSO_NO_ROLE ? 'no_role' : 'sso';
  return new Response(null, { status: 303, headers: { location: `/sign-in?error=${reason}` } });
}

export const { GET, POST } = toNextJsHandler(handle);
