import type { AlertChannelView } from '@/lib/alerts/channels';
import { addAlertChannelBody } from '@/lib/api/schemas';
import type { Jsonified } from '@/lib/backup/json-view';
import { jsonBody, route } from '../../_lib/route';

export const dynamic = 'force-dynamic';

export type AlertChannelListResponse = { channels: Jsonified<AlertChannelView>[] };
export type AlertChannelResponse = Jsonified<AlertChannelView>;

/**
 * Alert channels, targets masked. Admin only: a masked target still names internal hosts and
 * people's addresses, which a viewer has no need to see.
 */
export const GET = route({ role: 'admin' }, async ({ manager }) => ({
  channels: await manager.alerts.channels.list(),
}));

/** Adds a channel; its URL and secret are stored sealed and never answered. */
export const POST = route({ role: 'admin', audit: 'alert.add' }, async ({ request, manager, actor, audit }) => {
  const input = await jsonBody(request, addAlertChannelBody);
  audit!.target = input.name;
  return manager.alerts.channels.add(input, { createdBy: actor!.name, audit: audit! });
});
