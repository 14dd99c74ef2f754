import type { Jsonified } from '@/lib/backup/json-view';
import type { RetentionPlan } from '@/lib/backup/retention';
import { previewRetentionBody } from '@/lib/api/schemas';
import { jsonBody, route } from '../../_lib/route';

export const dynamic = 'force-dynamic';

export type RetentionPlanResponse = Jsonified<RetentionPlan>;

/** What the rule in the body would keep and delete now, and why; nothing is saved or deleted. */
export const POST = route({ role: 'viewer' }, async ({ request, manager }) =>
  manager.previewRetention(await jsonBody(request, previewRetentionBody)),
);
