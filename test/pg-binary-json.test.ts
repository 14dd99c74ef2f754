// The backup's bulk read turns PostgreSQL's binary COPY into JSON itself: it must write exactly
// what `row_to_json` writes, for every column type the meta store uses, on the real server.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { binaryColumnType, binaryCopyAsJson } from '../lib/meta/pg-binary-json.ts';
import { writeInt8 } from '../lib/meta/pg-binary/decimal.ts';
import { writeTimestamp } from '../lib/meta/pg-binary/timestamp.ts';
import { copyBinaryValues } from '../lib/meta/pg-copy-binary.ts';
import { everyTypeDatabase } from './support/every-type.ts';

const decode = (rows: Uint8Array[][]) =>
  rows.flat().map((row) => Buffer.from(row.buffer, row.byteOffset, row.byteLength).toString('utf8'));

async function readAll<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const batch of iterable) out.push(batch);
  return out;
}

describe('PostgreSQL binary COPY as JSON', () => {
  let client: pg.Client;
  before(async () => {
    client = await everyTypeDatabase();
  });
  after(() => client.end());

  it('writes exactly what row_to_json writes, for every type and edge value', async () => {
    const { rows: columns } = await client.query<{ name: string; type: string }>(
      "SELECT attname AS name, format_type(atttypid, atttypmod) AS type FROM pg_attribute WHERE attrelid = 'every_type'::regclass AND attnum > 0 ORDER BY attnum",
    );
    const binary = columns.map((c) => ({ name: c.name, type: binaryColumnType(c.type)! }));
    assert.ok(
      binary.every((c) => c.type),
      'every column type has a binary reader',
    );
    const expressions = columns
      .map((c) =>
        c.type.startsWith('timestamp') ? `to_char(${c.name}, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS ${c.name}` : c.name,
      )
      .join(', ');
    const expected = decode(
      await readAll(
        copyBinaryValues(
          client.query(
            copyTo(
              `COPY (SELECT row_to_json(x) FROM (SELECT ${expressions} FROM every_type ORDER BY id) x) TO STDOUT (FORMAT binary)`,
            ),
          ),
        ),
      ),
    );
    const actual = decode(
      await readAll(
        binaryCopyAsJson(
          client.query(
            copyTo(
              `COPY (SELECT ${columns.map((c) => c.name).join(', ')} FROM every_type ORDER BY id) TO STDOUT (FORMAT binary)`,
            ),
          ),
          binary,
        ),
      ),
    );
    assert.equal(actual.length, 12);
    assert.deepEqual(actual, expected);
    assert.ok(
      actual.some((row) => row.includes('"id":9223372036854775807,')) &&
        actual.some((row) => row.includes('"id":-9223372036854775808,')),
    );
  });

  it('reads rows split anywhere across chunks', async () => {
    const columns = [
      { name: 'id', type: 'int8' as const },
      { name: 'body', type: 'text' as const },
    ];
    const chunks: Buffer[] = [];
    for await (const chunk of client.query(
      copyTo('COPY (SELECT id, body FROM every_type ORDER BY id) TO STDOUT (FORMAT binary)'),
    ))
      chunks.push(chunk as Buffer);
    const whole = Buffer.concat(chunks);
    const once = decode(await readAll(binaryCopyAsJson([whole], columns)));
    for (let size = 1; size <= 41; size += 4) {
      const pieces = Array.from({ length: Math.ceil(whole.length / size) }, (_, i) =>
        whole.subarray(i * size, (i + 1) * size),
      );
      assert.deepEqual(decode(await readAll(binaryCopyAsJson(pieces, columns))), once, `chunks of ${size} bytes`);
    }
    await assert.rejects(
      readAll(binaryCopyAsJson([whole.subarray(0, whole.length - 2)], columns)),
      /ended without its trailer/,
    );
    await assert.rejects(readAll(binaryCopyAsJson([whole], columns.slice(0, 1))), /has 2 fields, expected 1/);
  });

  it('reads rows of up to 200 kB split across chunks of any size', async () => {
    const columns = [
      { name: 'id', type: 'int8' as const },
      { name: 'body', type: 'text' as const },
    ];
    // From a few bytes to 200 kB, with escapes: rows end inside the next chunk or hundreds later.
    const rows = `SELECT g::bigint AS id, repeat(md5(g::text) || E'"\\n', (g * g * 7) % 6000) AS body FROM generate_series(1, 80) g`;
    const chunks: Buffer[] = [];
    for await (const chunk of client.query(copyTo(`COPY (${rows}) TO STDOUT (FORMAT binary)`)))
      chunks.push(chunk as Buffer);
    const whole = Buffer.concat(chunks);
    const jsonChunks: Buffer[] = [];
    for await (const chunk of client.query(
      copyTo(`COPY (SELECT row_to_json(x) FROM (${rows}) x) TO STDOUT (FORMAT binary)`),
    ))
      jsonChunks.push(chunk as Buffer);
    const wholeJson = Buffer.concat(jsonChunks);
    const expected = decode(await readAll(copyBinaryValues([wholeJson])));
    assert.equal(expected.length, 80);
    assert.ok(expected.some((row) => row.length > 150_000));
    const split = (buffer: Buffer, size: number) =>
      Array.from({ length: Math.ceil(buffer.length / size) }, (_, i) => buffer.subarray(i * size, (i + 1) * size));
    for (const size of [7, 1000, 4095, 4097, 9000, 65_536, 300_000]) {
      assert.deepEqual(
        decode(await readAll(binaryCopyAsJson(split(whole, size), columns))),
        expected,
        `chunks of ${size} bytes`,
      );
      assert.deepEqual(
        decode(await readAll(copyBinaryValues(split(wholeJson, size)))),
        expected,
        `row_to_json in chunks of ${size} bytes`,
      );
    }
  });
});

