'use client';
import { useRouter } from 'next/navigation';
import { type FormEvent, useEffect, useState, useTransition } from 'react';
import {
  createScheduleAction,
  deleteScheduleAction,
  previewCronAction,
  setScheduleEnabledAction,
  updateScheduleAction,
} from '@/app/schedules/actions';
import { formatInZone } from './format';

/** A time in the browser's zone; rendered after mount, as the server does not know that zone. */
export function LocalTime({ iso }: { iso: string }) {
  const [text, setText] = useState<string | null>(null);
  useEffect(() => setText(formatInZone(iso)), [iso]);
  return <span className="muted small">{text ?? ''}</span>;
}

export function BrowserZone() {
  const [zone, setZone] = useState('');
  useEffect(() => setZone(Intl.DateTimeFormat().resolvedOptions().timeZone), []);
  return <>{zone || 'your zone'}</>;
}

/** The next runs of a schedule: in its zone, and below in the browser's. */
export function RunTimes({ times, zone }: { times: string[]; zone: string }) {
  if (!times.length) return <span className="muted">–</span>;
  return (
    <ol className="run-times">
      {times.map((iso) => (
        <li key={iso}>
          <time dateTime={iso}>{formatInZone(iso, zone)}</time> <LocalTime iso={iso} />
        </li>
      ))}
    </ol>
  );
}

type Preview = { ok: true; nextRuns: string[]; timeZone: string } | { ok: false; message: string } | null;

/** The next runs of an expression as it is typed, checked on the server by the rules saving uses. */
function useCronPreview(cron: string, timeZone: string): Preview {
  const [preview, setPreview] = useState<Preview>(null);
  useEffect(() => {
    let current = true;
    const timer = setTimeout(async () => {
      const response = await previewCronAction({ cron, timeZone });
      if (!current) return;
      setPreview(
        response.ok
          ? { ok: true, nextRuns: response.data.nextRuns, timeZone: response.data.timeZone }
          : { ok: false, message: response.message },
      );
    }, 300);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [cron, timeZone]);
  return preview;
}

/** The cron expression and time zone inputs of the add and change forms. */
function CronZoneFields(props: {
  cron: string;
  setCron: (cron: string) => void;
  timeZone: string;
  setTimeZone: (zone: string) => void;
}) {
  return (
    <>
      <label>
        Cron <span className="muted small">(minute hour day month weekday)</span>
        <input
          name="cron"
          required
          maxLength={200}
          value={props.cron}
          onChange={(e) => props.setCron(e.target.value)}
          className="mono"
          aria-describedby="cron-preview"
        />
      </label>
      <label>
        Time zone <span className="muted small">(IANA)</span>
        <input
          name="timeZone"
          required
          maxLength={64}
          value={props.timeZone}
          onChange={(e) => props.setTimeZone(e.target.value)}
        />
      </label>
    </>
  );
}

function CronPreview({ preview }: { preview: Preview }) {
  return (
    <div id="cron-preview" className="cron-preview" aria-live="polite" data-testid="cron-preview">
      {preview === null ? (
        <span className="muted">Checking…</span>
      ) : preview.ok ? (
        <>
          <strong>Next runs</strong> <span className="muted small">({preview.timeZone}; yours below)</span>
          <RunTimes times={preview.nextRuns} zone={preview.timeZone} />
        </>
      ) : (
        <span className="error-text">{preview.message}</span>
      )}
    </div>
  );
}

export function CreateScheduleForm({ defaultRemarks }: { defaultRemarks: string }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [cron, setCron] = useState('0 2 * * *');
  const [timeZone, setTimeZone] = useState('UTC');
  const [kind, setKind] = useState<'backup' | 'drill'>('backup');
  const [result, setResult] = useState<{ ok: boolean; message: string } | null>(null);

  useEffect(() => {
    setTimeZone(Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC');
  }, []);

  const preview = useCronPreview(cron, timeZone);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    startTransition(async () => {
      const response = await createScheduleAction({
        name: String(form.get('name')),
        kind,
        cron,
        timeZone,
        ...(kind === 'backup'
          ? { verify: form.get('verify') === 'on', remarks: String(form.get('remarks') ?? '') }
          : {}),
      });
      setResult(
        response.ok ? { ok: true, message: `Added ${response.data.name}.` } : { ok: false, message: response.message },
      );
      if (response.ok) formElement.reset();
      router.refresh();
    });
  }

  return (
    <form onSubmit={submit} className="schedule-form" data-testid="schedule-form">
      <div className="schedule-fields">
        <label>
          Name
          <input name="name" required maxLength={64} placeholder="nightly" pattern="[A-Za-z0-9][A-Za-z0-9._\-]*" />
        </label>
        <CronZoneFields cron={cron} setCron={setCron} timeZone={timeZone} setTimeZone={setTimeZone} />
        <label>
          Runs
          <select name="kind" value={kind} onChange={(e) => setKind(e.target.value === 'drill' ? 'drill' : 'backup')}>
            <option value="backup">a backup</option>
            <option value="drill">a restore drill of the newest snapshot</option>
          </select>
        </label>
        {kind === 'backup' && (
          <>
            <label>
              Remarks <span className="muted small">{'{name} {date} {time} {due}'}</span>
              <input name="remarks" maxLength={500} defaultValue={defaultRemarks} />
            </label>
            <label className="checkbox">
              <input type="checkbox" name="verify" /> Verify each snapshot after backup
            </label>
          </>
        )}
      </div>
      <CronPreview preview={preview} />
      <div>
        <button type="submit" className="primary" disabled={pending || preview?.ok === false}>
          Add schedule
        </button>
      </div>
      {result && (
        <p role={result.ok ? 'status' : 'alert'} className={result.ok ? 'result-ok' : 'error-text'}>
          {result.message}
        </p>
      )}
    </form>
  );
}

export function EnabledToggle({ id, name, enabled }: { id: number; name: string; enabled: boolean }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);
  return (
    <label className="checkbox">
      <input
        type="checkbox"
        checked={enabled}
        disabled={pending}
        aria-label={`${name} enabled`}
        onChange={(e) => {
          const next = e.target.checked;
          startTransition(async () => {
            const response = await setScheduleEnabledAction({ id, enabled: next });
            setError(response.ok ? null : response.message);
            router.refresh();
          });
        }}
      />{' '}
      {enabled ? 'on' : 'off'}
      {error && (
        <span role="alert" className="error-text">
          {' '}
          {error}
        </span>
      )}
    </label>
  );
}

