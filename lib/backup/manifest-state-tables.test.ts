import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isBackupError } from './errors.ts';
import { parseManifest } from './manifest-parse.ts';
import { readManifest } from './manifest-stream.ts';
import { countPlainStateTables } from './manifest-state-tables.ts';

const MAX = '18446744073709551615';
const entry = (tables: string) =>
  `{"manifest_id":1,"snapshot_metadata":[{"id":1,"hummock_version_id":1,"ssts":[1],"state_table_info":${tables}}]}`;

/** What the whole parse says: the number of tables, or the error's code. */
function parsed(tables: string): number | string {
  try {
    return Object.keys(parseManifest(entry(tables)).snapshot_metadata[0]!.state_table_info).length;
  } catch (error) {
    return isBackupError(error) ? error.code : String(error);
  }
}

/** What a summary read (tables counted, not made) says. */
async function counted(tables: string): Promise<number | string> {
  try {
    const bytes = Buffer.from(entry(tables));
    const chunks = (async function* () {
      yield bytes.subarray(0, 37);
      yield bytes.subarray(37);
    })();
    for await (const event of readManifest(chunks, { ssts: 'skip' }))
      if (event.kind === 'entry') return event.metadata.state_table_count;
    return 'no entry';
  } catch (error) {
    return isBackupError(error) ? error.code : String(error);
  }
}

const table = (id: string, epoch = '1', group = '2') =>
  `"${id}":{"committed_epoch":${epoch},"compaction_group_id":${group}}`;

const CASES: [string, string][] = [
  ['empty', '{}'],
  ['plain, ascending', `{${table('1')},${table('2')},${table('10')}}`],
  ['u64 values at the limit', `{${table('3', MAX, MAX)}}`],
  ['a value above 2^64 - 1', `{${table('3', '18446744073709551616')}}`],
  ['a value of 21 digits', `{${table('3', '100000000000000000000')}}`],
  ['a negative value', `{${table('3', '-1')}}`],
  ['a leading zero in a value', `{${table('3', '01')}}`],
  ['values as strings', '{"3":{"committed_epoch":"5","compaction_group_id":"2"}}'],
  ['fields in another order', '{"3":{"compaction_group_id":2,"committed_epoch":5}}'],
  ['a missing field', '{"3":{"committed_epoch":5}}'],
  ['spaces', `{ "1" : {"committed_epoch" : 1, "compaction_group_id":2} , ${table('2')} }`],
  ['keys out of order', `{${table('10')},${table('9')}}`],
  ['a table given twice', `{${table('4')},${table('4', '7')}}`],
  ['a key with a leading zero', `{${table('04')}}`],
  ['a key that is not a number', `{${table('x')}}`],
  ['an empty key', `{${table('')}}`],
  ['a value that is not an object', '{"3":5}'],
  ['null', 'null'],
  ['an array', '[]'],
  ['a trailing comma', `{${table('1')},}`],
  ['an extra field in a value', '{"3":{"committed_epoch":1,"compaction_group_id":2,"x":1}}'],
];

describe('state tables counted, not made', () => {
  it('agrees with the whole parse on every case, plain or not', async () => {
    for (const [name, tables] of CASES) assert.equal(await counted(tables), parsed(tables), name);
  });

  it('settles plain text itself, and hands anything else to the parse', () => {
    const plain = (text: string) => countPlainStateTables(Buffer.from(text));
    assert.equal(plain('{}'), 0);
    assert.equal(plain(`{${table('1')},${table('2')},${table('10')}}`), 3);
    assert.equal(plain(`{${table('3', MAX, MAX)}}`), 1);
    for (const text of [
      `{${table('10')},${table('9')}}`,
      `{${table('4')},${table('4')}}`,
      `{${table('3', '18446744073709551616')}}`,
      `{${table('3', '01')}}`,
      `{${table('3', '100000000000000000000')}}`,
      `{ ${table('1')}}`,
      '{"3":{"committed_epoch":"5","compaction_group_id":"2"}}',
      `{${table('1')}`,
      `{${table('1')}}x`,
    ])
      assert.equal(plain(text), null, text);
  });
});
