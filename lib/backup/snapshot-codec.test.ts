import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isBackupError } from './errors.ts';
import { parseJson64, stringifyJson64 } from './json64.ts';
import {
  decodeSnapshot,
  encodeItemLength,
  encodeSnapshot,
  newHasher,
  SNAPSHOT_FORMAT_VERSION,
  type SnapshotSectionSource,
} from './snapshot-codec.ts';
import { seededRandom } from '../seeded-random.ts';

const SAMPLES = [
  'plain',
  'ünïcödé',
  '日本語のテキスト',
  'emoji 🦀🚀',
  'quote " backslash \\ newline \n tab \t',
  '\u0000 nul',
  '',
];

function generateSections(seed: number): unknown[][] {
  const random = seededRandom(seed);
  const sections: unknown[][] = [];
  const sectionCount = 1 + Math.floor(random() * 8);
  for (let s = 0; s < sectionCount; s++) {
    const items: unknown[] = [];
    const itemCount = random() < 0.25 ? 0 : Math.floor(random() * 40);
    for (let i = 0; i < itemCount; i++) {
      items.push({
        id: BigInt(Math.floor(random() * 1e6)) + 2n ** 53n + 1n,
        epoch: (BigInt(Date.now()) << 16n) + BigInt(i),
        name: SAMPLES[Math.floor(random() * SAMPLES.length)]! + i,
        flag: random() < 0.5,
        nothing: null,
        nested: { list: [1, 2.5, -3, 9007199254740993n], text: 'x'.repeat(Math.floor(random() * 300)) },
      });
    }
    sections.push(items);
  }
  return sections;
}

/** Items one by one, or in batches of `batch` (the builder's bulk path). */
function toSources(sections: unknown[][], batch = 0): SnapshotSectionSource[] {
  return sections.map((items) => {
    const encoded = items.map((item) => stringifyJson64(item));
    if (!batch) return { count: items.length, items: encoded };
    const batches: string[][] = [];
    for (let i = 0; i < encoded.length; i += batch) batches.push(encoded.slice(i, i + batch));
    return { count: items.length, items: batches };
  });
}

