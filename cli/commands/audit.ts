// audit [--limit N]
import { listAuditEvents } from '../../lib/meta/audit-log.ts';
import { parseLimit } from '../args.ts';
import type { CommandContext } from '../context.ts';
import { table } from '../print.ts';

export async function runAudit({ prisma, flags, print }: CommandContext): Promise<number> {
  const events = await listAuditEvents(prisma, { limit: parseLimit(flags.limit, 100) });
  const rows = [['ID', 'AT', 'ACTOR', 'FROM', 'ACTION', 'TARGET', 'RESULT']];
  for (const e of events)
    rows.push([
      String(e.id),
      e.at.toISOString(),
      e.actor,
      e.address ?? '–',
      e.action,
      e.target ?? '',
      e.result === 'ok' ? 'ok' : `${e.result}: ${e.message ?? ''}`,
    ]);
  print(events.length ? table(rows) : 'the audit log is empty', events);
  return 0;
}
