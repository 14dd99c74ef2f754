import { snapshotIdParams, snapshotSstsQuery } from '@/lib/api/schemas';
import { parseWith, route } from '../../../_lib/route';

export const dynamic = 'force-dynamic';

export type SnapshotSstsResponse = { total: number; items: string[]; next: string | null };

/** The SST object ids one snapshot pins, in id order, a page at a time. */
export const GET = route<{ id: string }>({ role: 'viewer' }, async ({ request, params, manager }) => {
  const { after, limit, search } = parseWith(snapshotSstsQuery, Object.fromEntries(new URL(request.url).searchParams));
  return manager.snapshotSsts(parseWith(snapshotIdParams.shape.id, params.id), { after, limit, search });
});
