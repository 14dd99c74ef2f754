// drill [ID]
import { parseId } from '../args.ts';
import { audited } from '../audited.ts';
import type { CommandContext } from '../context.ts';

export async function runDrill({ manager, prisma, args, print }: CommandContext): Promise<number> {
  const id = args[0] === undefined ? undefined : parseId(args[0], 'SNAPSHOT_ID');
  const drill = await audited(
    prisma,
    'snapshot.drill',
    id === undefined ? 'the newest snapshot' : `snapshot ${id}`,
    (audit) => manager.drillSnapshot(id, { startedBy: audit.actor, requestId: audit.requestId ?? undefined, audit }),
  );
  const seconds = (drill.durationMs / 1000).toFixed(1);
  print(
    drill.state === 'PASSED'
      ? `snapshot ${drill.snapshotId}: restore drill passed (${drill.rows} rows restored and counted, ${seconds} s)`
      : `snapshot ${drill.snapshotId}: restore drill FAILED: ${drill.problem}`,
    drill,
  );
  return drill.state === 'PASSED' ? 0 : 1;
}
