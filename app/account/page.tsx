import type { Metadata } from 'next';
import { ChangePasswordForm } from '@/components/change-password-form';
import { ROLE_DESCRIPTIONS } from '@/lib/auth/roles';
import { MIN_PASSWORD_LENGTH } from '@/lib/auth/users';
import { getMetaStore } from '@/lib/meta/shared-store';
import { requirePageRole } from '../_lib/page-auth';

export const metadata: Metadata = { title: 'Account' };
export const dynamic = 'force-dynamic';

export default async function AccountPage() {
  const actor = await requirePageRole('viewer');
  const hasPassword =
    (await getMetaStore().prisma.consoleAccount.count({ where: { userId: actor.userId!, providerId: 'credential' } })) >
    0;
  return (
    <>
      <h1>Account</h1>
      <section className="card">
        <h2>{actor.name}</h2>
        <p>
          Role <strong>{actor.role}</strong>: {ROLE_DESCRIPTIONS[actor.role]}.
        </p>
      </section>
      {hasPassword ? (
        <section className="card">
          <h2>Change password</h2>
          <p className="muted">At least {MIN_PASSWORD_LENGTH} characters. Your other sessions end when it changes.</p>
          <ChangePasswordForm minLength={MIN_PASSWORD_LENGTH} />
        </section>
      ) : (
        <p className="muted">You sign in with single sign-on; your password is kept by your identity provider.</p>
      )}
    </>
  );
}
