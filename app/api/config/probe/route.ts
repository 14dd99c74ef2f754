import { z } from 'zod';
import { jsonBody, route } from '../../_lib/route';

export const dynamic = 'force-dynamic';

/** Writes, reads back and deletes a probe object at a location, saving nothing. */
export const POST = route(async ({ request, manager }) => {
  const location = await jsonBody(request, z.object({ url: z.string().trim().min(1), directory: z.string().trim().min(1) }));
  await manager.probeStorage(location);
  return { ok: true };
});
