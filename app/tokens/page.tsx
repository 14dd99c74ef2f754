import type { Metadata } from 'next';
import { formatTime } from '@/components/format';
import { CreateTokenForm, RevokeTokenButton } from '@/components/tokens-admin';
import { listTokens } from '@/lib/auth/tokens';
import { getMetaStore } from '@/lib/meta/shared-store';
import { requirePageRole } from '../_lib/page-auth';
import { EmptyRow } from '@/components/empty-row';

export const metadata: Metadata = { title: 'API tokens' };
export const dynamic = 'force-dynamic';

export default async function TokensPage() {
  await requirePageRole('admin');
  const tokens = await listTokens(getMetaStore().prisma);
  const now = Date.now();
  return (
    <>
      <h1>API tokens</h1>
      <section className="card">
        <h2>Create a token</h2>
        <p className="muted">
          For scripts and the SST garbage collector: send it as <code>Authorization: Bearer …</code>. Scope{' '}
          <strong>read</strong> acts as a viewer,
          <strong> operate</strong> as an operator, <strong>admin</strong> as an admin. Only a hash is kept.
        </p>
        <CreateTokenForm />
      </section>
      <div className="table-wrap">
        <table data-testid="tokens-table">
          <caption className="visually-hidden">API tokens</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Scope</th>
              <th scope="col">Created</th>
              <th scope="col">Expires</th>
              <th scope="col">Last used</th>
              <th scope="col">Status</th>
              <th scope="col" />
            </tr>
          </thead>
          <tbody>
            {tokens.length === 0 && <EmptyRow columns={7}>No tokens yet.</EmptyRow>}
            {tokens.map((t) => {
              const status = t.revokedAt
                ? 'revoked'
                : t.expiresAt && t.expiresAt.getTime() <= now
                  ? 'expired'
                  : 'active';
              return (
                <tr key={t.name}>
                  <td className="mono">{t.name}</td>
                  <td>{t.scope}</td>
                  <td>
                    {formatTime(t.createdAt.toISOString())} <span className="muted">by {t.createdBy}</span>
                  </td>
                  <td>{t.expiresAt ? formatTime(t.expiresAt.toISOString()) : <span className="muted">never</span>}</td>
                  <td>
                    {t.lastUsedAt ? formatTime(t.lastUsedAt.toISOString()) : <span className="muted">never</span>}
                  </td>
                  <td className={status === 'active' ? 'result-ok' : 'result-bad'}>{status}</td>
                  <td>{status !== 'revoked' && <RevokeTokenButton name={t.name} />}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </>
  );
}
