'use client';
// Objects in the backup directory that no snapshot names (left by crashed jobs or strays) and
// unfinished uploads, with a confirmed delete of exactly the listed ones.
import { useRouter } from 'next/navigation';
import { useRef, useState, useTransition } from 'react';
import { deleteOrphansAction } from '@/app/actions';
import { formatBytes, formatTime } from './format';
import { useStorageOk } from './storage-health';
import { useCan } from './session';

export interface OrphanRow {
  key: string;
  kind: 'object' | 'unfinished upload';
  size: number;
  lastModified: string;
}

export function OrphansCard({ orphans, error }: { orphans: OrphanRow[]; error?: string }) {
  const router = useRouter();
  const storageOk = useStorageOk();
  const canDelete = useCan('admin');
  const dialog = useRef<HTMLDialogElement>(null);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [pending, startTransition] = useTransition();
  const total = orphans.reduce((sum, o) => sum + o.size, 0);
  const remove = () => {
    dialog.current?.close();
    startTransition(async () => {
      const result = await deleteOrphansAction({ keys: orphans.map((o) => o.key) });
      setMessage(
        result.ok
          ? { ok: true, text: `Deleted ${result.data.deleted.length} orphan objects.` }
          : { ok: false, text: result.message },
      );
      router.refresh();
    });
  };
  return (
    <section className="card" aria-labelledby="orphans-heading">
      <h2 id="orphans-heading">Orphan objects</h2>
      <p className="muted">
        Objects in the backup directory that no snapshot in the manifest names, and uploads that never finished
        (temporary files, multipart uploads), such as what a crashed or killed job left. A running job's upload is never
        listed.
      </p>
      {error ? (
        <p className="error-text" role="alert" data-testid="orphans-error">
          {error}
        </p>
      ) : orphans.length === 0 ? (
        <p data-testid="orphans-none">None.</p>
      ) : (
        <>
          <div className="table-wrap">
            <table aria-label="Orphan objects">
              <thead>
                <tr>
                  <th scope="col">Key</th>
                  <th scope="col">Kind</th>
                  <th scope="col" className="num">
                    Size
                  </th>
                  <th scope="col">Last modified</th>
                </tr>
              </thead>
              <tbody>
                {orphans.map((o) => (
                  <tr key={o.key}>
                    <td className="mono">{o.key}</td>
                    <td>{o.kind}</td>
                    <td className="num">{formatBytes(o.size)}</td>
                    <td>{formatTime(o.lastModified)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {canDelete && (
            <div className="actions">
              <button
                type="button"
                className="danger"
                disabled={pending || !storageOk}
                onClick={() => dialog.current?.showModal()}
              >
                Delete {orphans.length} orphan objects…
              </button>
            </div>
          )}
        </>
      )}
      {message && (
        <p role={message.ok ? 'status' : 'alert'} className={message.ok ? 'ok-text' : 'error-text'}>
          {message.text}
        </p>
      )}
      <dialog ref={dialog} className="dialog" aria-labelledby="orphans-confirm">
        <h2 id="orphans-confirm">Delete {orphans.length} orphan objects?</h2>
        <p>
          {formatBytes(total)} in {orphans.length} objects listed above are removed from backup storage. No snapshot in
          the manifest uses them. This cannot be undone.
        </p>
        <div className="actions">
          <button type="button" onClick={() => dialog.current?.close()} autoFocus>
            Keep
          </button>
          <button type="button" className="danger" onClick={remove}>
            Delete orphans
          </button>
        </div>
      </dialog>
    </section>
  );
}
