'use client';
// A searchable, paged list of SST object ids (1,000,000 ids stay fast: pages come from the server).
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { formatCount } from './format';

interface Page<T> {
  total: number;
  items: T[];
  next: string | null;
}

export function SstList<T>({
  source,
  columns,
  row,
  rowKey,
  pageSize = 100,
  label,
}: {
  source: string;
  columns: string[];
  row: (item: T) => React.ReactNode[];
  rowKey: (item: T) => string;
  pageSize?: number;
  label: string;
}) {
  const [search, setSearch] = useState('');
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const after = cursors.at(-1) ?? null;
  const validSearch = /^\d{0,20}$/.test(search);
  const query = useQuery({
    queryKey: [source, search, after],
    enabled: validSearch,
    placeholderData: keepPreviousData,
    queryFn: async (): Promise<Page<T>> => {
      const params = new URLSearchParams({ limit: String(pageSize) });
      if (after) params.set('after', after);
      if (search) params.set('search', search);
      const response = await fetch(`${source}?${params}`, { cache: 'no-store' });
      const body = await response.json();
      if (!response.ok) throw new Error(body.error?.message ?? `answered ${response.status}`);
      return body;
    },
  });
  const page = query.data;
  return (
    <div className="sst-list">
      <div className="toolbar">
        <label htmlFor={`${label}-search`}>Search by object id</label>
        <input
          id={`${label}-search`}
          inputMode="numeric"
          value={search}
          onChange={(e) => {
            setSearch(e.target.value.trim());
            setCursors([null]);
          }}
          aria-invalid={!validSearch}
          aria-describedby={validSearch ? undefined : `${label}-search-error`}
          placeholder="digits of an object id"
        />
        {!validSearch && (
          <span id={`${label}-search-error`} className="error-text">
            Object ids are digits only.
          </span>
        )}
        {page && <span className="muted">{formatCount(page.total)} in all</span>}
      </div>
      {query.isError && <p className="error-text">Cannot load: {query.error.message}</p>}
      {page && page.items.length === 0 && <p className="muted">{search ? 'No object id matches.' : 'None.'}</p>}
      {page && page.items.length > 0 && columns.length === 1 && (
        <ol className="id-grid" aria-label={label}>
          {page.items.map((item) => (
            <li key={rowKey(item)} className="mono">
              {row(item)[0]}
            </li>
          ))}
        </ol>
      )}
      {page && page.items.length > 0 && columns.length > 1 && (
        <div className="table-wrap">
          <table aria-label={label}>
            <thead>
              <tr>
                {columns.map((c) => (
                  <th key={c} scope="col">
                    {c}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {page.items.map((item) => (
                <tr key={rowKey(item)}>
                  {row(item).map((cell, j) => (
                    <td key={columns[j]} className={j === 0 ? 'num mono' : undefined}>
                      {cell}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div className="pager">
        <button type="button" onClick={() => setCursors((c) => c.slice(0, -1))} disabled={cursors.length <= 1}>
          Previous
        </button>
        <span className="muted">Page {cursors.length}</span>
        <button type="button" onClick={() => page?.next && setCursors((c) => [...c, page.next])} disabled={!page?.next}>
          Next
        </button>
      </div>
    </div>
  );
}
