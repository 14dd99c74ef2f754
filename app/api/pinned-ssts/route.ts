import { z } from 'zod';
import type { PinnedSst } from '@/lib/backup/backup-manager';
import type { Jsonified } from '@/lib/backup/json-view';
import { idSchema } from '@/lib/backup/validation';
import { parseWith, route } from '../_lib/route';

export const dynamic = 'force-dynamic';

export type PinnedSstsResponse = { total: number; items: Jsonified<PinnedSst>[]; next: string | null };

const query = z.object({
  after: idSchema.optional(),
  limit: z.coerce.number().int().min(1).max(100_000).default(1000),
  search: z
    .string()
    .regex(/^\d{1,20}$/, 'search is part of an object id (digits)')
    .optional(),
});

/** SST object ids pinned by snapshots (the union over the manifest), in id order, a page at a time. */
export const GET = route({ role: 'viewer' }, async ({ request, manager }) => {
  const { after, limit, search } = parseWith(query, Object.fromEntries(new URL(request.url).searchParams));
  return manager.listPinnedSsts({ after, limit, search });
});
