import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isBackupError } from './errors.ts';
import type { Manifest, SnapshotMetadata } from './manifest.ts';
import { parseManifest } from './manifest-parse.ts';
import { type ManifestChange, rewriteManifest } from './manifest-rewrite.ts';
import { sortedIdsText } from './manifest-id-text.ts';
import { readManifest, readWholeManifest } from './manifest-stream.ts';
import { serializeManifest } from './manifest-write.ts';

const MAX = 2n ** 64n - 1n;

// Entries as a newer RisingWave or another writer might space and order them.
const ENTRIES = [
  '{"id":1,"hummock_version_id":2,"ssts":[1,5,18446744073709551615],"format_version":2,"remarks":null,' +
    '"state_table_info":{"3":{"committed_epoch":9007199254740993,"compaction_group_id":2}},"rw_version":"2.6.0",' +
    '"max_committed_epoch":1,"future_field":{"x":"\\"ssts\\":[1"}}',
  '{\n\t"remarks" : "tab\\t \\"q\\" \\u00fc" ,\r\n "ssts" : [ 3 , 3,1 ] , "id" : 18446744073709551615 ,' +
    ' "hummock_version_id" : 9007199254740993 , "unknown": [ ] }',
  '{ "id": 3, "hummock_version_id": 3, "ssts": [] }',
  '{"hummock_version_id":4,"id":4}',
  '{"id":5,"hummock_version_id":5,"state_table_info":{},"rw_version":"x","ssts":[9007199254740993,9007199254740992]}',
];
const TOP_EXTRA = '"future_top" : {"a":[1,2,{"b":"}]"}]}';
const TAIL_EXTRA = '"trailing" :-1.5e3';
const SAMPLE = `{ "manifest_id" : 7 , ${TOP_EXTRA} ,\n "snapshot_metadata" : [\n  ${ENTRIES.join(' ,\n  ')}\n ] ,\t${TAIL_EXTRA} }`;

const entry = (fields: Partial<SnapshotMetadata> & { id: bigint }): SnapshotMetadata => ({
  hummock_version_id: fields.id,
  ssts: new BigUint64Array(0),
  format_version: 0,
  remarks: null,
  state_table_info: {},
  rw_version: null,
  ...fields,
});

const SAMPLE_ENTRIES: SnapshotMetadata[] = [
  entry({
    id: 1n,
    hummock_version_id: 2n,
    ssts: new BigUint64Array([1n, 5n, MAX]),
    format_version: 2,
    state_table_info: { '3': { committed_epoch: 2n ** 53n + 1n, compaction_group_id: 2n } },
    rw_version: '2.6.0',
    extra: Buffer.from(',"max_committed_epoch":1,"future_field":{"x":"\\"ssts\\":[1"}'),
  }),
  entry({
    id: MAX,
    hummock_version_id: 2n ** 53n + 1n,
    ssts: new BigUint64Array([1n, 3n]),
    remarks: 'tab\t "q" ü',
    extra: Buffer.from(',"unknown": [ ]'),
  }),
  entry({ id: 3n }),
  entry({ id: 4n }),
  entry({ id: 5n, ssts: new BigUint64Array([2n ** 53n, 2n ** 53n + 1n]), rw_version: 'x' }),
];

async function* chunksOf(bytes: Uint8Array, cuts: readonly number[]): AsyncGenerator<Uint8Array> {
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    yield bytes.slice(from, cut);
    from = cut;
  }
}

async function* everyBytes(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.slice(at, at + size);
}

async function collect(chunks: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const pieces: Uint8Array[] = [];
  for await (const chunk of chunks) pieces.push(chunk);
  return Buffer.concat(pieces);
}

const keepAll: ManifestChange = { manifestId: (old) => old + 1n, keep: () => true, append: [] };

const corrupt = (pattern?: RegExp) => (e: unknown) =>
  isBackupError(e, 'CORRUPT_MANIFEST') &&
  /^manifest\.json is not (a valid manifest|valid JSON): /.test(e.message) &&
  (pattern === undefined || pattern.test(e.message));

