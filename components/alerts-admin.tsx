'use client';
import { useRouter } from 'next/navigation';
import { useState, useTransition, type FormEvent } from 'react';
import { addAlertChannelAction, removeAlertChannelAction, testAlertChannelAction } from '@/app/alerts/actions';

type Kind = 'webhook' | 'slack' | 'email';

const TARGET_HINT: Record<Kind, { label: string; placeholder: string; type: string }> = {
  webhook: { label: 'URL', placeholder: 'https://alerts.example.com/mbc', type: 'url' },
  slack: { label: 'Incoming webhook URL', placeholder: 'https://hooks.slack.com/services/…', type: 'url' },
  email: { label: 'Address', placeholder: 'oncall@example.com', type: 'email' },
};

export function AddAlertChannelForm({ kinds }: { kinds: readonly string[] }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [kind, setKind] = useState<Kind>('webhook');
  const [result, setResult] = useState<{ ok: true; name: string } | { ok: false; message: string } | null>(null);
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const secret = String(form.get('secret') ?? '');
    startTransition(async () => {
      const response = await addAlertChannelAction({
        name: String(form.get('name')),
        kind,
        target: String(form.get('target')),
        ...(kind === 'webhook' && secret ? { secret } : {}),
        events: form.getAll('events').map(String),
      });
      if (response.ok) {
        formElement.reset();
        setKind('webhook');
        setResult({ ok: true, name: response.data.name });
      } else setResult({ ok: false, message: response.message });
      router.refresh();
    });
  }
  const hint = TARGET_HINT[kind];
  return (
    <>
      <form onSubmit={submit} className="alert-form" data-testid="add-alert-channel">
        <div className="inline-form">
          <label htmlFor="alert-name">Name</label>
          <input id="alert-name" name="name" required maxLength={64} placeholder="e.g. oncall" />
          <label htmlFor="alert-kind">Kind</label>
          <select id="alert-kind" name="kind" value={kind} onChange={(e) => setKind(e.target.value as Kind)}>
            <option value="webhook">Webhook (JSON, signed)</option>
            <option value="slack">Slack</option>
            <option value="email">E-mail</option>
          </select>
        </div>
        <div className="inline-form">
          <label htmlFor="alert-target">{hint.label}</label>
          <input
            id="alert-target"
            name="target"
            type={hint.type}
            required
            maxLength={2048}
            placeholder={hint.placeholder}
            autoComplete="off"
          />
          {kind === 'webhook' && (
            <>
              <label htmlFor="alert-secret">Signing secret</label>
              <input
                id="alert-secret"
                name="secret"
                type="password"
                minLength={8}
                maxLength={256}
                placeholder="optional, 8+ characters"
                autoComplete="new-password"
              />
            </>
          )}
        </div>
        <fieldset className="alert-events">
          <legend>Events (none ticked: all, those added later included)</legend>
          {kinds.map((k) => (
            <label key={k} className="check">
              <input type="checkbox" name="events" value={k} /> <code>{k}</code>
            </label>
          ))}
        </fieldset>
        <button type="submit" className="primary" disabled={pending}>
          Add channel
        </button>
      </form>
      {result?.ok && (
        <p role="status" className="ok-text">
          Added {result.name}. Its URL and secret are stored sealed and are not shown again.
        </p>
      )}
      {result && !result.ok && (
        <p role="alert" className="error-text">
          {result.message}
        </p>
      )}
    </>
  );
}

export function AlertChannelButtons({ id, name }: { id: number; name: string }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  return (
    <div className="row-actions">
      <button
        type="button"
        aria-label={`Send test to ${name}`}
        disabled={pending}
        onClick={() =>
          startTransition(async () => {
            const response = await testAlertChannelAction({ id });
            if (!response.ok) setMessage({ ok: false, text: response.message });
            else {
              const sent = response.data;
              const detail = [sent.status, sent.error].filter(Boolean).join(': ');
              setMessage({ ok: sent.ok, text: `${sent.ok ? 'delivered' : 'failed'}${detail ? ` (${detail})` : ''}` });
            }
            router.refresh();
          })
        }
      >
        Send test
      </button>
      <button
        type="button"
        className="danger"
        aria-label={`Remove ${name}`}
        disabled={pending}
        onClick={() => {
          if (!window.confirm(`Remove the alert channel ${name}? Its delivery history stays.`)) return;
          startTransition(async () => {
            const response = await removeAlertChannelAction({ id });
            setMessage(response.ok ? null : { ok: false, text: response.message });
            router.refresh();
          });
        }}
      >
        Remove
      </button>
      {message && (
        <span role={message.ok ? 'status' : 'alert'} className={message.ok ? 'ok-text' : 'error-text'}>
          {message.text}
        </span>
      )}
    </div>
  );
}
