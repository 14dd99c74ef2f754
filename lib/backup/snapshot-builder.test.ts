import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isBackupError } from './errors.ts';
import { objectIdOf, readObjectId } from './snapshot-builder.ts';
import { u64Halves } from './u64-digits.ts';

describe('SST object ids from row JSON', () => {
  it('reads each row into its slot exactly, beyond 2^53', () => {
    const ids = [9007199254740993n, 0n, 18446744073709551615n];
    const read = new BigUint64Array(ids.length);
    ids.forEach((id, i) => readObjectId(Buffer.from(`{"sst_id":${i},"object_id":${id},"level":0}`), u64Halves(read), i));
    assert.deepEqual(Array.from(read), ids);
    assert.equal(objectIdOf(new TextEncoder().encode('{"object_id":9007199254740993}')), 9007199254740993n);
  });

  it('fails on a row without a u64 object_id', () => {
    for (const row of ['{"sst_id":1}', '{"object_id":-1}', '{"object_id":18446744073709551616}', '{"object_id":"5"}']) {
      assert.throws(
        () => objectIdOf(Buffer.from(row)),
        (error: unknown) => isBackupError(error) && error.code === 'CORRUPT_SNAPSHOT' && error.message.includes(row),
        row,
      );
    }
  });
});
