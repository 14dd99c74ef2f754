import { renderMetrics } from '@/lib/backup/metrics';
import { getMetaStore } from '@/lib/meta/shared-store';
import { route } from '../_lib/route';

export const dynamic = 'force-dynamic';

/** Prometheus text format; a read token is needed unless METRICS_PUBLIC=1. */
export const GET = route({ role: process.env.METRICS_PUBLIC === '1' ? 'public' : 'viewer' }, async ({ manager }) => {
  const { contentType, body } = await renderMetrics(manager, getMetaStore().prisma);
  return new Response(body, { headers: { 'content-type': contentType } });
});
