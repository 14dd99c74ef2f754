// The backup's bulk read turns PostgreSQL's binary COPY into JSON itself: it must write exactly
// what `row_to_json` writes, for every column type the meta store uses, on the real server.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { binaryColumnType, binaryCopyAsJson } from '../lib/meta/pg-binary-json.ts';
import { copyBinaryValues } from '../lib/meta/pg-copy-binary.ts';
import { freshPostgresUrl } from './support/services.ts';

const TABLE = `CREATE TABLE every_type (
  id bigint PRIMARY KEY, small smallint, number integer, flag boolean, name varchar(64), body text,
  doc jsonb, at timestamptz, at3 timestamp(3) without time zone
)`;

// Values at the edges: 64-bit limits and 2^53 neighbours, every escape, multi-byte UTF-8,
// nulls, timestamps before 2000 and with microseconds.
const ROWS = `INSERT INTO every_type VALUES
  (1, 0, 0, true, 'plain', '', '{}', '2026-11-25 04:29:11.123456+00', '2026-11-25 04:29:11.123'),
  (2, -32768, -2147483648, false, 'quote " backslash \\ slash /', E'tab\\tnew\\nline\\rcr\\bback\\fform\\x01\\x1f\\x7f end',
     '{"a": [1, 2.5, "x\\"y"], "b": {"c": null, "big": 18446744073709551615}}', '1969-07-20 20:17:40.5+00', '1999-12-31 23:59:59.999'),
  (3, 32767, 2147483647, null, 'ünïcødé 𝄞 漢字', 'emoji 🎉', '[]', '2000-01-01 00:00:00+00', '2000-01-01 00:00:00'),
  (9007199254740991, null, null, null, null, null, null, null, null),
  (9007199254740992, 1, 1, true, 'a', 'b', 'null', '2262-04-11 23:47:16.854775+00', '1900-02-28 12:00:00.001'),
  (9007199254740993, 1, 1, true, 'a', 'b', '"text"', '0001-01-01 00:00:00+00', '2038-01-19 03:14:08'),
  (9223372036854775807, 1, 1, true, 'a', 'b', '1e400', '2026-01-01 00:00:00.0009+00', '2026-01-01 00:00:00.999'),
  (-9223372036854775808, 1, 1, true, 'a', 'b', '-0', '2026-01-01 00:00:00+00', '2026-01-01 00:00:00'),
  (-9007199254740993, 1, 1, true, 'a', 'b', '0.1', '2026-01-01 00:00:00+00', '2026-01-01 00:00:00'),
  (4294967296, 1, 1, true, 'a', 'b', '1', '2026-01-01 00:00:00+00', '2026-01-01 00:00:00'),
  (18014398509481984, 1, 1, true, 'a', 'b', '1', '2026-01-01 00:00:00+00', '2026-01-01 00:00:00'),
  (4611686018427387903, 1, 1, true, 'a', 'b', '1', '2026-01-01 00:00:00+00', '2026-01-01 00:00:00')`;

const decode = (rows: Buffer[][]) => rows.flat().map((row) => row.toString('utf8'));

async function readAll(iterable: AsyncIterable<Buffer[]>): Promise<Buffer[][]> {
  const out: Buffer[][] = [];
  for await (const batch of iterable) out.push(batch);
  return out;
}

describe('PostgreSQL binary COPY as JSON', () => {
  let client: pg.Client;
  before(async () => {
    client = new pg.Client({ connectionString: await freshPostgresUrl() });
    await client.connect();
    await client.query("SET TimeZone = 'UTC'");
    await client.query(TABLE);
    await client.query(ROWS);
  });
  after(() => client.end());

  it('writes exactly what row_to_json writes, for every type and edge value', async () => {
    const { rows: columns } = await client.query<{ name: string; type: string }>(
      "SELECT attname AS name, format_type(atttypid, atttypmod) AS type FROM pg_attribute WHERE attrelid = 'every_type'::regclass AND attnum > 0 ORDER BY attnum",
    );
    const binary = columns.map((c) => ({ name: c.name, type: binaryColumnType(c.type)! }));
    assert.ok(binary.every((c) => c.type), 'every column type has a binary reader');
    const expressions = columns.map((c) => (c.type.startsWith('timestamp') ? `to_char(${c.name}, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS ${c.name}` : c.name)).join(', ');
    const expected = decode(await readAll(copyBinaryValues(client.query(copyTo(`COPY (SELECT row_to_json(x) FROM (SELECT ${expressions} FROM every_type ORDER BY id) x) TO STDOUT (FORMAT binary)`)))));
    const actual = decode(await readAll(binaryCopyAsJson(client.query(copyTo(`COPY (SELECT ${columns.map((c) => c.name).join(', ')} FROM every_type ORDER BY id) TO STDOUT (FORMAT binary)`)), binary)));
    assert.equal(actual.length, 12);
    assert.deepEqual(actual, expected);
    assert.ok(actual.some((row) => row.includes('"id":9223372036854775807,')) && actual.some((row) => row.includes('"id":-9223372036854775808,')));
  });

  it('reads rows split anywhere across chunks', async () => {
    const columns = [
      { name: 'id', type: 'int8' as const },
      { name: 'body', type: 'text' as const },
    ];
    const chunks: Buffer[] = [];
    for await (const chunk of client.query(copyTo('COPY (SELECT id, body FROM every_type ORDER BY id) TO STDOUT (FORMAT binary)'))) chunks.push(chunk as Buffer);
    const whole = Buffer.concat(chunks);
    const once = decode(await readAll(binaryCopyAsJson([whole], columns)));
    for (let size = 1; size <= 41; size += 4) {
      const pieces = Array.from({ length: Math.ceil(whole.length / size) }, (_, i) => whole.subarray(i * size, (i + 1) * size));
      assert.deepEqual(decode(await readAll(binaryCopyAsJson(pieces, columns))), once, `chunks of ${size} bytes`);
    }
    await assert.rejects(readAll(binaryCopyAsJson([whole.subarray(0, whole.length - 2)], columns)), /ended without its trailer/);
    await assert.rejects(readAll(binaryCopyAsJson([whole], columns.slice(0, 1))), /has 2 fields, expected 1/);
  });
});
