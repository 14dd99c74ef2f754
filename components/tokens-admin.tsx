'use client';
import { useRouter } from 'next/navigation';
import { useState, useTransition, type FormEvent } from 'react';
import { createTokenAction, revokeTokenAction } from '@/app/tokens/actions';
import { TOKEN_SCOPES, type TokenScope } from '@/lib/auth/roles';

export function CreateTokenForm() {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [result, setResult] = useState<
    { ok: true; name: string; token: string } | { ok: false; message: string } | null
  >(null);
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    startTransition(async () => {
      const response = await createTokenAction({
        name: String(form.get('name')),
        scope: String(form.get('scope')) as TokenScope,
        expiresIn: String(form.get('expiresIn') ?? ''),
      });
      if (response.ok) {
        formElement.reset();
        setResult({ ok: true, name: response.data.name, token: response.data.token });
      } else setResult({ ok: false, message: response.message });
      router.refresh();
    });
  }
  return (
    <>
      <form onSubmit={submit} className="inline-form">
        <label htmlFor="token-name">Name</label>
        <input id="token-name" name="name" required maxLength={64} placeholder="e.g. sst-gc" />
        <label htmlFor="token-scope">Scope</label>
        <select id="token-scope" name="scope" defaultValue="read">
          {TOKEN_SCOPES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
        <label htmlFor="token-expires">Expires in</label>
        <input
          id="token-expires"
          name="expiresIn"
          maxLength={10}
          placeholder="30d, 12h, or never"
          style={{ flex: '0 1 9rem' }}
        />
        <button type="submit" className="primary" disabled={pending}>
          Create token
        </button>
      </form>
      {result?.ok && (
        <p className="secret-once" role="status" data-testid="one-time-secret">
          Token {result.name}: <code data-testid="secret-value">{result.token}</code>
          <br />
          <span className="small muted">Shown once: copy it now. Only its hash is kept.</span>
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

export function RevokeTokenButton({ name }: { name: string }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);
  return (
    <>
      <button
        type="button"
        className="danger"
        disabled={pending}
        onClick={() => {
          if (!window.confirm(`Revoke the token ${name}? Scripts using it stop working at once.`)) return;
          startTransition(async () => {
            const response = await revokeTokenAction({ name });
            setError(response.ok ? null : response.message);
            router.refresh();
          });
        }}
      >
        Revoke {name}
      </button>
      {error && <span className="error-text">{error}</span>}
    </>
  );
}
