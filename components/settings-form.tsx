'use client';
// The backup storage location: field-level validation, "Test connection" (write, read and
// delete a probe object there), and a confirmed save that warns what changes.
import { useRouter } from 'next/navigation';
import { useRef, useState, useTransition, type ReactNode } from 'react';
import { probeStorageAction, saveStorageConfigAction } from '@/app/settings/actions';
import { useStorageOk } from './storage-health';
import { useCan } from './session';

const SCHEMES = /^(s3:\/\/|minio:\/\/|fs:\/\/|memory$)/;

function validate(url: string, directory: string): Record<string, string> {
  const errors: Record<string, string> = {};
  if (url && !SCHEMES.test(url.trim()))
    errors.url = 'Use s3://bucket, minio://key:secret@host:port/bucket, fs://path or memory.';
  if (!directory.trim()) errors.directory = 'The directory must not be blank.';
  else if (directory.split('/').some((p) => p === '..' || p === '.'))
    errors.directory = "The directory must not contain '.' or '..'.";
  return errors;
}

export function SettingsForm({
  currentUrl,
  currentDirectory,
  snapshotCount,
}: {
  currentUrl: string;
  currentDirectory: string;
  snapshotCount: number;
}) {
  const allowed = useCan('admin');
  const router = useRouter();
  const storageOk = useStorageOk();
  const [url, setUrl] = useState('');
  const [directory, setDirectory] = useState(currentDirectory);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [status, setStatus] = useState<{ tone: 'ok' | 'bad'; text: string } | null>(null);
  const [pending, startTransition] = useTransition();
  const confirmDialog = useRef<HTMLDialogElement>(null);
  const changed = url.trim() !== '' || directory.trim() !== currentDirectory;

  function location() {
    return { url: url.trim() || null, directory: directory.trim() };
  }

  function check(): boolean {
    const errors = validate(url, directory);
    setFieldErrors(errors);
    return Object.keys(errors).length === 0;
  }

  function testConnection() {
    if (!check()) return;
    setStatus(null);
    startTransition(async () => {
      const target = location();
      // A blank URL tests the current one, which stays on the server.
      const result = await probeStorageAction({ url: target.url, directory: target.directory });
      setStatus(
        result.ok
          ? { tone: 'ok', text: 'Connection works: a probe object was written, read back and deleted.' }
          : { tone: 'bad', text: result.message },
      );
    });
  }

  function save() {
    confirmDialog.current?.close();
    startTransition(async () => {
      const target = location();
      const result = await saveStorageConfigAction({
        ...(target.url ? { url: target.url } : {}),
        directory: target.directory,
      });
      if (result.ok) {
        setStatus({
          tone: 'ok',
          text: `Saved. Backup storage is now ${result.data.displayUrl} ${result.data.directory}, holding ${result.data.snapshots} snapshot${result.data.snapshots === 1 ? '' : 's'}.`,
        });
        setUrl('');
        router.refresh();
      } else {
        setFieldErrors(result.fieldErrors ?? {});
        setStatus({ tone: 'bad', text: `Not saved; the previous location stays. ${result.message}` });
      }
    });
  }

  if (!allowed) {
    return (
      <dl className="facts" data-testid="storage-readonly">
        <dt>URL</dt>
        <dd>
          <code>{currentUrl}</code>
        </dd>
        <dt>Directory</dt>
        <dd>
          <code>{currentDirectory}</code>
        </dd>
        <dt>Snapshots</dt>
        <dd>{snapshotCount}</dd>
      </dl>
    );
  }
  return (
    <form
      className="settings-form"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        if (check()) confirmDialog.current?.showModal();
      }}
    >
      <TextField
        id="storage-url"
        name="url"
        label="Backup storage URL"
        hint={
          <>
            Now <code data-testid="current-url">{currentUrl}</code>. Leave blank to keep it.
          </>
        }
        value={url}
        onChange={setUrl}
        error={fieldErrors.url}
        placeholder="s3://bucket · minio://key:secret@host:port/bucket · fs://path"
      />
      <TextField
        id="storage-directory"
        name="directory"
        label="Backup storage directory"
        value={directory}
        onChange={setDirectory}
        error={fieldErrors.directory}
      />
      <div className="actions">
        <button type="button" onClick={testConnection} disabled={pending}>
          Test connection
        </button>
        <button type="submit" className="primary" disabled={pending || !changed || (!storageOk && !changed)}>
          Save…
        </button>
      </div>
      {status && (
        <p
          role={status.tone === 'bad' ? 'alert' : 'status'}
          className={status.tone === 'bad' ? 'error-text' : 'ok-text'}
          data-testid="settings-status"
        >
          {status.text}
        </p>
      )}
      <dialog ref={confirmDialog} className="dialog" aria-labelledby="confirm-title">
        <h2 id="confirm-title">Change the backup storage?</h2>
        <p>
          The {snapshotCount} snapshot{snapshotCount === 1 ? '' : 's'} in the current location stop being listed here,
          and the SSTs they pin are no longer protected from garbage collection. The new location is checked (its store
          built and its manifest read) before anything is saved.
        </p>
        <div className="actions">
          <button type="button" onClick={() => confirmDialog.current?.close()} autoFocus>
            Keep the current location
          </button>
          <button type="button" className="primary" onClick={save}>
            Change storage
          </button>
        </div>
      </dialog>
    </form>
  );
}

/** A labelled text input whose hint and error are tied to it with aria-describedby. */
function TextField(props: {
  id: string;
  name: string;
  label: string;
  hint?: ReactNode;
  value: string;
  onChange: (value: string) => void;
  error?: string;
  placeholder?: string;
}) {
  const { id, error, hint } = props;
  const describedBy = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      {hint && (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      <input
        id={id}
        name={props.name}
        value={props.value}
        autoComplete="off"
        spellCheck={false}
        placeholder={props.placeholder}
        onChange={(e) => props.onChange(e.target.value)}
        aria-invalid={Boolean(error)}
        aria-describedby={describedBy}
      />
      {error && (
        <p id={`${id}-error`} className="error-text">
          {error}
        </p>
      )}
    </div>
  );
}
