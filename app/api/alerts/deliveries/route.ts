import type { AlertDeliveryView } from '@/lib/alerts/alerts';
import { alertDeliveriesQuery } from '@/lib/api/schemas';
import type { Jsonified } from '@/lib/backup/json-view';
import { parseWith, route } from '../../_lib/route';

export const dynamic = 'force-dynamic';

export type AlertDeliveryListResponse = { deliveries: Jsonified<AlertDeliveryView>[] };

/** Every delivery attempt, newest first. */
export const GET = route({ role: 'admin' }, async ({ request, manager }) => {
  const { limit } = parseWith(alertDeliveriesQuery, Object.fromEntries(new URL(request.url).searchParams));
  return { deliveries: await manager.alerts.deliveries({ limit }) };
});
