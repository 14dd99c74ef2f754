// A PostgreSQL restore loads each backed-up row (its JSON) as a line of COPY text: on the real
// server, the table it loads must hold exactly the rows the JSON came from.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { copyTextEncoder, CopyTextBuffer, RowFormatError, type CopyColumn } from '../lib/meta/pg-copy-text.ts';
import { everyTypeDatabase } from './support/every-type.ts';

describe('JSON rows as PostgreSQL COPY text', () => {
  let client: pg.Client;
  let columns: CopyColumn[];
  const rowsAsJson = async (table: string) =>
    (await client.query<{ j: string }>(`SELECT row_to_json(x)::text AS j FROM ${table} x ORDER BY id`)).rows.map(
      (r) => r.j,
    );
  const load = async (table: string, rows: string[]) => {
    const encode = copyTextEncoder(table, columns);
    const text = new CopyTextBuffer(16); // small, so it has to grow
    for (const row of rows) encode(Buffer.from(row), text);
    await new Promise<void>((resolve, reject) => {
      const stream = client.query(copyFrom(`COPY ${table} (${columns.map((c) => c.name).join(', ')}) FROM STDIN`));
      stream.on('finish', resolve).on('error', reject);
      stream.end(text.take());
    });
  };

  before(async () => {
    client = await everyTypeDatabase();
    const { rows } = await client.query<{ name: string; type: string }>(
      "SELECT column_name AS name, data_type AS type FROM information_schema.columns WHERE table_name = 'every_type' ORDER BY ordinal_position",
    );
    columns = rows.map((c) => ({ name: c.name, json: c.type === 'jsonb' }));
  });
  after(() => client.end());

  it('loads exactly the rows row_to_json wrote, for every type and edge value', async () => {
    await client.query('CREATE TABLE loaded (LIKE every_type)');
    const original = await rowsAsJson('every_type');
    await load('loaded', original);
    assert.deepEqual(await rowsAsJson('loaded'), original);
  });

  it('takes keys in any order and spacing; a missing key or null is NULL; escapes decode', async () => {
    await client.query('CREATE TABLE hand_written (LIKE every_type)');
    await load('hand_written', [
      ' { "body" : "tab\\tnew\\nline \\\\ \\u00fc\\ud834\\udd1e" ,\n "id":9223372036854775807 , "doc" : { "k" : [ 1 , "\\"" ] }, "flag": null } ',
      '{"id":-1,"name":"no escapes, \\/ slash","doc":"a string"}',
    ]);
    const { rows } = await client.query(
      'SELECT id::text, body, doc, flag, name, small FROM hand_written ORDER BY id::numeric',
    );
    assert.deepEqual(rows, [
      { id: '-1', body: null, doc: 'a string', flag: null, name: 'no escapes, / slash', small: null },
      {
        id: '9223372036854775807',
        body: 'tab\tnew\nline \\ ü𝄞',
        doc: { k: [1, '"'] },
        flag: null,
        name: null,
        small: null,
      },
    ]);
  });

  it('refuses a column the target lacks and malformed rows, naming the table', () => {
    const encode = copyTextEncoder('every_type', columns);
    const text = new CopyTextBuffer();
    assert.throws(
      () => encode(Buffer.from('{"id":1,"dropped_column":2}'), text),
      (e: unknown) =>
        e instanceof RowFormatError &&
        e.message ===
          'a every_type row has a column "dropped_column" that the target\'s every_type table does not have',
    );
    for (const bad of ['[1]', '{"id":1', '{"id":1,"body":"open}', '{"id":}', '{"id":1} trailing', '{"doc":{"a":[1}']) {
      assert.throws(
        () => encode(Buffer.from(bad), text),
        (e: unknown) =>
          e instanceof RowFormatError && e.message.startsWith('a every_type row is not a JSON object of its columns: '),
        bad,
      );
    }
  });
});
