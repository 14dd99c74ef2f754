// The manifest summary cache in the meta store, on SQLite and PostgreSQL: what a new process
// takes instead of reading the manifest, for the ETag it was kept for and no other.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type CachedManifest, ManifestSummaryRecords } from '../lib/backup/manifest-summary-cache.ts';
import { openMetaStore } from '../lib/meta/client.ts';
import { freshPostgresUrl, freshSqliteUrl } from './support/services.ts';

const MAX = 2n ** 64n - 1n;

const cached = (manifestId: bigint): CachedManifest => ({
  manifest: {
    manifest_id: manifestId,
    snapshot_metadata: [
      {
        id: MAX,
        hummock_version_id: 2n ** 53n + 1n,
        format_version: 2,
        remarks: 'ü "quoted"',
        rw_version: null,
        created_at: '2026-12-01T00:00:00.000Z',
        size_bytes: 12_345n,
        section_counts: { relation: 3 },
        extra: Buffer.from(',"future":{"x":[1,2]}'),
        sst_count: 1_000_000,
        state_table_count: 100_000,
      },
    ],
  },
  layout: {
    fields: ['manifest_id', Buffer.from('"top":1'), 'entries'],
    entries: [{ start: 40, end: 900 }],
    size: 1000,
  },
});

for (const kind of ['sqlite', 'postgresql'] as const) {
  describe(`manifest summary cache: ${kind}`, () => {
    it('gives back what was kept for an ETag exactly, and nothing for another ETag or location', async () => {
      const meta = openMetaStore(kind === 'sqlite' ? freshSqliteUrl() : await freshPostgresUrl());
      try {
        const records = new ManifestSummaryRecords(meta.prisma, { url: 'fs:///x', directory: 'backup' });
        assert.equal(await records.get('"a"'), null);
        await records.put('"a"', cached(7n));
        assert.deepEqual(await records.get('"a"'), cached(7n));
        assert.equal(await records.get('"b"'), null);
        // One row per location: the next ETag's replaces it.
        await records.put('"b"', cached(8n));
        assert.equal(await records.get('"a"'), null);
        assert.deepEqual(await records.get('"b"'), cached(8n));
        assert.equal(await meta.prisma.manifestSummaryCache.count(), 1);
        const other = new ManifestSummaryRecords(meta.prisma, { url: 'fs:///x', directory: 'other' });
        assert.equal(await other.get('"b"'), null);
        // A row that does not decode is no summary.
        await meta.prisma.manifestSummaryCache.updateMany({ data: { summary: '{"manifest":{"manifest_id":1}}' } });
        assert.equal(await records.get('"b"'), null);
        await meta.prisma.manifestSummaryCache.updateMany({ data: { summary: 'not json' } });
        assert.equal(await records.get('"b"'), null);
      } finally {
        await meta.close();
      }
    });
  });
}
