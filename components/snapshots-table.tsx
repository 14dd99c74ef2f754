'use client';
// The manifest as a sortable table; rows can be selected for deletion.
import Link from 'next/link';
import { useMemo, useState } from 'react';
import { DeleteSnapshotsButton } from './delete-dialog';
import { formatBytes, formatCount, formatTime } from './format';
import { KeepToggle, type KeepView } from './keep-toggle';
import { useCan } from './session';

export interface SnapshotRow {
  id: string;
  createdAt: string | null;
  hummockVersionId: string;
  sstCount: number;
  sizeBytes: string | null;
  remarks: string | null;
  productVersion: string | null;
  /** Marked keep: retention never deletes it. */
  keep: KeepView | null;
}

type SortKey = 'id' | 'createdAt' | 'hummockVersionId' | 'sstCount' | 'sizeBytes' | 'remarks';
const COLUMNS: { key: SortKey; label: string; numeric?: boolean }[] = [
  { key: 'id', label: 'ID', numeric: true },
  { key: 'createdAt', label: 'Created' },
  { key: 'hummockVersionId', label: 'Hummock version', numeric: true },
  { key: 'sstCount', label: 'SSTs', numeric: true },
  { key: 'sizeBytes', label: 'Size', numeric: true },
  { key: 'remarks', label: 'Remarks' },
];

function compare(a: SnapshotRow, b: SnapshotRow, key: SortKey): number {
  const x = a[key];
  const y = b[key];
  if (x === null || y === null) return x === y ? 0 : x === null ? -1 : 1;
  if (key === 'id' || key === 'hummockVersionId' || key === 'sizeBytes')
    return BigInt(x) < BigInt(y) ? -1 : BigInt(x) > BigInt(y) ? 1 : 0;
  if (typeof x === 'number' && typeof y === 'number') return x - y;
  return String(x).localeCompare(String(y));
}

export function SnapshotsTable({ rows }: { rows: SnapshotRow[] }) {
  const canCompare = useCan('operator');
  const [sort, setSort] = useState<{ key: SortKey; descending: boolean }>({ key: 'id', descending: true });
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const sorted = useMemo(() => {
    const out = [...rows].sort((a, b) => compare(a, b, sort.key));
    return sort.descending ? out.reverse() : out;
  }, [rows, sort]);
  const visibleSelected = [...selected].filter((id) => rows.some((r) => r.id === id));

  if (rows.length === 0) {
    return (
      <div className="empty" data-testid="snapshots-empty">
        <h2>No snapshots yet</h2>
        <p className="muted">
          Back up the meta store to create the first one. Snapshots in another storage location are not listed here.
        </p>
      </div>
    );
  }

  const toggle = (id: string) => setSelected((s) => new Set(s.has(id) ? [...s].filter((x) => x !== id) : [...s, id]));
  const allSelected = visibleSelected.length === rows.length;
  const pair = [...visibleSelected].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
  return (
    <div>
      <div className="toolbar">
        <span className="muted">
          {formatCount(rows.length)} snapshot{rows.length === 1 ? '' : 's'}
          {visibleSelected.length ? `, ${visibleSelected.length} selected` : ''}
        </span>
        <DeleteSnapshotsButton
          ids={visibleSelected}
          label={visibleSelected.length ? `Delete ${visibleSelected.length} selected…` : 'Delete selected…'}
          onDeleted={() => setSelected(new Set())}
        />
        {canCompare && visibleSelected.length === 2 && (
          <Link className="button" href={`/snapshots/diff?from=${pair[0]}&to=${pair[1]}`}>
            Compare the 2 selected
          </Link>
        )}
      </div>
      <div className="table-wrap">
        <table data-testid="snapshots-table">
          <caption className="visually-hidden">Snapshots in the manifest</caption>
          <thead>
            <tr>
              <th scope="col">
                <input
                  type="checkbox"
                  aria-label="Select all snapshots"
                  checked={allSelected}
                  onChange={() => setSelected(allSelected ? new Set() : new Set(rows.map((r) => r.id)))}
                />
              </th>
              {COLUMNS.map((column) => (
                <th
                  key={column.key}
                  scope="col"
                  aria-sort={sort.key === column.key ? (sort.descending ? 'descending' : 'ascending') : 'none'}
                  className={column.numeric ? 'num' : undefined}
                >
                  <button
                    type="button"
                    className="sort"
                    onClick={() =>
                      setSort((s) => ({
                        key: column.key,
                        descending: s.key === column.key ? !s.descending : column.key !== 'remarks',
                      }))
                    }
                  >
                    {column.label}
                    <span aria-hidden="true">{sort.key === column.key ? (sort.descending ? ' ▼' : ' ▲') : ''}</span>
                  </button>
                </th>
              ))}
              <th scope="col">Product version</th>
              <th scope="col">Keep</th>
            </tr>
          </thead>
          <tbody>
            {sorted.map((row) => (
              <tr key={row.id} data-snapshot-id={row.id}>
                <td>
                  <input
                    type="checkbox"
                    aria-label={`Select snapshot ${row.id}`}
                    checked={selected.has(row.id)}
                    onChange={() => toggle(row.id)}
                  />
                </td>
                <td className="num">
                  <Link href={`/snapshots/${row.id}`}>{row.id}</Link>
                </td>
                <td className="time">{formatTime(row.createdAt)}</td>
                <td className="num">{row.hummockVersionId}</td>
                <td className="num">{formatCount(row.sstCount)}</td>
                <td className="num">{formatBytes(row.sizeBytes)}</td>
                <td className="remarks">{row.remarks ?? <span className="muted">–</span>}</td>
                <td className="muted">{row.productVersion ?? '–'}</td>
                <td>
                  <KeepToggle id={row.id} keep={row.keep} compact />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
