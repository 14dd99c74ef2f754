// Restore drills on SQLite and PostgreSQL meta stores: a good snapshot passes with its rows
// counted, a damaged one fails with the reason, and no scratch store is left behind.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import { after, before, describe, it } from 'node:test';
import { BackupManager } from '../lib/backup/backup-manager.ts';
import { isBackupError } from '../lib/backup/errors.ts';
import type { MetaStore } from '../lib/meta/client.ts';
import { type MetaKind, seededMetaStore } from './support/meta-fixtures.ts';
import { freshDirectory } from './support/services.ts';

const scratchStores = () => fs.readdirSync(os.tmpdir()).filter((name) => name.startsWith('mbc-drill-'));

for (const kind of ['sqlite', 'postgresql'] as MetaKind[]) {
  describe(`restore drills: ${kind}`, () => {
    let meta: MetaStore;
    let manager: BackupManager;
    before(async () => {
      meta = await seededMetaStore(kind, { url: `fs://${freshDirectory()}`, directory: 'backup' });
      manager = new BackupManager({ meta });
    });
    after(async () => {
      await manager.close();
      await meta.close();
    });

    it('refuses a drill when there is no snapshot', async () => {
      await assert.rejects(manager.drillSnapshot(), (e: unknown) => isBackupError(e, 'NOT_FOUND'));
      assert.equal(await meta.prisma.restoreDrill.count(), 0);
    });

    it('restores the newest snapshot into a scratch store, counts every row, and removes the store', async () => {
      const before = scratchStores();
      const id = await manager.startBackupJob({ remarks: 'drill me' });
      assert.equal((await manager.waitForJob(id, { pollMs: 20 })).status, 'SUCCEEDED');
      const entry = await manager.getSnapshot(id);
      const drill = await manager.drillSnapshot(undefined, { startedBy: 'alice', requestId: 'req-drill' });
      assert.equal(drill.state, 'PASSED', drill.problem ?? '');
      assert.equal(drill.snapshotId, id);
      const expected = Object.values(entry.section_counts ?? {}).reduce((a, b) => a + b, 0);
      assert.ok(expected > 0);
      assert.equal(drill.rows, BigInt(expected));
      assert.equal(drill.problem, null);
      assert.equal(drill.requestId, 'req-drill');
      assert.deepEqual(scratchStores(), before, 'the scratch store is removed');
      const [listed] = await manager.listDrills({ snapshotId: id });
      assert.equal(listed?.id, drill.id);
      assert.equal(listed?.state, 'PASSED');
    });

    it('fails a drill of a damaged snapshot with the reason, and keeps the record', async () => {
      const id = await manager.startBackupJob({ remarks: 'to be damaged' });
      assert.equal((await manager.waitForJob(id, { pollMs: 20 })).status, 'SUCCEEDED');
      const storage = await manager.storage();
      const key = storage.snapshotKey(id);
      const bytes = Buffer.from((await storage.store.get(key)).body);
      bytes[bytes.length - 20] = bytes[bytes.length - 20]! ^ 0xff; // one flipped byte
      await storage.store.deleteMany([key]);
      await storage.store.put(key, bytes);
      const before = scratchStores();
      const drill = await manager.drillSnapshot(id, { startedBy: 'bob' });
      assert.equal(drill.state, 'FAILED');
      assert.match(drill.problem ?? '', /^verify: /);
      assert.deepEqual(scratchStores(), before);
      const [latest] = await manager.listDrills();
      assert.equal(latest?.id, drill.id);
      assert.equal(latest?.state, 'FAILED');
      await assert.rejects(manager.drillSnapshot(987654n), (e: unknown) => isBackupError(e, 'NOT_FOUND'));
    });
  });
}
