// orphans [--delete]
import { audited } from '../audited.ts';
import type { CommandContext } from '../context.ts';
import { bytes } from '../print.ts';

export async function runOrphans({ manager, prisma, flags, print }: CommandContext): Promise<number> {
  const orphans = await manager.listOrphans();
  if (!flags.delete) {
    const human = orphans.length
      ? [
          `${orphans.length} orphan objects (delete them with --delete):`,
          ...orphans.map((o) => `  ${o.key}  ${bytes(BigInt(o.size))}${o.kind === 'object' ? '' : `  (${o.kind})`}`),
        ].join('\n')
      : 'no orphan objects';
    print(human, { orphans });
    return 0;
  }
  const keys = orphans.map((o) => o.key);
  const deleted = await audited(prisma, 'orphans.delete', keys.join(', ').slice(0, 2000), () =>
    manager.deleteOrphans(keys),
  );
  print(
    deleted.length
      ? [`deleted ${deleted.length} orphan objects:`, ...deleted.map((k) => `  ${k}`)].join('\n')
      : 'no orphan objects',
    { deleted },
  );
  return 0;
}
