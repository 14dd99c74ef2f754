import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { SignInForm } from '@/components/sign-in-form';
import { firstAdminPasswordFile } from '@/lib/auth/first-admin';
import { oidcConfig } from '@/lib/auth/oidc-config';
import { currentActor, safeNextPath } from '../_lib/page-auth';

export const metadata: Metadata = { title: 'Sign in' };
export const dynamic = 'force-dynamic';

const SSO_ERRORS: Record<string, string> = {
  no_role:
    'Your single sign-on account has no role in this console. Ask an administrator to map one of your groups to a role.',
};

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const params = await searchParams;
  const next = safeNextPath(typeof params.next === 'string' ? params.next : null);
  if (await currentActor()) redirect(next);
  const sso = oidcConfig();
  const error =
    typeof params.error === 'string'
      ? (SSO_ERRORS[params.error] ?? 'Single sign-on did not complete. Try again, or sign in with a password.')
      : null;
  const adminFile = firstAdminPasswordFile();
  return (
    <section className="card sign-in">
      <h1>Sign in</h1>
      {error && (
        <p className="callout callout-error" role="alert">
          {error}
        </p>
      )}
      <SignInForm next={next} ssoName={sso ? sso.displayName : null} />
      {adminFile.exists && (
        <p className="muted small">
          First start? The console made the user <code>admin</code>; its password is in <code>{adminFile.path}</code> on
          the server.
        </p>
      )}
    </section>
  );
}
