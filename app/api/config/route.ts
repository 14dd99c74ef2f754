import { setConfigBody } from '@/lib/api/schemas';
import { jsonBody, route } from '../_lib/route';

export const dynamic = 'force-dynamic';

export type ConfigResponse = { url: string; directory: string };

/** The backup storage location; secrets in the URL are masked. */
export const GET = route({ role: 'viewer' }, async ({ manager }) => {
  const config = await manager.getConfig();
  return { url: config.displayUrl, directory: config.directory };
});

/** Changes the location: the new store is built and its manifest read before anything is saved. */
export const POST = route({ role: 'admin', audit: 'storage.set' }, async ({ request, manager, audit }) => {
  const change = await jsonBody(request, setConfigBody);
  const result = await manager.setConfig(change, audit!);
  return { url: result.displayUrl, directory: result.directory, snapshots: result.snapshots };
});
