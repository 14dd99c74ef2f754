// diff A B
import { parseId } from '../args.ts';
import type { CommandContext } from '../context.ts';

export async function runDiff({ manager, args, print }: CommandContext): Promise<number> {
  const diff = await manager.diffSnapshots(parseId(args[0], 'A'), parseId(args[1], 'B'));
  const list = (items: { id: number; kind: string; name: string }[]) =>
    items.map((r) => `    ${r.id} ${r.kind.toLowerCase()} ${r.name}`);
  const human = [
    `snapshot ${diff.from.id} (Hummock version ${diff.from.hummockVersionId}) → ${diff.to.id} (Hummock version ${diff.to.hummockVersionId})`,
    `  relations added: ${diff.relations.added.length}`,
    ...list(diff.relations.added),
    `  relations removed: ${diff.relations.removed.length}`,
    ...list(diff.relations.removed),
    `  relations changed: ${diff.relations.changed.length}`,
    ...diff.relations.changed.map((r) => `    ${r.id} ${r.kind.toLowerCase()} ${r.name} (${r.fields.join(', ')})`),
    `  SSTs added: ${diff.ssts.added.length}, removed: ${diff.ssts.removed.length}, unchanged: ${diff.ssts.unchanged}`,
  ].join('\n');
  print(human, diff);
  return 0;
}
