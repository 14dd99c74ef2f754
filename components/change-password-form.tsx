'use client';
import { useState, type FormEvent } from 'react';

export function ChangePasswordForm({ minLength }: { minLength: number }) {
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [pending, setPending] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    if (form.get('newPassword') !== form.get('confirm')) {
      setMessage({ ok: false, text: 'The two new passwords differ.' });
      return;
    }
    setPending(true);
    const response = await fetch('/api/auth/change-password', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        currentPassword: form.get('currentPassword'),
        newPassword: form.get('newPassword'),
        revokeOtherSessions: true,
      }),
    }).catch(() => null);
    setPending(false);
    if (response?.ok) {
      formElement.reset();
      setMessage({ ok: true, text: 'Password changed. Other sessions have been signed out.' });
      return;
    }
    const body = (await response?.json().catch(() => null)) as { message?: string } | null;
    setMessage({
      ok: false,
      text:
        response?.status === 429
          ? 'Too many attempts: wait a few minutes.'
          : (body?.message ?? 'The password was not changed.'),
    });
  }

  return (
    <form onSubmit={submit} className="form">
      <label>
        Current password
        <input name="currentPassword" type="password" autoComplete="current-password" required />
      </label>
      <label>
        New password
        <input
          name="newPassword"
          type="password"
          autoComplete="new-password"
          required
          minLength={minLength}
          maxLength={128}
        />
      </label>
      <label>
        New password again
        <input
          name="confirm"
          type="password"
          autoComplete="new-password"
          required
          minLength={minLength}
          maxLength={128}
        />
      </label>
      {message && (
        <p role={message.ok ? 'status' : 'alert'} className={message.ok ? 'ok-text' : 'error-text'}>
          {message.text}
        </p>
      )}
      <button type="submit" className="primary" disabled={pending}>
        Change password
      </button>
    </form>
  );
}
