// pinned-ssts [--after ID] [--limit N]
import { parseId, parseLimit } from '../args.ts';
import type { CommandContext } from '../context.ts';

export async function runPinnedSsts({ manager, flags, print }: CommandContext): Promise<number> {
  const page = await manager.listPinnedSsts({
    after: flags.after === undefined ? undefined : parseId(flags.after, '--after'),
    limit: parseLimit(flags.limit, 100_000),
  });
  const human = [
    `${page.total} pinned SSTs`,
    ...page.items.map((p) => `${p.objectId}  snapshots ${p.snapshotIds.join(',')}`),
    ...(page.next === null ? [] : [`more after ${page.next} (--after ${page.next})`]),
  ].join('\n');
  print(human, page);
  return 0;
}
