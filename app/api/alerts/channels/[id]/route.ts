import { alertChannelIdParams } from '@/lib/api/schemas';
import { parseWith, route } from '../../../_lib/route';

export const dynamic = 'force-dynamic';

export type AlertChannelRemovedResponse = { id: number; name: string; removed: true };

/** Removes a channel; its delivery history stays. */
export const DELETE = route<{ id: string }>(
  { role: 'admin', audit: 'alert.remove' },
  async ({ params, manager, audit }): Promise<AlertChannelRemovedResponse> => {
    const id = parseWith(alertChannelIdParams.shape.id, params.id);
    audit!.target = `alert channel ${id}`;
    const removed = await manager.alerts.channels.remove(id, audit!);
    return { id: removed.id, name: removed.name, removed: true };
  },
);
