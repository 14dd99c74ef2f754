import { Readable } from 'node:stream';
import { snapshotIdParams } from '@/lib/api/schemas';
import { parseWith, route } from '../../../_lib/route';

export const dynamic = 'force-dynamic';

/** The snapshot object itself, streamed. Admin only: it holds the whole meta store, credentials included. */
export const GET = route<{ id: string }>(
  { role: 'admin', audit: 'snapshot.download' },
  async ({ params, manager, audit }) => {
    const id = parseWith(snapshotIdParams.shape.id, params.id);
    audit!.target = `snapshot ${id}`;
    const storage = await manager.storage();
    const entry = await manager.getSnapshot(id);
    const stream = await storage.stream(id);
    return new Response(Readable.toWeb(stream) as ReadableStream, {
      headers: {
        'content-type': 'application/octet-stream',
        'content-disposition': `attachment; filename="${id}.snapshot"`,
        ...(entry.size_bytes === undefined ? {} : { 'content-length': entry.size_bytes.toString() }),
      },
    });
  },
);
