// Every page calls `requirePageRole` with the least role that may see it: without a live
// session it redirects to sign-in, with too small a role to a page that says what is needed.
import 'server-only';
import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { cache } from 'react';
import { resolveActor, type Actor } from '@/lib/auth/actor';
import { consoleOrigins, hostAllowed } from '@/lib/auth/origins';
import { getConsoleAuth } from '@/lib/auth/process-auth';
import { roleAllows, type Role } from '@/lib/auth/roles';
import { getMetaStore } from '@/lib/meta/shared-store';

/** The signed-in user of this request, or null; looked up once per request (layout and page share it). */
export const currentActor = cache(async (): Promise<Actor | null> => {
  const requestHeaders = await headers();
  if (!hostAllowed(consoleOrigins(), requestHeaders.get('host'))) return null;
  if (requestHeaders.get('authorization')) return null; // pages are for browsers: sessions only
  const { auth, policy } = getConsoleAuth();
  const resolution = await resolveActor(requestHeaders, { auth, policy, prisma: getMetaStore().prisma });
  return resolution.actor;
});

/** A path of this console to come back to after sign-in, never another site. */
export function safeNextPath(raw: string | null | undefined): string {
  return raw && /^\/(?![/\\])[\x21-\x7e]*$/.test(raw) && !raw.startsWith('/sign-in') ? raw : '/';
}

export async function requirePageRole(role: Role): Promise<Actor> {
  const actor = await currentActor();
  if (!actor) {
    const path = (await headers()).get('x-mbc-path');
    redirect(`/sign-in?next=${encodeURIComponent(safeNextPath(path))}`);
  }
  if (!roleAllows(actor.role, role)) redirect(`/forbidden?need=${role}`);
  return actor;
}
