// snapshots, show SNAPSHOT_ID, delete ID...
import { idListSchema } from '../../lib/backup/validation.ts';
import { parseId, UsageError } from '../args.ts';
import { audited } from '../audited.ts';
import type { CommandContext } from '../context.ts';
import { bytes, table } from '../print.ts';

export async function runSnapshots({ manager, print }: CommandContext): Promise<number> {
  const manifest = await manager.manifest();
  const rows = [['ID', 'CREATED', 'HUMMOCK VERSION', 'SSTS', 'SIZE', 'VERSION', 'REMARKS']];
  for (const s of manifest.snapshot_metadata)
    rows.push([
      s.id.toString(),
      s.created_at ?? '–',
      s.hummock_version_id.toString(),
      String(s.sst_count),
      bytes(s.size_bytes ?? null),
      s.rw_version ?? '–',
      s.remarks ?? '',
    ]);
  print(manifest.snapshot_metadata.length ? table(rows) : 'no snapshots', manifest);
  return 0;
}

export async function runShow({ manager, args, print }: CommandContext): Promise<number> {
  const s = await manager.getSnapshot(parseId(args[0], 'SNAPSHOT_ID'));
  const human = [
    `snapshot ${s.id}`,
    `  created           ${s.created_at ?? '–'}`,
    `  hummock version   ${s.hummock_version_id}`,
    `  format version    ${s.format_version}`,
    `  product version   ${s.rw_version ?? '–'}`,
    `  size              ${bytes(s.size_bytes ?? null)}`,
    `  remarks           ${s.remarks ?? ''}`,
    `  pinned SSTs       ${s.sst_count}`,
    `  state tables      ${s.state_table_count}`,
    ...Object.entries(s.section_counts ?? {}).map(([t, n]) => `  rows ${t.padEnd(26)} ${n}`),
  ].join('\n');
  print(human, s);
  return 0;
}

export async function runDelete({ manager, prisma, args, print }: CommandContext): Promise<number> {
  const parsed = idListSchema.safeParse(args);
  if (!parsed.success) throw new UsageError(parsed.error.issues[0]!.message);
  const manifest = await audited(prisma, 'snapshot.delete', `snapshots ${parsed.data.join(', ')}`, () =>
    manager.deleteSnapshots(parsed.data),
  );
  print(`deleted; ${manifest.snapshot_metadata.length} snapshots remain`, {
    deleted: parsed.data,
    manifest_id: manifest.manifest_id,
    remaining: manifest.snapshot_metadata.length,
  });
  return 0;
}
