import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isBackupError } from './errors.ts';
import type { Manifest } from './manifest.ts';
import { sortedIdsText } from './manifest-id-text.ts';
import { parseManifest } from './manifest-parse.ts';
import { manifestBody, serializeManifest } from './manifest-write.ts';

describe('manifest', () => {
  it("reads RisingWave's layout with exact 64-bit values and defaults for missing fields", () => {
    const text =
      '{"manifest_id":3,"snapshot_metadata":[{"id":2,"hummock_version_id":40,"ssts":[7,18446744073709551615],"format_version":2,"remarks":null,' +
      '"state_table_info":{"5":{"committed_epoch":117674628804313088,"compaction_group_id":2}},"rw_version":"2.6.0","max_committed_epoch":1,"future_field":{"x":1}},' +
      '{"id":9007199254740993,"hummock_version_id":41}]}';
    const manifest = parseManifest(text);
    assert.equal(manifest.manifest_id, 3n);
    const [first, second] = manifest.snapshot_metadata;
    assert.deepEqual(first!.ssts, new BigUint64Array([7n, 18446744073709551615n]));
    assert.equal(first!.state_table_info['5']!.committed_epoch, 117674628804313088n);
    assert.equal(first!.rw_version, '2.6.0');
    assert.equal(second!.id, 9007199254740993n);
    assert.deepEqual(second!.ssts, new BigUint64Array());
    assert.equal(second!.format_version, 0);
    assert.equal(second!.remarks, null);
    // Fields this product does not know are written back as they were read.
    assert.equal(Buffer.from(first!.extra!).toString(), ',"max_committed_epoch":1,"future_field":{"x":1}');
    assert.match(
      serializeManifest(manifest).toString(),
      /"rw_version":"2\.6\.0","max_committed_epoch":1,"future_field":\{"x":1\}\}/,
    );
    assert.deepEqual(parseManifest(serializeManifest(manifest)), manifest);
  });

  it('writes what it reads, 64-bit values as plain JSON numbers', () => {
    const manifest: Manifest = {
      manifest_id: 12n,
      snapshot_metadata: [
        {
          id: 2n ** 63n + 5n,
          hummock_version_id: 2n ** 53n + 1n,
          ssts: new BigUint64Array([1n, 2n ** 64n - 1n]),
          format_version: 2,
          remarks: 'ünïcode "quoted"',
          state_table_info: { '1': { committed_epoch: 2n ** 62n, compaction_group_id: 3n } },
          rw_version: 'mbc-0.1.0',
          created_at: '2026-11-25T02:00:00.000Z',
          size_bytes: 123n,
        },
      ],
    };
    const text = serializeManifest(manifest).toString();
    assert.match(text, /"ssts":\[1,18446744073709551615\]/);
    assert.deepEqual(parseManifest(text), manifest);
  });

  it('reads ssts arrays however they are spaced, sorted and without duplicates, and only where "ssts" is a key', () => {
    const text =
      '{ "manifest_id" : 9007199254740993 ,\n "snapshot_metadata" : [ { "remarks" : "a \\"ssts\\": [1, x] \\\\", "ssts" :\n [ 18446744073709551615 , 3,\t3 , 9007199254740993 ] ,' +
      ' "id" : 1, "hummock_version_id" : 1234567890123456, "rw_version": "\\"ssts\\":[" }, {"id": 2, "hummock_version_id": 2, "ssts": [ ]} ] }';
    const manifest = parseManifest(text);
    assert.equal(manifest.manifest_id, 9007199254740993n);
    const [first, second] = manifest.snapshot_metadata;
    assert.deepEqual(first!.ssts, new BigUint64Array([3n, 9007199254740993n, 18446744073709551615n]));
    assert.equal(first!.remarks, 'a "ssts": [1, x] \\');
    assert.equal(first!.rw_version, '"ssts":[');
    assert.equal(first!.hummock_version_id, 1234567890123456n);
    assert.equal(second!.ssts.length, 0);
    assert.deepEqual(parseManifest(serializeManifest(manifest)), manifest);
  });

  it('rejects malformed manifests with a message that says where', () => {
    const cases: [string, RegExp][] = [
      ['', /not valid JSON/],
      ['{"manifest_id": 1}', /snapshot_metadata/],
      ['{"manifest_id": 1.5, "snapshot_metadata": []}', /manifest_id/],
      [
        '{"manifest_id": 1, "snapshot_metadata": [{"id": 1, "hummock_version_id": 1, "ssts": [-1]}]}',
        /not a valid manifest: snapshot_metadata\.ssts: "-1" is not a u64/,
      ],
      [
        '{"manifest_id": 1, "snapshot_metadata": [{"id": 1, "hummock_version_id": 1, "ssts": [1, "2"]}]}',
        /"\\"2\\"" is not a u64/,
      ],
      [
        '{"manifest_id": 1, "snapshot_metadata": [{"id": 1, "hummock_version_id": 1, "ssts": [1,]}]}',
        /ends with a comma/,
      ],
      [
        '{"manifest_id": 1, "snapshot_metadata": [{"id": 1, "hummock_version_id": 1, "ssts": [1 2]}]}',
        /unexpected "2"/,
      ],
      ['{"manifest_id": 1, "snapshot_metadata": [{"id": 1, "hummock_version_id": 1, "ssts": [1, 2', /not closed/],
      [
        '{"manifest_id": 1, "snapshot_metadata": [{"id": 1, "hummock_version_id": 1, "ssts": 5}]}',
        /snapshot 1 has no "ssts" array/,
      ],
      ['{"manifest_id": 1, "snapshot_metadata": [{"id": 1, "hummock_version_id": 1, "remarks": "open', /not closed/],
      [
        '{"manifest_id": 18446744073709551616, "snapshot_metadata": []}',
        /manifest_id: 18446744073709551616 is not a u64/,
      ],
      [
        '{"manifest_id": 1, "snapshot_metadata": [{"id": 1, "hummock_version_id": 1, "ssts": [18446744073709551616]}]}',
        /not a u64/,
      ],
      [
        '{"manifest_id": 1, "snapshot_metadata": [{"id": 1, "hummock_version_id": 1, "state_table_info": {"x": {}}}]}',
        /state_table_info/,
      ],
      [
        '{"manifest_id": 1, "snapshot_metadata": [{"id": 1, "hummock_version_id": 1, "state_table_info": [1]}]}',
        /state_table_info: expected an object/,
      ],
      // A value seen before as a number is still checked when it comes as something else.
      [
        '{"manifest_id": 1, "snapshot_metadata": [{"id": 1, "hummock_version_id": 1, "state_table_info": {"1": {"committed_epoch": 1, "compaction_group_id": 2}, "2": {"committed_epoch": [1], "compaction_group_id": 2}}}]}',
        /state_table_info\.2\.committed_epoch/,
      ],
    ];
    for (const [text, pattern] of cases) {
      assert.throws(
        () => parseManifest(text),
        (e: unknown) => isBackupError(e, 'CORRUPT_MANIFEST') && pattern.test(e.message),
        text,
      );
    }
  });

  it('writes each state table with its own epoch and group, and escapes a key that is not digits', () => {
    const tables = {
      '7': { committed_epoch: 2n ** 64n - 1n, compaction_group_id: 2n },
      '8': { committed_epoch: 5n, compaction_group_id: 2n ** 63n },
      'a"ü\\': { committed_epoch: 5n, compaction_group_id: 2n },
    };
    const manifest: Manifest = {
      manifest_id: 1n,
      snapshot_metadata: [
        {
          id: 1n,
          hummock_version_id: 1n,
          ssts: new BigUint64Array(0),
          format_version: 2,
          remarks: null,
          state_table_info: tables,
          rw_version: null,
        },
      ],
    };
    const text = serializeManifest(manifest).toString();
    assert.match(
      text,
      /"state_table_info":\{"7":\{"committed_epoch":18446744073709551615,"compaction_group_id":2\},"8":\{"committed_epoch":5,"compaction_group_id":9223372036854775808\},/,
    );
    assert.deepEqual(Object.keys(JSON.parse(text).snapshot_metadata[0].state_table_info), ['7', '8', 'a"ü\\']);
  });

  it('round-trips a thousand entries, escaped strings, and shares equal state tables', () => {
    const epoch = 2n ** 60n + 7n;
    const manifest = {
      manifest_id: 3n,
      snapshot_metadata: Array.from({ length: 1000 }, (_, i) => ({
        id: BigInt(i + 1),
        hummock_version_id: 1n,
        ssts: new BigUint64Array(i % 2 ? [2n ** 63n + BigInt(i)] : []),
        format_version: 2,
        remarks: ['ends with \\', 'a \\" quote', '"ssts":[1]', null][i % 4]!,
        state_table_info: {
          '1': { committed_epoch: epoch, compaction_group_id: 2n },
          '2': { committed_epoch: epoch, compaction_group_id: 2n },
        },
        rw_version: 'x',
      })),
    };
    const parsed = parseManifest(serializeManifest(manifest));
    assert.deepEqual(parsed, manifest);
    const [first, second] = parsed.snapshot_metadata;
    assert.equal(first!.state_table_info['1'], second!.state_table_info['2'], 'one object for equal values');
    assert.ok(Object.isFrozen(first!.state_table_info['1']));
  });

  it('is made a megabyte at a time, ids running across pieces, and reads back the same', () => {
    const ssts = new BigUint64Array(150_000);
    for (let i = 0; i < ssts.length; i++) ssts[i] = 2n ** 53n - 70_000n + BigInt(i * 3); // crosses 2^53 and a digit count
    const tables = Object.fromEntries(
      Array.from({ length: 30_000 }, (_, i) => [
        String(i),
        { committed_epoch: 2n ** 60n + BigInt(i % 4), compaction_group_id: 2n },
      ]),
    );
    const manifest: Manifest = {
      manifest_id: 9n,
      snapshot_metadata: [1n, 2n].map((id) => ({
        id,
        hummock_version_id: id,
        ssts,
        format_version: 2,
        remarks: null,
        state_table_info: tables,
        rw_version: 'x',
      })),
    };
    const chunks = [...manifestBody(manifest).chunks()];
    assert.ok(chunks.length > 4, `${chunks.length} pieces`);
    assert.ok(chunks.every((chunk) => chunk.length <= 1 << 20));
    const bytes = Buffer.concat(chunks);
    assert.ok(bytes.includes(sortedIdsText(ssts)), 'the ids as sortedIdsText writes them');
    assert.ok(Buffer.concat([...manifestBody(manifest).chunks()]).equals(bytes), 'the same bytes each time');
    assert.deepEqual(parseManifest(bytes), manifest);
  });

  it('writes ids as BigInt would, across carries, 2^53, 2^64 - 1, big jumps and unsorted input', () => {
    const max = 2n ** 64n - 1n;
    const cases: bigint[][] = [
      [],
      [0n],
      [0n, 1n, 9n, 10n, 99n, 100n, 999_999n, 1_000_000n, 1_000_001n],
      [2n ** 53n - 2n, 2n ** 53n - 1n, 2n ** 53n, 2n ** 53n + 1n, 2n ** 53n + 999n, 2n ** 53n + 1000n],
      [5n, 2n ** 60n, 2n ** 60n + 1n, max - 10_000_000_000_000_000n, max - 1n, max],
      [7n, 3n, 3n, 12n, 2n ** 63n, 1n], // not sorted: each falls back to toString
    ];
    // Random ascending runs with gaps from 1 to 2^40, starting anywhere in the 64-bit range.
    let seed = 42;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let run = 0; run < 20; run++) {
      const ids: bigint[] = [BigInt(Math.floor(random() * 2 ** 31)) * BigInt(Math.floor(random() * 2 ** 31)) * 4n];
      for (let i = 1; i < 2000; i++) {
        const next = ids[i - 1]! + 1n + BigInt(Math.floor(random() ** 8 * 2 ** 40));
        if (next > max) break;
        ids.push(next);
      }
      cases.push(ids);
    }
    for (const ids of cases)
      assert.equal(sortedIdsText(BigUint64Array.from(ids)).toString(), ids.join(','), ids.slice(0, 8).join(','));
  });
});
