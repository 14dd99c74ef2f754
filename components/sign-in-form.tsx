'use client';
// User name and password against better-auth's /api/auth/sign-in/username, or single sign-on.
import { useState, type FormEvent } from 'react';

async function errorMessage(response: Response): Promise<string> {
  if (response.status === 429) return 'Too many sign-in attempts. Wait a few minutes and try again.';
  const body = (await response.json().catch(() => null)) as { message?: string; code?: string } | null;
  if (response.status === 401 || body?.code === 'INVALID_USERNAME_OR_PASSWORD')
    return 'The user name or password is wrong.';
  if (response.status === 403) return body?.message ?? 'This user may not sign in.';
  return body?.message ?? `Sign-in failed (${response.status}).`;
}

export function SignInForm({ next, ssoName }: { next: string; ssoName: string | null }) {
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setPending(true);
    setError(null);
    const response = await fetch('/api/auth/sign-in/username', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: form.get('username'), password: form.get('password') }),
    }).catch(() => null);
    if (response?.ok) {
      window.location.assign(next);
      return;
    }
    setPending(false);
    setError(response ? await errorMessage(response) : 'The console server does not answer.');
  }

  async function singleSignOn() {
    setPending(true);
    setError(null);
    const response = await fetch('/api/auth/sign-in/social', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ provider: 'oidc', callbackURL: next, errorCallbackURL: '/sign-in?error=sso' }),
    }).catch(() => null);
    const body = response?.ok ? ((await response.json()) as { url?: string }) : null;
    if (body?.url) {
      window.location.assign(body.url);
      return;
    }
    setPending(false);
    setError(response ? await errorMessage(response) : 'The console server does not answer.');
  }

  return (
    <>
      <form onSubmit={submit} className="form" aria-describedby={error ? 'sign-in-error' : undefined}>
        <label>
          User name
          <input name="username" autoComplete="username" required maxLength={100} autoFocus />
        </label>
        <label>
          Password
          <input name="password" type="password" autoComplete="current-password" required maxLength={200} />
        </label>
        {error && (
          <p id="sign-in-error" className="field-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={pending}>
          Sign in
        </button>
      </form>
      {ssoName && (
        <div className="sso">
          <p className="muted">or</p>
          <button type="button" onClick={singleSignOn} disabled={pending}>
            Sign in with {ssoName}
          </button>
        </div>
      )}
    </>
  );
}
