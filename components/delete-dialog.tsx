'use client';
// Confirmation for deleting snapshots: names them and says how many SSTs (and bytes) stop
// being pinned because only these snapshots pinned them.
import { useRouter } from 'next/navigation';
import { useEffect, useRef, useState, useTransition } from 'react';
import { deleteSnapshotsAction, previewDeleteAction } from '@/app/actions';
import { formatBytes, formatCount } from './format';
import { useStorageOk } from './storage-health';
import { useCan } from './session';

type Preview = { releasedSsts: number; releasedBytes: string; snapshots: { id: string; remarks: string | null }[] };

export function DeleteSnapshotsButton({
  ids,
  label = 'Delete…',
  onDeleted,
  redirectTo,
}: {
  ids: string[];
  label?: string;
  onDeleted?: () => void;
  redirectTo?: string;
}) {
  const allowed = useCan('admin');
  const router = useRouter();
  const storageOk = useStorageOk();
  const dialog = useRef<HTMLDialogElement>(null);
  const [open, setOpen] = useState(false);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();

  useEffect(() => {
    if (open) dialog.current?.showModal();
    else dialog.current?.close();
  }, [open]);

  function openDialog() {
    setPreview(null);
    setError(null);
    setOpen(true);
    startTransition(async () => {
      const result = await previewDeleteAction({ ids });
      if (result.ok) setPreview(result.data);
      else setError(result.message);
    });
  }

  function confirm() {
    startTransition(async () => {
      const result = await deleteSnapshotsAction({ ids });
      if (!result.ok) {
        setError(result.message);
        return;
      }
      setOpen(false);
      onDeleted?.();
      if (redirectTo) router.push(redirectTo);
      router.refresh();
    });
  }

  const names = ids.length === 1 ? `snapshot ${ids[0]}` : `${ids.length} snapshots (${ids.join(', ')})`;
  if (!allowed) return null;
  return (
    <>
      <button type="button" className="danger" onClick={openDialog} disabled={ids.length === 0 || !storageOk}>
        {label}
      </button>
      <dialog ref={dialog} onClose={() => setOpen(false)} aria-labelledby="delete-title" className="dialog">
        <h2 id="delete-title">Delete {names}?</h2>
        {preview ? (
          <p data-testid="delete-preview">
            {preview.releasedSsts === 0
              ? 'No SST stops being pinned: other snapshots pin all of them.'
              : `${formatCount(preview.releasedSsts)} SSTs (${formatBytes(preview.releasedBytes)}) are pinned only by ${ids.length === 1 ? 'it' : 'them'} and become collectable by garbage collection.`}{' '}
            The snapshot objects are removed from backup storage. This cannot be undone.
          </p>
        ) : (
          !error && <p className="muted">Working out which SSTs stop being pinned…</p>
        )}
        {error && (
          <p role="alert" className="error-text">
            {error}
          </p>
        )}
        <div className="actions">
          <button type="button" onClick={() => setOpen(false)} autoFocus>
            Keep
          </button>
          <button type="button" className="danger" onClick={confirm} disabled={pending || !preview}>
            {pending && preview ? 'Deleting…' : `Delete ${ids.length === 1 ? 'snapshot' : `${ids.length} snapshots`}`}
          </button>
        </div>
      </dialog>
    </>
  );
}
