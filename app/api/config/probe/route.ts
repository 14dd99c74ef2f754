import { probeStorageBody } from '@/lib/api/schemas';
import { maskUrl } from '@/lib/object-store/url';
import { jsonBody, route } from '../../_lib/route';

export const dynamic = 'force-dynamic';

/** Writes, reads back and deletes a probe object at a location, saving nothing. */
export const POST = route({ role: 'admin', audit: 'storage.probe' }, async ({ request, manager, audit }) => {
  const location = await jsonBody(request, probeStorageBody);
  audit!.target = `${maskUrl(location.url)} ${location.directory}`;
  await manager.probeStorage(location);
  return { ok: true };
});
