// A table with every column type the meta store uses, and rows at the edges of each: shared by
// the tests of the bulk read (binary COPY as JSON) and the bulk write (JSON as COPY text).
import pg from 'pg';
import { freshPostgresUrl } from './services.ts';

export const EVERY_TYPE_TABLE = `CREATE TABLE every_type (
  id bigint PRIMARY KEY, small smallint, number integer, flag boolean, name varchar(64), body text,
  doc jsonb, at timestamptz, at3 timestamp(3) without time zone
)`;

// Values at the edges: 64-bit limits and 2^53 neighbours, every escape, multi-byte UTF-8,
// nulls, timestamps before 2000 and with microseconds.
export const EVERY_TYPE_ROWS = `INSERT INTO every_type VALUES
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

/** A client on a new database holding `every_type` and its rows, in UTC; the caller ends it. */
export async function everyTypeDatabase(): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: await freshPostgresUrl() });
  await client.connect();
  await client.query("SET TimeZone = 'UTC'");
  await client.query(EVERY_TYPE_TABLE);
  await client.query(EVERY_TYPE_ROWS);
  return client;
}
