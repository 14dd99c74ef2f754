// The audit log's filters, as the audit page, its CSV export and the API read them from a URL.
import { z } from 'zod';
import type { AuditQuery } from '../meta/audit-log.ts';

const day = z
  .string()
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a day is YYYY-MM-DD')
  .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)), 'not a real day');

// The descriptions are what the API document (lib/api/openapi.ts) shows for each parameter.
export const auditQuerySchema = z.object({
  actor: z.string().trim().max(200).meta({ description: 'Only this actor (admin, token:NAME, cli:USER).' }).optional(),
  action: z
    .string()
    .trim()
    .max(100)
    .meta({ description: 'Only this action (snapshot.delete, job.start, …).' })
    .optional(),
  /** First day shown (UTC), inclusive. */
  from: day.meta({ description: 'First day shown (UTC, YYYY-MM-DD), inclusive.' }).optional(),
  /** Last day shown (UTC), inclusive. */
  to: day.meta({ description: 'Last day shown (UTC, YYYY-MM-DD), inclusive.' }).optional(),
  before: z.coerce
    .number()
    .int()
    .positive()
    .max(2 ** 31)
    .meta({ description: 'Paging back in time: only rows with a smaller id.' })
    .optional(),
  limit: z.coerce.number().int().min(1).max(10_000).default(100).meta({ description: 'How many rows, newest first.' }),
});

export type AuditFilters = z.output<typeof auditQuerySchema>;

export function toAuditQuery(filters: AuditFilters): AuditQuery {
  return {
    actor: filters.actor || undefined,
    action: filters.action || undefined,
    since: filters.from ? new Date(`${filters.from}T00:00:00Z`) : undefined,
    until: filters.to ? new Date(Date.parse(`${filters.to}T00:00:00Z`) + 86_400_000) : undefined,
    before: filters.before,
    limit: filters.limit,
  };
}