export function DeleteScheduleButton({ id, name }: { id: number; name: string }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);
  return (
    <>
      <button
        type="button"
        className="danger"
        aria-label={`Remove the schedule ${name}`}
        disabled={pending}
        onClick={() => {
          if (!window.confirm(`Remove the schedule ${name} and its run history? Its snapshots stay.`)) return;
          startTransition(async () => {
            const response = await deleteScheduleAction({ id });
            setError(response.ok ? null : response.message);
            router.refresh();
          });
        }}
      >
        Remove
      </button>
      {error && (
        <span role="alert" className="error-text">
          {error}
        </span>
      )}
    </>
  );
}

/** Changes a schedule's time, zone and, for a backup schedule, its remarks and verify. */
export function EditScheduleForm({
  schedule,
}: {
  schedule: { id: number; kind: 'backup' | 'drill'; cron: string; timeZone: string; remarks: string; verify: boolean };
}) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [cron, setCron] = useState(schedule.cron);
  const [timeZone, setTimeZone] = useState(schedule.timeZone);
  const [remarks, setRemarks] = useState(schedule.remarks);
  const [verify, setVerify] = useState(schedule.verify);
  const [result, setResult] = useState<{ ok: boolean; message: string } | null>(null);
  const preview = useCronPreview(cron, timeZone);
  const backup = schedule.kind === 'backup';
  const change = {
    ...(cron.trim() !== schedule.cron ? { cron } : {}),
    ...(timeZone !== schedule.timeZone ? { timeZone } : {}),
    ...(backup && remarks !== schedule.remarks ? { remarks } : {}),
    ...(backup && verify !== schedule.verify ? { verify } : {}),
  };
  const changed = Object.keys(change).length > 0;

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    startTransition(async () => {
      const response = await updateScheduleAction({ id: schedule.id, change });
      setResult(response.ok ? { ok: true, message: 'Saved.' } : { ok: false, message: response.message });
      router.refresh();
    });
  }

  return (
    <form onSubmit={submit} className="schedule-form" data-testid="edit-schedule-form">
      <div className="schedule-fields">
        <CronZoneFields cron={cron} setCron={setCron} timeZone={timeZone} setTimeZone={setTimeZone} />
        {backup && (
          <>
            <label>
              Remarks <span className="muted small">{'{name} {date} {time} {due}'}</span>
              <input name="remarks" maxLength={500} value={remarks} onChange={(e) => setRemarks(e.target.value)} />
            </label>
            <label className="checkbox">
              <input type="checkbox" checked={verify} onChange={(e) => setVerify(e.target.checked)} /> Verify each
              snapshot after backup
            </label>
          </>
        )}
      </div>
      <CronPreview preview={preview} />
      <p className="muted small">
        A new time or zone starts the schedule afresh: runs due before the change are not caught up.
      </p>
      <div>
        <button type="submit" className="primary" disabled={pending || !changed || preview?.ok === false}>
          Save changes
        </button>
      </div>
      {result && (
        <p role={result.ok ? 'status' : 'alert'} className={result.ok ? 'result-ok' : 'error-text'}>
          {result.message}
        </p>
      )}
    </form>
  );
}
