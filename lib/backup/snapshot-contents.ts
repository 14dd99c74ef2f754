// Reads a snapshot's sections back as the meta tables they hold.
import { SNAPSHOT_SECTIONS } from '../meta/models.ts';
import { decodeSnapshot, type DecodeResult } from './snapshot-codec.ts';

export type SnapshotRowVisitor = {
  table?(table: string, count: number): void | Promise<void>;
} & (
  | {
      /** Called for each row with the table it belongs to and the row's JSON bytes. */
      row(table: string, json: Uint8Array): void | Promise<void>;
    }
  | {
      /** Called with rows in batches: less per row on large tables. */
      rows(table: string, batch: Uint8Array[]): void | Promise<void>;
    }
);

/** Decodes every known table; with `upToTable`, stops after that table's section (unverified preview). */
export function decodeSnapshotTables(
  source: AsyncIterable<Uint8Array>,
  visitor: SnapshotRowVisitor,
  options: { name?: string; upToTable?: string } = {},
): Promise<DecodeResult> {
  const tableOf = (index: number) => SNAPSHOT_SECTIONS[index]!.table;
  const last = options.upToTable ? SNAPSHOT_SECTIONS.findIndex((s) => s.table === options.upToTable) : -1;
  return decodeSnapshot(
    source,
    {
      section: (index, count) => visitor.table?.(tableOf(index), count),
      ...('rows' in visitor
        ? { items: (index: number, batch: Uint8Array[]) => visitor.rows(tableOf(index), batch) }
        : { item: (index: number, json: Uint8Array) => visitor.row(tableOf(index), json) }),
    },
    last >= 0
      ? { knownSections: last + 1, name: options.name, stopAfterKnown: true }
      : { knownSections: SNAPSHOT_SECTIONS.length, name: options.name },
  );
}
