import { gcDeletableBody } from '@/lib/api/schemas';
import { jsonBody, route } from '../../_lib/route';

export const dynamic = 'force-dynamic';

export type GcDeletableResponse = { deletable: string[] };

/**
 * For the SST garbage collector: of the candidate object ids it listed, those it may delete
 * (pinned by no snapshot, not held by a running backup's safe point).
 */
export const POST = route({ role: 'viewer' }, async ({ request, manager }) => {
  const { candidates } = await jsonBody(request, gcDeletableBody);
  return { deletable: await manager.gcDeletableSsts(candidates) };
});