describe('manifest stream', () => {
  it('reads entries however they are spaced and ordered, with exact 64-bit values and unknown fields kept', async () => {
    const bytes = Buffer.from(SAMPLE);
    const expected: Manifest = {
      manifest_id: 7n,
      snapshot_metadata: SAMPLE_ENTRIES,
      extra: Buffer.from(`,${TOP_EXTRA},${TAIL_EXTRA}`),
    };
    assert.deepEqual(parseManifest(bytes), expected);
    const read = await readWholeManifest(chunksOf(bytes, []));
    assert.equal(read.manifestId, 7n);
    assert.deepEqual(read.entries, SAMPLE_ENTRIES);
  });

  it('keeps unknown fields through parse and serialize, byte for byte', () => {
    const text = serializeManifest(parseManifest(SAMPLE)).toString();
    assert.ok(text.endsWith(`}],${TOP_EXTRA},${TAIL_EXTRA}}`), text);
    assert.ok(text.includes('"rw_version":"2.6.0","max_committed_epoch":1,"future_field":{"x":"\\"ssts\\":[1"}}'));
    assert.ok(text.includes('"rw_version":null,"unknown": [ ]}'));
    assert.deepEqual(parseManifest(text), parseManifest(SAMPLE));
  });

  it('gives the same result however the bytes are cut into chunks', async () => {
    const bytes = Buffer.from(SAMPLE);
    const whole = await collect(rewriteManifest(chunksOf(bytes, []), keepAll));
    for (let cut = 1; cut < bytes.length; cut++) {
      const read = await readWholeManifest(chunksOf(bytes, [cut]));
      assert.deepEqual(read.entries, SAMPLE_ENTRIES, `cut at ${cut}`);
      assert.ok((await collect(rewriteManifest(chunksOf(bytes, [cut]), keepAll))).equals(whole), `cut at ${cut}`);
    }
    for (const size of [1, 2, 3, 7]) {
      assert.deepEqual((await readWholeManifest(everyBytes(bytes, size))).entries, SAMPLE_ENTRIES, `${size} bytes`);
      assert.ok((await collect(rewriteManifest(everyBytes(bytes, size), keepAll))).equals(whole), `${size} bytes`);
    }
  });

  it('refuses every truncation of a manifest, reading, parsing or rewriting', async () => {
    const bytes = Buffer.from(SAMPLE);
    for (let length = 0; length < bytes.length; length++) {
      const cut = bytes.subarray(0, length);
      assert.throws(() => parseManifest(cut), corrupt(), `parse of ${length} bytes`);
      await assert.rejects(readWholeManifest(everyBytes(cut, 5)), corrupt(), `read of ${length} bytes`);
      await assert.rejects(collect(rewriteManifest(everyBytes(cut, 5), keepAll)), corrupt(), `rewrite of ${length}`);
    }
    // Whitespace after the end is fine; anything else is not.
    assert.equal(parseManifest(`${SAMPLE} \n`).manifest_id, 7n);
    assert.throws(() => parseManifest(`${SAMPLE} x`), corrupt(/not valid JSON: unexpected "x"/));
  });

  it('rewrites by copying the entries that stay and the unknown fields, and writes the new ones after them', async () => {
    const added = entry({ id: 6n, ssts: new BigUint64Array([2n, MAX]), created_at: '2026-12-01T00:00:00.000Z' });
    const seen: bigint[] = [];
    const change: ManifestChange = {
      manifestId: (old) => old + 10n,
      keep: (e) => {
        seen.push(e.id);
        return e.id !== 1n && e.id !== 4n;
      },
      append: [added],
    };
    const out = await collect(rewriteManifest(everyBytes(Buffer.from(SAMPLE), 11), change));
    assert.deepEqual(seen, [1n, MAX, 3n, 4n, 5n]);
    const kept = [ENTRIES[1], ENTRIES[2], ENTRIES[4]].join(',');
    const expected = `{"manifest_id":17,${TOP_EXTRA},"snapshot_metadata":[${kept},${serializeManifest({
      manifest_id: 0n,
      snapshot_metadata: [added],
    })
      .toString()
      .slice('{"manifest_id":0,"snapshot_metadata":['.length, -2)}],${TAIL_EXTRA}}`;
    assert.equal(out.toString(), expected);
    assert.deepEqual(parseManifest(out), {
      manifest_id: 17n,
      snapshot_metadata: [SAMPLE_ENTRIES[1], SAMPLE_ENTRIES[2], SAMPLE_ENTRIES[4], added],
      extra: Buffer.from(`,${TOP_EXTRA},${TAIL_EXTRA}`),
    });
  });

  it('rewrites an empty manifest, or one with manifest_id last, keeping the field order', async () => {
    const empty = await collect(
      rewriteManifest(chunksOf(Buffer.from('{"manifest_id":0,"snapshot_metadata":[]}'), []), keepAll),
    );
    assert.equal(empty.toString(), '{"manifest_id":1,"snapshot_metadata":[]}');
    const last = '{ "snapshot_metadata" : [ ] , "x":true, "manifest_id" : 18446744073709551614 }';
    const added = entry({ id: 1n });
    const out = await collect(rewriteManifest(chunksOf(Buffer.from(last), [3]), { ...keepAll, append: [added] }));
    assert.equal(
      out.toString(),
      '{"snapshot_metadata":[{"id":1,"hummock_version_id":1,"ssts":[],"format_version":0,"remarks":null,"state_table_info":{},"rw_version":null}],"x":true,"manifest_id":18446744073709551615}',
    );
  });

  it('copies ssts arrays exactly however they are written, cut anywhere', async () => {
    const arrays = [
      '[]',
      '[ ]',
      '[0]',
      '[0,1,2]',
      '[ 1]',
      '[1 ]',
      '[1 ,2]',
      '[1, 2]',
      '[1,2, 3]',
      '[1,2 ,3]',
      '[01]',
      '[1,02]',
      '[2,1]',
      '[1,2,2]',
      '[1,3,2,4]',
      '[9007199254740992,9007199254740993, 18446744073709551615]',
      '[18446744073709551615,0]',
      '[\n1,\n2\n]',
    ];
    for (const array of arrays) {
      const entryText = `{"id":1,"hummock_version_id":1,"ssts":${array},"zz":1}`;
      const bytes = Buffer.from(`{"manifest_id":1,"snapshot_metadata":[${entryText}]}`);
      const ids = BigUint64Array.from(
        [...new Set((JSON.parse(array.replace(/\d+/g, '"$&"')) as string[]).map(BigInt))].sort((a, b) =>
          a < b ? -1 : a > b ? 1 : 0,
        ),
      );
      for (let cut = 0; cut <= bytes.length; cut++) {
        const out = await collect(rewriteManifest(chunksOf(bytes, cut ? [cut] : []), keepAll));
        assert.equal(out.toString(), `{"manifest_id":2,"snapshot_metadata":[${entryText}]}`, `${array} cut at ${cut}`);
        assert.deepEqual(parseManifest(out).snapshot_metadata[0]!.ssts, ids, array);
      }
    }
  });

  it('reads ids only as far as asked: skipped, they are checked and counted but not kept', async () => {
    const events = [];
    for await (const event of readManifest(everyBytes(Buffer.from(SAMPLE), 4), { ssts: 'skip' })) events.push(event);
    assert.deepEqual(events[0], { kind: 'manifest_id', manifestId: 7n });
    const entries = events.flatMap((event) => (event.kind === 'entry' ? [event.metadata] : []));
    assert.deepEqual(
      entries,
      // Counted as written: the second entry's [ 3 , 3,1 ] is three.
      SAMPLE_ENTRIES.map(({ ssts: _, state_table_info, ...rest }, i) => ({
        ...rest,
        sst_count: [3, 3, 0, 0, 2][i],
        state_table_count: Object.keys(state_table_info).length,
      })),
    );
    const bad =
      '{"manifest_id":1,"snapshot_metadata":[{"id":1,"hummock_version_id":1,"ssts":[1,18446744073709551616]}]}';
    await assert.rejects(
      async () => {
        for await (const _ of readManifest(chunksOf(Buffer.from(bad), []), { ssts: 'skip' })) {
        }
      },
      corrupt(/"18446744073709551616" is not a u64/),
    );
    // Counted past the room the reader reuses for ids it only checks (1,024), and across chunks.
    const many = serializeManifest({
      manifest_id: 2n,
      snapshot_metadata: [entry({ id: 1n, ssts: BigUint64Array.from({ length: 3000 }, (_, i) => BigInt(i * 7)) })],
    });
    const counts: number[] = [];
    for await (const event of readManifest(everyBytes(Buffer.from(many), 97), { ssts: 'skip' }))
      if (event.kind === 'entry') counts.push(event.metadata.sst_count);
    assert.deepEqual(counts, [3000]);
  });

  it("hands out each entry's exact bytes when asked, its ids kept as ids where they write back the same", async () => {
    const texts: string[] = [];
    for await (const event of readManifest(everyBytes(Buffer.from(SAMPLE), 3), { keepBytes: true })) {
      if (event.kind !== 'entry') continue;
      const { before, ssts, after } = event.bytes!;
      const array = ssts instanceof BigUint64Array ? `[${sortedIdsText(ssts)}]` : Buffer.from(ssts ?? []).toString();
      texts.push(Buffer.from(before).toString() + array + Buffer.from(after).toString());
      if (event.index === 0) assert.equal(ssts, event.metadata.ssts, 'compact and ascending: the ids, not their text');
      if (event.index === 1) assert.equal(Buffer.from(ssts as Uint8Array).toString(), '[ 3 , 3,1 ]');
    }
    assert.deepEqual(texts, ENTRIES);
    // Ids skipped are not there to write back: their text is kept instead.
    const skipped: string[] = [];
    for await (const event of readManifest(everyBytes(Buffer.from(SAMPLE), 3), { ssts: 'skip', keepBytes: true })) {
      if (event.kind !== 'entry') continue;
      const { before, ssts, after } = event.bytes!;
      assert.ok(!(ssts instanceof BigUint64Array));
      skipped.push(Buffer.concat([before, ssts ?? new Uint8Array(0), after]).toString());
    }
    assert.deepEqual(skipped, ENTRIES);
  });

  it('hands out each entry as it arrives and throws, after them, at a corrupt later one', async () => {
    const bytes = Buffer.from(
      '{"manifest_id":2,"snapshot_metadata":[{"id":1,"hummock_version_id":1,"ssts":[1]},{"id":2,"hummock_version_id":1,"remarks":5}]}',
    );
    const seen: bigint[] = [];
    await assert.rejects(
      async () => {
        for await (const event of readManifest(everyBytes(bytes, 8)))
          if (event.kind === 'entry') seen.push(event.metadata.id);
      },
      corrupt(/snapshot_metadata\.1\.remarks/),
    );
    assert.deepEqual(seen, [1n]);
    await assert.rejects(collect(rewriteManifest(everyBytes(bytes, 8), keepAll)), corrupt(/remarks/));
  });

  it('refuses what parseManifest refuses, with the same message', async () => {
    const cases = [
      '',
      '[1]',
      '{"manifest_id": 1}',
      '{"snapshot_metadata": []}',
      '{"manifest_id": 1.5, "snapshot_metadata": []}',
      '{"manifest_id": 1, "manifest_id": 2, "snapshot_metadata": []}',
      '{"manifest_id": 1, "snapshot_metadata": 5}',
      '{"manifest_id": 1, "snapshot_metadata": [5]}',
      '{"manifest_id": 1, "snapshot_metadata": [{"id": 1, "hummock_version_id": 1, "ssts": [-1]}]}',
      '{"manifest_id": 1, "snapshot_metadata": [{"id": 1, "hummock_version_id": 1, "ssts": [1, "2"]}]}',
      '{"manifest_id": 1, "snapshot_metadata": [{"id": 1, "hummock_version_id": 1, "ssts": [1,]}]}',
      '{"manifest_id": 1, "snapshot_metadata": [{"id": 1, "hummock_version_id": 1, "ssts": [1], "ssts": [2]}]}',
      '{"manifest_id": 1, "snapshot_metadata": [{"id": 1, "hummock_version_id": 1, "ssts": 5}]}',
      '{"manifest_id": 1, "snapshot_metadata": [{"id": 1, "hummock_version_id": 1, "x": tru}]}',
      '{"manifest_id": 1, "snapshot_metadata": [{"id": 1, "hummock_version_id": 1, "x": [1}]}',
      '{"manifest_id": 1, "snapshot_metadata": [], "x": {"a" 1}}',
      '{"manifest_id": 1, "snapshot_metadata": [] "x": 1}',
      '{"manifest_id": 1, "snapshot_metadata": [{"id": 1, "hummock_version_id": 1, "ssts": [00000000000000000000000000000000000001]}]}',
    ];
    for (const text of cases) {
      let message = '';
      assert.throws(
        () => parseManifest(text),
        (e: unknown) => {
          message = (e as Error).message;
          return corrupt()(e);
        },
        text,
      );
      for (const size of [1, 4, 1000]) {
        await assert.rejects(
          readWholeManifest(everyBytes(Buffer.from(text), size)),
          (e: unknown) => corrupt()(e) && (e as Error).message === message,
          `${text} in chunks of ${size}`,
        );
      }
    }
  });

  it('reads and rewrites random manifests as a reference reads them, cut anywhere', async () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const space = () => pick(['', '', '', ' ', '\n', '\t', ' \r\n  ']);
    const u64 = () =>
      pick([
        0n,
        1n,
        2n ** 53n + 1n,
        MAX,
        BigInt(Math.floor(random() * 1000)),
        BigInt(Math.floor(random() * 2 ** 31)) ** 2n,
      ]);
    const unknownValue = (depth: number): string =>
      depth > 2
        ? pick(['1', '-2.5e-3', 'true', 'null', '"a]}\\\\"', '"\\u00fc\\"q"'])
        : pick([
            () =>
              `[${space()}${Array.from({ length: Math.floor(random() * 3) }, () => unknownValue(depth + 1)).join(`${space()},${space()}`)}${space()}]`,
            () => `{${space()}"k"${space()}:${space()}${unknownValue(depth + 1)}${space()}}`,
            () => unknownValue(3),
          ])();
    for (let round = 0; round < 60; round++) {
      const entries: { text: string; metadata: SnapshotMetadata }[] = [];
      for (let e = 0; e < Math.floor(random() * 4); e++) {
        const metadata = entry({ id: u64(), hummock_version_id: u64() });
        const fields = [
          `"id"${space()}:${space()}${metadata.id}`,
          `"hummock_version_id":${space()}${metadata.hummock_version_id}`,
        ];
        if (random() < 0.8) {
          const ids = Array.from({ length: Math.floor(random() * 6) }, u64);
          metadata.ssts = BigUint64Array.from([...new Set(ids)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
          fields.push(
            `"ssts":${space()}[${space()}${ids.join(random() < 0.5 ? ',' : `${space()},${space()}`)}${space()}]`,
          );
        }
        if (random() < 0.5) {
          metadata.remarks = pick(['', 'x', '"ssts":[1]', 'ü\\']);
          fields.push(`"remarks":${JSON.stringify(metadata.remarks)}`);
        }
        if (random() < 0.5) {
          metadata.state_table_info = { '4': { committed_epoch: MAX, compaction_group_id: 0n } };
          fields.push(`"state_table_info":{${space()}"4":{"committed_epoch":${MAX}}}`);
        }
        const unknown: string[] = [];
        for (let u = 0; u < Math.floor(random() * 3); u++)
          unknown.push(`"u${u}"${space()}:${space()}${unknownValue(0)}`);
        if (unknown.length > 0) metadata.extra = Buffer.from(unknown.map((field) => `,${field}`).join(''));
        // Unknown fields keep their order among themselves; the rest are shuffled around them.
        const shuffled = fields.sort(() => random() - 0.5);
        let at = 0;
        for (const field of unknown) {
          at += Math.floor(random() * (shuffled.length - at + 1));
          shuffled.splice(at++, 0, field);
        }
        const text = `{${space()}${shuffled.join(`${space()},${space()}`)}${space()}}`;
        entries.push({ text, metadata });
      }
      const manifestId = u64() % MAX;
      const topExtra = random() < 0.5 ? [`"top"${space()}:${space()}${unknownValue(0)}`] : [];
      const top = [`"manifest_id"${space()}:${space()}${manifestId}`, 'ENTRIES', ...topExtra].sort(
        () => random() - 0.5,
      );
      const list = `[${space()}${entries.map((e) => e.text).join(`${space()},${space()}`)}${space()}]`;
      const text = `${space()}{${space()}${top.map((f) => (f === 'ENTRIES' ? `"snapshot_metadata"${space()}:${space()}${list}` : f)).join(`${space()},${space()}`)}${space()}}${space()}`;
      const rewritten = `{${top.map((f) => (f === 'ENTRIES' ? `"snapshot_metadata":[${entries.map((e) => e.text).join(',')}]` : f.startsWith('"manifest_id"') ? `"manifest_id":${manifestId + 1n}` : f)).join(',')}}`;
      const bytes = Buffer.from(text);
      const expected: Manifest = { manifest_id: manifestId, snapshot_metadata: entries.map((e) => e.metadata) };
      if (topExtra.length > 0) expected.extra = Buffer.from(`,${topExtra[0]}`);
      assert.deepEqual(parseManifest(bytes), expected, text);
      for (const cuts of [[], [Math.floor(random() * bytes.length)], [1, 2, Math.floor(bytes.length / 2)]]) {
        assert.deepEqual((await readWholeManifest(chunksOf(bytes, cuts))).entries, expected.snapshot_metadata, text);
        assert.equal((await collect(rewriteManifest(chunksOf(bytes, cuts), keepAll))).toString(), rewritten, text);
      }
    }
  });

  it('streams a manifest of several large entries as parseManifest reads it, and copies them in megabyte pieces', async () => {
    const manifest: Manifest = {
      manifest_id: 3n,
      snapshot_metadata: [0, 1, 2].map((k) => {
        const ssts = new BigUint64Array(200_000);
        for (let i = 0; i < ssts.length; i++) ssts[i] = 2n ** 53n - 100_000n + BigInt(i * (k + 1));
        return entry({
          id: BigInt(k + 1),
          ssts,
          state_table_info: { '1': { committed_epoch: MAX, compaction_group_id: 2n } },
        });
      }),
    };
    const bytes = serializeManifest(manifest);
    const read = await readWholeManifest(everyBytes(bytes, 65_537));
    assert.equal(read.manifestId, 3n);
    assert.deepEqual(read.entries, parseManifest(bytes).snapshot_metadata);
    assert.deepEqual(read.entries, manifest.snapshot_metadata);
    const pieces: Uint8Array[] = [];
    for await (const piece of rewriteManifest(everyBytes(bytes, 65_536), keepAll)) pieces.push(piece);
    assert.ok(pieces.length > 4 && pieces.every((piece) => piece.length <= 1 << 20), `${pieces.length} pieces`);
    assert.ok(Buffer.concat(pieces).equals(serializeManifest({ ...manifest, manifest_id: 4n })));
    // Cut short, the old manifest makes the rewrite throw after the pieces made so far: never a
    // last piece that would end a shorter manifest.
    for (const length of [bytes.length - 1, bytes.length - 3, Math.floor(bytes.length / 2)]) {
      const before: Uint8Array[] = [];
      await assert.rejects(async () => {
        for await (const piece of rewriteManifest(everyBytes(bytes.subarray(0, length), 65_536), keepAll))
          before.push(piece);
      }, corrupt());
      assert.ok(before.length > 0, 'pieces were handed out before the end was read');
      assert.throws(() => parseManifest(Buffer.concat(before)), corrupt());
    }
  });
});
