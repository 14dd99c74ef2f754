import { alertChannelIdParams } from '@/lib/api/schemas';
import { parseWith, route } from '../../../../_lib/route';

export const dynamic = 'force-dynamic';

export type AlertTestResponse = { channel: string; ok: boolean; status: string | null; error: string | null };

/** Sends one test alert to the channel and answers the outcome (recorded in the history too). */
export const POST = route<{ id: string }>(
  { role: 'admin', audit: 'alert.test' },
  async ({ params, manager, audit }): Promise<AlertTestResponse> => {
    const id = parseWith(alertChannelIdParams.shape.id, params.id);
    audit!.target = `alert channel ${id}`;
    const { channel, ok, status, error } = await manager.alerts.sendTest(id);
    return { channel, ok, status, error };
  },
);
