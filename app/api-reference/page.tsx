import type { Metadata } from 'next';
import { ApiReference } from '@/components/api-reference';
import { buildOpenApiDocument } from '@/lib/api/openapi';
import { requirePageRole } from '../_lib/page-auth';

export const metadata: Metadata = { title: 'API reference' };
export const dynamic = 'force-dynamic';

/** The JSON API's OpenAPI document, readable: for anyone signed in, like every page but sign-in. */
export default async function ApiReferencePage() {
  await requirePageRole('viewer');
  return (
    <>
      <h1>API reference</h1>
      <p className="muted">
        The JSON API under <code>/api/</code>, for scripts and the SST garbage collector. The same description as an
        OpenAPI 3.1 document, for tools: <a href="/api/openapi.json">/api/openapi.json</a> (no sign-in needed).
      </p>
      <ApiReference document={buildOpenApiDocument()} />
    </>
  );
}
