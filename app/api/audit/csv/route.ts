import { auditCsvQuery } from '@/lib/api/schemas';
import { toAuditQuery } from '@/lib/auth/audit-query';
import { auditCsv, listAuditEvents } from '@/lib/meta/audit-log';
import { getMetaStore } from '@/lib/meta/shared-store';
import { parseWith, route } from '../../_lib/route';

export const dynamic = 'force-dynamic';

/** The audit log as CSV, with the page's filters; up to 10,000 rows (default 10,000). */
export const GET = route({ role: 'admin' }, async ({ request }) => {
  const params = Object.fromEntries(new URL(request.url).searchParams);
  const filters = parseWith(auditCsvQuery, params);
  const rows = await listAuditEvents(getMetaStore().prisma, toAuditQuery(filters));
  return new Response(auditCsv(rows), {
    headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': 'attachment; filename="audit.csv"' },
  });
});
