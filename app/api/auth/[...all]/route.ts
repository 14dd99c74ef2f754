// better-auth's endpoints: sign-in (password and single sign-on), sign-out, session, password
// change. Public by nature; lib/auth/auth.ts switches off the ones the console does not use,
// rate-limits sign-in and audits each attempt.
import { toNextJsHandler } from 'better-auth/next-js';
import { getConsoleAuth } from '@/lib/auth/process-auth';

export const dynamic = 'force-dynamic';

const handle = (request: Request) => getConsoleAuth().auth.handler(request);

export const { GET, POST } = toNextJsHandler(handle);