describe('int8 as decimal', () => {
  it('writes every bit length and the decimal carries exactly, as BigInt does', () => {
    const values = [
      0n,
      9n,
      10n,
      99_999_999n,
      100_000_000n,
      2n ** 31n,
      2n ** 32n - 1n,
      2n ** 32n,
      2n ** 53n - 1n,
      2n ** 53n,
      2n ** 53n + 1n,
      9_999_999_999_999_999n,
      10n ** 16n,
      2n ** 63n - 1n,
    ];
    let x = 0x2545f4914f6cdd1dn;
    for (let i = 0; i < 3000; i++) {
      x = (x * 6364136223846793005n + 1442695040888963407n) & (2n ** 64n - 1n);
      values.push(BigInt.asIntN(64, x >> BigInt(i % 64)));
    }
    const source = Buffer.alloc(8);
    const out = Buffer.alloc(32);
    for (const value of [...values, ...values.map((v) => -v), -(2n ** 63n)]) {
      source.writeBigInt64BE(BigInt.asIntN(64, value));
      const end = writeInt8(out, 1, source, 0);
      assert.equal(out.toString('latin1', 1, end), BigInt.asIntN(64, value).toString());
    }
  });
});

describe('timestamps as ISO text', () => {
  it('writes what Date#toISOString writes, years 0 to 9999, leap days and centuries, and random instants', () => {
    const pgEpochMs = Date.UTC(2000, 0, 1);
    const values: number[] = [
      -62_167_219_200_000, 253_402_300_799_999, 951_782_400_000 /* 2000-02-29 */, 4_107_542_400_000 /* 2100-03-01 */,
      -2_203_891_200_000 /* 1900-03-01 */, 0, -1, 86_399_999,
    ];
    let x = 0x9e3779b9;
    for (let i = 0; i < 20_000; i++) {
      x = (Math.imul(x, 1_103_515_245) + 12_345) >>> 0;
      values.push(Math.floor((x / 2 ** 32) * 253_402_300_800_000 * 1.2) - 62_167_219_200_000 - (i % 7) * 1_000_003);
    }
    const source = Buffer.alloc(8);
    const out = Buffer.alloc(40);
    for (const ms of values) {
      const micros = BigInt(ms - pgEpochMs) * 1000n + BigInt(ms % 3 === 0 ? 999 : 0); // microseconds are cut, never rounded
      source.writeBigInt64BE(micros);
      const end = writeTimestamp(out, 1, source, 0);
      assert.equal(out.toString('latin1', 1, end), JSON.stringify(new Date(ms).toISOString()), `${ms} ms`);
    }
  });
});
