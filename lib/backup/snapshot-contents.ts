// Reads a snapshot's sections back as the meta tables they hold.
import { SNAPSHOT_SECTIONS } from '../meta/models.ts';
import { decodeSnapshot, type DecodeResult } from './snapshot-codec.ts';

export interface SnapshotRowVisitor {
  /** Called for each row with the table it belongs to and the row's JSON bytes. */
  row(table: string, json: Uint8Array): void | Promise<void>;
  table?(table: string, count: number): void | Promise<void>;
}

export function decodeSnapshotTables(source: AsyncIterable<Uint8Array>, visitor: SnapshotRowVisitor, name?: string): Promise<DecodeResult> {
  const tableOf = (index: number) => SNAPSHOT_SECTIONS[index]!.table;
  return decodeSnapshot(
    source,
    {
      section: (index, count) => visitor.table?.(tableOf(index), count),
      item: (index, json) => visitor.row(tableOf(index), json),
    },
    { knownSections: SNAPSHOT_SECTIONS.length, name },
  );
}
