'use client';
// The users page's controls. Each calls an admin-only server action and shows its result.
import { useRouter } from 'next/navigation';
import { useState, useTransition, type FormEvent } from 'react';
import { addUserAction, resetPasswordAction, setUserDisabledAction, setUserRoleAction } from '@/app/users/actions';
import { ROLES, type Role } from '@/lib/auth/roles';

function OneTimeSecret({ label, value }: { label: string; value: string }) {
  return (
    <p className="secret-once" role="status" data-testid="one-time-secret">
      {label}: <code data-testid="secret-value">{value}</code>
      <br />
      <span className="small muted">Shown once: copy it now.</span>
    </p>
  );
}

export function AddUserForm() {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [result, setResult] = useState<
    { ok: true; username: string; password: string } | { ok: false; message: string } | null
  >(null);
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const formElement = event.currentTarget;
    startTransition(async () => {
      const response = await addUserAction({
        username: String(form.get('username')),
        role: String(form.get('role')) as Role,
      });
      if (response.ok) {
        formElement.reset();
        setResult({ ok: true, username: response.data.username ?? '', password: response.data.password });
      } else setResult({ ok: false, message: response.message });
      router.refresh();
    });
  }
  return (
    <>
      <form onSubmit={submit} className="inline-form">
        <label htmlFor="new-username">User name</label>
        <input
          id="new-username"
          name="username"
          required
          maxLength={30}
          pattern="[A-Za-z0-9_.]{3,30}"
          title="3 to 30 letters, digits, dots or underscores"
        />
        <label htmlFor="new-role">Role</label>
        <select id="new-role" name="role" defaultValue="viewer">
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
        <button type="submit" className="primary" disabled={pending}>
          Add user
        </button>
      </form>
      {result?.ok && <OneTimeSecret label={`Password of ${result.username}`} value={result.password} />}
      {result && !result.ok && (
        <p role="alert" className="error-text">
          {result.message}
        </p>
      )}
    </>
  );
}

/** A user's controls; a single sign-on user's role and password belong to its provider. */
export function UserRowActions({
  login: username,
  role,
  disabled,
  self,
  sso,
}: {
  login: string;
  role: Role;
  disabled: boolean;
  self: boolean;
  sso: boolean;
}) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [message, setMessage] = useState<{ ok: boolean; text: string; secret?: string } | null>(null);
  const run = (
    work: () => Promise<{ ok: true; data?: unknown } | { ok: false; message: string }>,
    done: (data: never) => { text: string; secret?: string },
  ) =>
    startTransition(async () => {
      const response = await work();
      setMessage(response.ok ? { ok: true, ...done(response.data as never) } : { ok: false, text: response.message });
      router.refresh();
    });
  return (
    <div className="actions">
      {!sso && (
        <label className="visually-hidden" htmlFor={`role-${username}`}>
          Role of {username}
        </label>
      )}
      {!sso && (
        <select
          id={`role-${username}`}
          value={role}
          disabled={pending || self}
          onChange={(e) =>
            run(
              () => setUserRoleAction({ username, role: e.target.value as Role }),
              () => ({ text: 'Role changed.' }),
            )
          }
        >
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
      )}
      {!self && (
        <button
          type="button"
          disabled={pending}
          onClick={() =>
            run(
              () => setUserDisabledAction({ username, disabled: !disabled }),
              () => ({ text: disabled ? 'Enabled.' : 'Disabled; their sessions ended.' }),
            )
          }
        >
          {disabled ? `Enable ${username}` : `Disable ${username}`}
        </button>
      )}
      {!sso && !self && (
        <button
          type="button"
          disabled={pending}
          onClick={() =>
            run(
              () => resetPasswordAction({ username }),
              (data: { password: string }) => ({ text: 'New password', secret: data.password }),
            )
          }
        >
          Reset password
        </button>
      )}
      {message?.secret && <OneTimeSecret label={`New password of ${username}`} value={message.secret} />}
      {message && !message.secret && (
        <span role={message.ok ? 'status' : 'alert'} className={message.ok ? 'ok-text' : 'error-text'}>
          {message.text}
        </span>
      )}
    </div>
  );
}
