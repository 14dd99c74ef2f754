import { z } from 'zod';
import { idSchema } from '@/lib/backup/validation';
import { parseWith, route } from '../../../_lib/route';

export const dynamic = 'force-dynamic';

export type SnapshotSstsResponse = { total: number; items: string[]; next: string | null };

const query = z.object({
  after: idSchema.optional(),
  limit: z.coerce.number().int().min(1).max(100_000).default(100),
  search: z
    .string()
    .regex(/^\d{1,20}$/, 'search is part of an object id (digits)')
    .optional(),
});

/** The SST object ids one snapshot pins, in id order, a page at a time. */
export const GET = route<{ id: string }>({ role: 'viewer' }, async ({ request, params, manager }) => {
  const { after, limit, search } = parseWith(query, Object.fromEntries(new URL(request.url).searchParams));
  return manager.snapshotSsts(parseWith(idSchema, params.id), { after, limit, search });
});
