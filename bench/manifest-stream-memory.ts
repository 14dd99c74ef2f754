// Shows that reading and rewriting a manifest as a stream holds memory that does not grow with
// the number of snapshots: manifests of 10 and of 100 entries (each of IDS ids) are made on the
// fly, a chunk at a time, read with readManifest (ids decoded, then skipped) and rewritten with
// rewriteManifest (one entry dropped, one added, the output counted and dropped). At each entry
// (each megabyte written, for the rewrite) garbage is collected and what stays alive is measured:
// the peak of the heap plus array buffers is printed for each. Needs no service:
//   node --expose-gc --import tsx bench/manifest-stream-memory.ts [IDS] [ENTRIES,ENTRIES...]
import type { SnapshotMetadata, SnapshotSummary } from '../lib/backup/manifest.ts';
import { rewriteManifest } from '../lib/backup/manifest-rewrite.ts';
import { readManifest } from '../lib/backup/manifest-stream.ts';
import { ManifestChunkWriter } from '../lib/backup/manifest-write.ts';

const IDS = Number(process.argv[2] ?? 200_000);
const CHUNK = 64 * 1024;
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');

function entryOf(id: bigint, ssts: BigUint64Array): SnapshotMetadata {
  return {
    id,
    hummock_version_id: id,
    ssts,
    format_version: 2,
    remarks: null,
    state_table_info: { '1': { committed_epoch: 2n ** 60n + id, compaction_group_id: 2n } },
    rw_version: 'bench',
  };
}

/** A manifest of `entries` entries as 64 KiB chunks, made as they are read: never held whole. */
async function* manifestOf(entries: number): AsyncGenerator<Uint8Array> {
  const ssts = new BigUint64Array(IDS);
  const pieces = function* () {
    yield Buffer.from('{"manifest_id":1,"snapshot_metadata":[');
    for (let e = 0; e < entries; e++) {
      for (let i = 0; i < IDS; i++) ssts[i] = 2n ** 60n + BigInt(e * IDS + i);
      // A writer per entry: one's cache of state table values would grow with the entries.
      const writer = new ManifestChunkWriter();
      if (e) yield* writer.write(',');
      yield* writer.entry(entryOf(BigInt(e + 1), ssts));
      yield writer.rest();
    }
    yield Buffer.from(']}');
  };
  for (const piece of pieces()) for (let at = 0; at < piece.length; at += CHUNK) yield piece.subarray(at, at + CHUNK);
}

let peak = 0;
/** What is alive now: measured after a full collection, so garbage not yet collected does not count. */
const sample = () => {
  gc!();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  peak = Math.max(peak, heapUsed + arrayBuffers);
};

async function measure(what: string, entries: number, run: () => Promise<void>): Promise<void> {
  gc!();
  const base = process.memoryUsage();
  peak = 0;
  const started = performance.now();
  await run();
  sample();
  const mb = (n: number) => (n / 1e6).toFixed(1);
  const seconds = ((performance.now() - started) / 1000).toFixed(2);
  console.log(
    `| ${what} | ${entries} | ${mb(entries * IDS * 20)} | ${mb(peak - base.heapUsed - base.arrayBuffers)} | ${seconds} |`,
  );
}

console.log(`${IDS} ids an entry; peak live memory above the start (heap + array buffers after a collection)`);
console.log('| what | entries | text MB (about) | peak MB | s |');
console.log('| --- | ---: | ---: | ---: | ---: |');
for (const entries of (process.argv[3] ?? '10,100').split(',').map(Number)) {
  await measure('readManifest, ids decoded', entries, async () => {
    for await (const event of readManifest(manifestOf(entries))) if (event.kind === 'entry') sample();
  });
  await measure('readManifest, ids skipped', entries, async () => {
    for await (const event of readManifest(manifestOf(entries), { ssts: 'skip' })) if (event.kind === 'entry') sample();
  });
  await measure('rewriteManifest', entries, async () => {
    let bytes = 0;
    const change = {
      manifestId: (old: bigint) => old + 1n,
      keep: (entry: SnapshotSummary) => entry.id !== 1n,
      append: [entryOf(BigInt(entries + 1), new BigUint64Array(IDS))],
    };
    for await (const chunk of rewriteManifest(manifestOf(entries), change)) {
      bytes += chunk.length;
      sample();
    }
    if (bytes === 0) throw new Error('no output');
  });
}
