import { auditListQuery } from '@/lib/api/schemas';
import { toAuditQuery } from '@/lib/auth/audit-query';
import { listAuditEvents } from '@/lib/meta/audit-log';
import { getMetaStore } from '@/lib/meta/shared-store';
import { parseWith, route } from '../_lib/route';

export const dynamic = 'force-dynamic';

/** The audit log, newest first: ?actor=&action=&from=YYYY-MM-DD&to=YYYY-MM-DD&before=ID&limit=N. */
export const GET = route({ role: 'admin' }, async ({ request }) => {
  const filters = parseWith(auditListQuery, Object.fromEntries(new URL(request.url).searchParams));
  return { events: await listAuditEvents(getMetaStore().prisma, toAuditQuery(filters)) };
});
