import { renderMetrics } from '@/lib/backup/metrics';
import { getMetaStore } from '@/lib/meta/shared-store';
import { route } from '../_lib/route';

export const dynamic = 'force-dynamic';

/** Prometheus text format. */
export const GET = route(async ({ manager }) => {
  const { contentType, body } = await renderMetrics(manager, getMetaStore().prisma);
  return new Response(body, { headers: { 'content-type': contentType } });
});
