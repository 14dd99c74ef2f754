import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readU64Digits, u64Halves } from './u64-digits.ts';

const EDGES = [
  0n,
  1n,
  9n,
  10n,
  2n ** 32n - 1n,
  2n ** 32n,
  10n ** 15n - 1n,
  10n ** 15n,
  2n ** 53n - 1n,
  2n ** 53n,
  2n ** 53n + 1n,
  10n ** 19n,
  2n ** 63n,
  2n ** 64n - 1n,
];

function read(text: string): bigint | null {
  const ids = new BigUint64Array(3);
  const bytes = Buffer.from(`x${text},`);
  const end = readU64Digits(bytes, 1, bytes.length, u64Halves(ids), 1);
  if (end < 0) return null;
  assert.equal(end, 1 + text.length, `${text}: stops after the digits`);
  assert.equal(ids[0], 0n, 'writes only its own slot');
  assert.equal(ids[2], 0n, 'writes only its own slot');
  return ids[1]!;
}

describe('u64 digits', () => {
  it('reads every width exactly, across 2^32, 2^53 and 2^64 - 1', () => {
    let x = 0x9e3779b97f4a7c15n;
    const random = Array.from({ length: 2000 }, (_, i) => {
      x = (x * 6364136223846793005n + 1442695040888963407n) & (2n ** 64n - 1n);
      return x >> BigInt(i % 64); // every bit length
    });
    for (const value of [...EDGES, ...random]) assert.equal(read(value.toString()), value, value.toString());
  });

  it('rejects what is not a u64', () => {
    for (const text of ['', '-1', '18446744073709551616', '99999999999999999999', '123456789012345678901']) {
      assert.equal(read(text), null, text);
    }
  });
});
