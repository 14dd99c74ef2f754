// Reads a snapshot's sections back as the meta tables they hold.
import { SNAPSHOT_SECTIONS } from '../meta/models.ts';
import { decodeSnapshot, type DecodeResult } from './snapshot-codec.ts';

export interface SnapshotRowVisitor {
  /** Called for each row with the table it belongs to and the row's JSON bytes. */
  row(table: string, json: Uint8Array): void | Promise<void>;
  table?(table: string, count: number): void | Promise<void>;
}

/** Decodes every known table; with `upToTable`, stops after that table's section (unverified preview). */
export function decodeSnapshotTables(source: AsyncIterable<Uint8Array>, visitor: SnapshotRowVisitor, options: { name?: string; upToTable?: string } = {}): Promise<DecodeResult> {
  const tableOf = (index: number) => SNAPSHOT_SECTIONS[index]!.table;
  const last = options.upToTable ? SNAPSHOT_SECTIONS.findIndex((s) => s.table === options.upToTable) : -1;
  return decodeSnapshot(
    source,
    {
      section: (index, count) => visitor.table?.(tableOf(index), count),
      item: (index, json) => visitor.row(tableOf(index), json),
    },
    last >= 0 ? { knownSections: last + 1, name: options.name, stopAfterKnown: true } : { knownSections: SNAPSHOT_SECTIONS.length, name: options.name },
  );
}