async function collect(stream: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** Feeds bytes in pieces of varying size, so reads cross chunk boundaries everywhere. */
async function* pieces(bytes: Uint8Array, seed = 1): AsyncGenerator<Uint8Array> {
  const random = seededRandom(seed);
  for (let at = 0; at < bytes.length; ) {
    const n = 1 + Math.floor(random() * 97);
    yield bytes.subarray(at, at + n);
    at += n;
  }
}

async function decodeAll(bytes: Uint8Array | AsyncIterable<Uint8Array>, knownSections?: number) {
  const sections: unknown[][] = [];
  const result = await decodeSnapshot(
    bytes instanceof Uint8Array ? pieces(bytes) : bytes,
    {
      section: (index) => {
        sections[index] = [];
      },
      item: (index, item) => {
        sections[index]!.push(parseJson64(item));
      },
    },
    { knownSections },
  );
  return { ...result, sections };
}

async function encode(id: bigint, sections: unknown[][], chunkBytes?: number, batch = 0): Promise<Uint8Array> {
  return collect(
    encodeSnapshot({ formatVersion: SNAPSHOT_FORMAT_VERSION, id }, toSources(sections, batch), { chunkBytes }),
  );
}

async function rejectsWith(promise: Promise<unknown>, code: string) {
  await assert.rejects(promise, (error: unknown) => isBackupError(error) && error.code === code);
}

describe('snapshot codec', () => {
  it('round-trips generated snapshots exactly (unicode, empty sections, 64-bit values)', async () => {
    for (let seed = 1; seed <= 25; seed++) {
      const sections = generateSections(seed);
      const id = 2n ** 60n + BigInt(seed);
      const bytes = await encode(id, sections, 64 + seed * 13, seed % 2 ? 7 : 0);
      assert.deepEqual(bytes, await encode(id, sections, 1 << 20), 'batching and chunk size do not change the bytes');
      const decoded = await decodeAll(bytes);
      assert.equal(decoded.header.id, id);
      assert.equal(decoded.header.formatVersion, SNAPSHOT_FORMAT_VERSION);
      assert.deepEqual(
        decoded.sectionCounts,
        sections.map((s) => s.length),
      );
      assert.deepEqual(decoded.sections, sections, `seed ${seed}`);
      assert.equal(decoded.totalBytes, bytes.length);
    }
  });

  it('lays out the header, item lengths and checksum as RisingWave does', async () => {
    const bytes = await encode(7n, [[{ a: 1 }], []]);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
    assert.equal(view.getUint32(0, true), 2);
    assert.equal(view.getBigUint64(4, true), 7n);
    assert.equal(view.getUint32(12, true), 1); // first section: one item
    assert.equal(view.getUint32(16, true), '{"a":1}'.length);
    assert.equal(new TextDecoder().decode(bytes.subarray(20, 27)), '{"a":1}');
    assert.equal(view.getUint32(27, true), 0); // second section: empty
    assert.equal(bytes.length, 31 + 8);
    const hash = await newHasher();
    hash.update(bytes.subarray(0, 31));
    assert.equal(view.getBigUint64(31, true), hash.digest());
  });

  it('round-trips large items across chunk boundaries', async () => {
    const big = { blob: 'é'.repeat(3 * 1024 * 1024), id: 18446744073709551615n };
    const bytes = await encode(1n, [[{ small: true }, big, { small: false }]], 1 << 20);
    const decoded = await decodeAll(bytes);
    assert.deepEqual(decoded.sections, [[{ small: true }, big, { small: false }]]);
  });

  it('encodes item lengths with the 64-bit form when they do not fit in 32 bits', () => {
    assert.deepEqual([...encodeItemLength(1)], [1, 0, 0, 0]);
    assert.deepEqual([...encodeItemLength(0xffff_ffff)], [255, 255, 255, 255]);
    assert.deepEqual([...encodeItemLength(2 ** 32)], [0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0]);
    assert.deepEqual([...encodeItemLength(5n * 2n ** 32n + 3n)], [0, 0, 0, 0, 3, 0, 0, 0, 5, 0, 0, 0]);
  });

  it('decodes items written with the u32 0 + u64 length form', async () => {
    const item = new TextEncoder().encode('{"x":"long form"}');
    const length = new Uint8Array(12);
    new DataView(length.buffer).setBigUint64(4, BigInt(item.length), true);
    const header = new Uint8Array(16);
    const view = new DataView(header.buffer);
    view.setUint32(0, 2, true);
    view.setBigUint64(4, 3n, true);
    view.setUint32(12, 1, true);
    const body = Buffer.concat([header, length, item]);
    const hash = await newHasher();
    hash.update(body);
    const checksum = new Uint8Array(8);
    new DataView(checksum.buffer).setBigUint64(0, hash.digest(), true);
    const decoded = await decodeAll(Buffer.concat([body, checksum]));
    assert.deepEqual(decoded.sections, [[{ x: 'long form' }]]);
  });

  it('reports every single flipped byte as a checksum error', async () => {
    const bytes = await encode(42n, [[{ a: 'ü', n: 9007199254740993n }, { b: [1, 2] }], [], [{ c: null }]]);
    for (let at = 0; at < bytes.length; at++) {
      for (const mask of [0x01, 0x80, 0xff]) {
        const corrupt = new Uint8Array(bytes);
        corrupt[at]! ^= mask;
        await rejectsWith(decodeAll(corrupt), 'CHECKSUM_MISMATCH');
      }
    }
  });

  it('reports every truncation as an error, never as a snapshot', async () => {
    const bytes = await encode(5n, [[{ a: 1 }, { b: 'two' }], [{ c: 3 }]]);
    for (let length = 0; length < bytes.length; length++) {
      await assert.rejects(
        decodeAll(bytes.subarray(0, length)),
        (error: unknown) => isBackupError(error, 'CHECKSUM_MISMATCH') || isBackupError(error, 'CORRUPT_SNAPSHOT'),
        `length ${length}`,
      );
    }
  });

  it('skips unknown trailing sections but still verifies the checksum', async () => {
    const sections = [[{ a: 1 }], [{ b: 2 }, { b: 3 }], [{ newer: 'section' }], [{ even: 'newer' }]];
    const bytes = await encode(9n, sections);
    const decoded = await decodeAll(bytes, 2);
    assert.deepEqual(decoded.sections, sections.slice(0, 2));
    assert.deepEqual(decoded.sectionCounts, [1, 2]);
    assert.ok(decoded.skippedBytes > 0);

    const corrupt = new Uint8Array(bytes);
    corrupt[bytes.length - 12]! ^= 0x20; // inside the last, unknown section
    await rejectsWith(decodeAll(corrupt, 2), 'CHECKSUM_MISMATCH');
  });

  it('reads an older snapshot with fewer sections than the reader knows', async () => {
    const decoded = await decodeAll(await encode(9n, [[{ a: 1 }]]), 5);
    assert.deepEqual(decoded.sectionCounts, [1]);
  });

  it('rejects unknown format versions with a valid checksum', async () => {
    const bytes = await collect(encodeSnapshot({ formatVersion: 1, id: 1n }, toSources([[{ a: 1 }]])));
    await rejectsWith(decodeAll(bytes), 'UNSUPPORTED_FORMAT');
  });

  it('refuses to encode a section whose items disagree with its count', async () => {
    await assert.rejects(
      collect(encodeSnapshot({ formatVersion: 2, id: 1n }, [{ count: 2, items: ['{"a":1}'] }])),
      /announced 2 items but produced 1/,
    );
    await assert.rejects(
      collect(encodeSnapshot({ formatVersion: 2, id: 1n }, [{ count: 1, items: [''] }])),
      /empty item/,
    );
  });

  it('writes framed batches as the items they hold, and refuses a framing that disagrees with its count', async () => {
    const frame = (items: string[]) => {
      const parts = items.flatMap((item) => {
        const bytes = new TextEncoder().encode(item);
        const length = new Uint8Array(4);
        new DataView(length.buffer).setUint32(0, bytes.length, true);
        return [length, bytes];
      });
      return Buffer.concat(parts);
    };
    const items = Array.from({ length: 1300 }, (_, i) =>
      stringifyJson64({ i, id: 2n ** 63n + BigInt(i), text: SAMPLES[i % SAMPLES.length] }),
    );
    // A small batch is copied into the chunk being filled; one above 16 kB is passed on as it is.
    const small = { framed: frame(items.slice(0, 120)), count: 120 };
    const large = { framed: frame(items.slice(130)), count: 1170 };
    assert.ok(small.framed.length < 16_384 && large.framed.length > 16_384);
    const framed = [small, items.slice(120, 130), large];
    const sections = (entries: SnapshotSectionSource['items'], count = 1300) => [{ count, items: entries }];
    for (const chunkBytes of [256, 1 << 20]) {
      const expected = await collect(encodeSnapshot({ formatVersion: 2, id: 9n }, sections(items), { chunkBytes }));
      assert.deepEqual(
        await collect(encodeSnapshot({ formatVersion: 2, id: 9n }, sections(framed), { chunkBytes })),
        expected,
      );
      assert.deepEqual(
        (await decodeAll(expected)).sections[0],
        items.map((item) => parseJson64(item)),
      );
    }

    const one = frame(['{"a":1}', '{"b":2}']);
    for (const [bad, message] of [
      [{ framed: one, count: 3 }, /end after 2 of 3 rows/],
      [{ framed: one, count: 1 }, /more than their 1 rows/],
      [{ framed: frame(['{"a":1}', '']), count: 2 }, /row 1 of 2 is empty/],
      [{ framed: one.subarray(0, one.length - 1), count: 2 }, /row 1 of 2 is empty or runs past its batch/],
    ] as const) {
      await assert.rejects(
        collect(encodeSnapshot({ formatVersion: 2, id: 1n }, [{ count: bad.count, items: [bad] }])),
        message,
      );
    }
  });
});
