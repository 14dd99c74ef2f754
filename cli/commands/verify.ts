// verify ID [--validate-integrity]
import { parseId } from '../args.ts';
import { audited } from '../audited.ts';
import type { CommandContext } from '../context.ts';
import { bytes } from '../print.ts';

export async function runVerify({ manager, prisma, flags, args, print }: CommandContext): Promise<number> {
  const id = parseId(args[0], 'SNAPSHOT_ID');
  const result = await audited(
    prisma,
    'snapshot.verify',
    `snapshot ${id}${flags['validate-integrity'] ? ' with SST integrity' : ''}`,
    () => manager.verifySnapshot(id, { validateIntegrity: flags['validate-integrity'] }),
  );
  const human = result.ok
    ? `snapshot ${result.snapshotId}: ok (${result.rows} rows, ${bytes(BigInt(result.bytes))}${result.integrityChecked ? ', every pinned SST exists' : ''})`
    : [`snapshot ${result.snapshotId}: FAILED`, ...result.problems.map((p) => `  ${p}`)].join('\n');
  print(human, result);
  return result.ok ? 0 : 1;
}
