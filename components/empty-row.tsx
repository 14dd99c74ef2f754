// The one row a table shows while it has none: a muted sentence across every column.
import type { ReactNode } from 'react';

export function EmptyRow({ columns, children }: { columns: number; children: ReactNode }) {
  return (
    <tr>
      <td colSpan={columns} className="muted">
        {children}
      </td>
    </tr>
  );
}
