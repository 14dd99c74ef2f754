import type { Metadata } from 'next';
import Link from 'next/link';
import { ROLE_DESCRIPTIONS, isRole } from '@/lib/auth/roles';
import { requirePageRole } from '../_lib/page-auth';

export const metadata: Metadata = { title: 'Not allowed' };
export const dynamic = 'force-dynamic';

export default async function ForbiddenPage({ searchParams }: { searchParams: Promise<{ need?: string }> }) {
  const actor = await requirePageRole('viewer');
  const { need } = await searchParams;
  const role = isRole(need) ? need : null;
  return (
    <section className="card">
      <h1>Not allowed</h1>
      <p>
        {role ? (
          <>
            This page needs the <strong>{role}</strong> role ({ROLE_DESCRIPTIONS[role]}).{' '}
          </>
        ) : null}
        You are signed in as <strong>{actor.name}</strong>, {actor.role === 'admin' ? 'an' : 'a'} {actor.role}.
      </p>
      <p>
        <Link href="/">Back to the snapshots</Link>
      </p>
    </section>
  );
}
