import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isBackupError } from './errors.ts';
import { objectIdOf, readObjectId, readStateTableInfo } from './snapshot-builder.ts';
import { u64Halves } from './u64-digits.ts';

describe('SST object ids from row JSON', () => {
  it('reads each row into its slot exactly, beyond 2^53', () => {
    const ids = [9007199254740993n, 0n, 18446744073709551615n];
    const read = new BigUint64Array(ids.length);
    for (const [i, id] of ids.entries()) {
      readObjectId(Buffer.from(`{"sst_id":${i},"object_id":${id},"level":0}`), u64Halves(read), i);
    }
    assert.deepEqual(Array.from(read), ids);
    assert.equal(objectIdOf(new TextEncoder().encode('{"object_id":9007199254740993}')), 9007199254740993n);
  });

  it('fails on a row without a u64 object_id', () => {
    for (const row of [
      '{"sst_id":1}',
      '{"object_id":-1}',
      '{"object_id":1.5}',
      '{"object_id":12e3}',
      '{"object_id":18446744073709551616}',
      '{"object_id":"5"}',
    ]) {
      assert.throws(
        () => objectIdOf(Buffer.from(row)),
        (error: unknown) => isBackupError(error) && error.code === 'CORRUPT_SNAPSHOT' && error.message.includes(row),
        row,
      );
    }
  });
});

describe('state table rows from row JSON', () => {
  it('reads id, epoch and group exactly from the bytes, in any key order', () => {
    const row = Buffer.from(
      '{"table_id":4294967295,"committed_epoch":18446744073709551615,"compaction_group_id":9007199254740993}',
    );
    assert.deepEqual(readStateTableInfo(row), {
      tableId: 4294967295n,
      committedEpoch: 18446744073709551615n,
      compactionGroupId: 9007199254740993n,
    });
    const reordered = Buffer.from('{"compaction_group_id":3,"committed_epoch":117677673767370752,"table_id":7}');
    assert.deepEqual(readStateTableInfo(reordered), {
      tableId: 7n,
      committedEpoch: 117677673767370752n,
      compactionGroupId: 3n,
    });
  });

  it('falls back to parsing: a value as a string still reads, anything else fails with its name', () => {
    assert.deepEqual(readStateTableInfo(Buffer.from('{"table_id":"7","committed_epoch":5,"compaction_group_id":2}')), {
      tableId: 7n,
      committedEpoch: 5n,
      compactionGroupId: 2n,
    });
    assert.throws(
      () => readStateTableInfo(Buffer.from('{"table_id":7,"committed_epoch":1.5,"compaction_group_id":2}')),
      /committed_epoch must be an integer/,
    );
    assert.throws(
      () => readStateTableInfo(Buffer.from('{"table_id":7,"compaction_group_id":2}')),
      /committed_epoch must be an integer/,
    );
  });
});
