import type { Jsonified } from '@/lib/backup/json-view';
import type { StoredRetentionRule } from '@/lib/backup/retention-service';
import { setRetentionBody } from '@/lib/api/schemas';
import { jsonBody, route } from '../_lib/route';

export const dynamic = 'force-dynamic';

export type RetentionResponse = {
  storage: { url: string; directory: string };
  retention: Jsonified<StoredRetentionRule> | null;
};

/** The retention rule of the current storage location (null: everything is kept). */
export const GET = route({ role: 'viewer' }, async ({ manager }) => {
  const config = await manager.getConfig();
  return { storage: { url: config.displayUrl, directory: config.directory }, retention: await manager.retentionRule() };
});

/** Replaces the rule; nothing is deleted until it is applied (after a backup, or POST /api/retention/apply). */
export const PUT = route({ role: 'admin', audit: 'retention.set' }, async ({ request, manager, actor, audit }) => {
  const rule = await jsonBody(request, setRetentionBody);
  const retention = await manager.setRetentionRule(rule, actor!.name, audit!);
  const config = await manager.getConfig();
  return { storage: { url: config.displayUrl, directory: config.directory }, retention };
});
