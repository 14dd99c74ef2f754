'use client';
// Who is signed in, their role, and the way out.
import Link from 'next/link';
import { useState } from 'react';
import { useSessionUser } from './session';

export function UserMenu() {
  const user = useSessionUser();
  const [pending, setPending] = useState(false);
  if (!user) return null;
  async function signOut() {
    setPending(true);
    await fetch('/api/auth/sign-out', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    }).catch(() => null);
    window.location.assign('/sign-in');
  }
  return (
    <div className="user-menu" data-testid="user-menu">
      <Link href="/account" className="user-name">
        {user.name}
      </Link>
      <span className={`role-badge role-${user.role}`} data-testid="user-role">
        {user.role}
      </span>
      <button type="button" onClick={signOut} disabled={pending}>
        Sign out
      </button>
    </div>
  );
}
