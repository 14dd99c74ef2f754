// The JSON API's OpenAPI 3.1 document (lib/api/openapi.ts), rendered for people at /api-reference.
// Public, like /api/health: it describes the routes, their inputs, answers and roles, and no data
// or setting beyond whether /api/metrics needs a token; tools and client generators can read it
// without a token. The Host check (proxy.ts and route()) still applies.
import { buildOpenApiDocument, type OpenApiDocument } from '@/lib/api/openapi';
import { route } from '../_lib/route';

export const dynamic = 'force-dynamic';

let built: OpenApiDocument | undefined;

/** The document, built once per process. */
export const GET = route({ role: 'public' }, async () => {
  built ??= buildOpenApiDocument();
  return built;
});
