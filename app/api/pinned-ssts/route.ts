import type { PinnedSst } from '@/lib/backup/backup-manager';
import type { Jsonified } from '@/lib/backup/json-view';
import { pinnedSstsQuery } from '@/lib/api/schemas';
import { parseWith, route } from '../_lib/route';

export const dynamic = 'force-dynamic';

export type PinnedSstsResponse = { total: number; items: Jsonified<PinnedSst>[]; next: string | null };

/** SST object ids pinned by snapshots (the union over the manifest), in id order, a page at a time. */
export const GET = route({ role: 'viewer' }, async ({ request, manager }) => {
  const { after, limit, search } = parseWith(pinnedSstsQuery, Object.fromEntries(new URL(request.url).searchParams));
  return manager.listPinnedSsts({ after, limit, search });
});
