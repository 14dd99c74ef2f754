import type { Jsonified } from '@/lib/backup/json-view';
import type { RetentionApplied } from '@/lib/backup/retention-service';
import { route } from '../../_lib/route';

export const dynamic = 'force-dynamic';

export type RetentionAppliedResponse = Jsonified<RetentionApplied>;

/** Applies the saved rule now; each deletion writes its own audit row naming the rule. */
export const POST = route({ role: 'admin', audit: 'retention.apply' }, async ({ manager, requestId }) =>
  manager.applyRetention({ requestId }),
);
