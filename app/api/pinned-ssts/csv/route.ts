import { route } from '../../_lib/route';

export const dynamic = 'force-dynamic';

/** Every pinned SST as CSV: object_id,snapshot_ids (snapshot ids separated by spaces). */
export const GET = route({ role: 'viewer' }, async ({ manager }) => {
  const { items } = await manager.listPinnedSsts({ limit: 100_000_000 });
  const encoder = new TextEncoder();
  let at = 0;
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode('object_id,snapshot_ids\n'));
    },
    pull(controller) {
      const end = Math.min(at + 10_000, items.length);
      let chunk = '';
      for (; at < end; at++) chunk += `${items[at]!.objectId},${items[at]!.snapshotIds.join(' ')}\n`;
      if (chunk) controller.enqueue(encoder.encode(chunk));
      if (at >= items.length) controller.close();
    },
  });
  return new Response(stream, {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': 'attachment; filename="pinned-ssts.csv"',
    },
  });
});
