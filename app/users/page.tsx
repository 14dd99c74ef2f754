import type { Metadata } from 'next';
import { formatTime } from '@/components/format';
import { AddUserForm, UserRowActions } from '@/components/users-admin';
import { ROLE_DESCRIPTIONS, ROLES } from '@/lib/auth/roles';
import { listUsers } from '@/lib/auth/users';
import { getMetaStore } from '@/lib/meta/shared-store';
import { requirePageRole } from '../_lib/page-auth';

export const metadata: Metadata = { title: 'Users' };
export const dynamic = 'force-dynamic';

export default async function UsersPage() {
  const me = await requirePageRole('admin');
  const users = await listUsers(getMetaStore().prisma);
  return (
    <>
      <h1>Users</h1>
      <section className="card">
        <h2>Add a user</h2>
        <p className="muted">The password is made for you and shown once; the user changes it under Account.</p>
        <AddUserForm />
        <ul className="muted small">
          {ROLES.map((role) => (
            <li key={role}>
              <strong>{role}</strong>: {ROLE_DESCRIPTIONS[role]}
            </li>
          ))}
        </ul>
      </section>
      <div className="table-wrap">
        <table data-testid="users-table">
          <caption className="visually-hidden">Console users</caption>
          <thead>
            <tr>
              <th scope="col">User</th>
              <th scope="col">Role</th>
              <th scope="col">Signs in with</th>
              <th scope="col">Status</th>
              <th scope="col">Last seen</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {users.map((u) => {
              const login = u.username ?? u.email ?? u.name;
              return (
                <tr key={u.id}>
                  <td>{login}</td>
                  <td>{u.username === null ? `${u.role} (from the provider)` : u.role}</td>
                  <td>{u.signIn.join(', ') || '–'}</td>
                  <td>{u.disabled ? <span className="result-bad">disabled</span> : 'active'}</td>
                  <td>
                    {u.lastSeenAt ? formatTime(u.lastSeenAt.toISOString()) : <span className="muted">never</span>}
                  </td>
                  <td>
                    <UserRowActions
                      login={login}
                      role={u.role}
                      disabled={u.disabled}
                      self={u.id === me.userId}
                      sso={u.username === null}
                    />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </>
  );
}
