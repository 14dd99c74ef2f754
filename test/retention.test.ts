// Retention against a real meta store (SQLite and PostgreSQL) and fs:// storage, on a ManualClock:
// the backups are taken days apart in the clock's time, and retention deletes exactly what the
// planner says, through the manifest-first delete, leaving an audit row per deletion.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { BackupManager } from '../lib/backup/backup-manager.ts';
import { isBackupError } from '../lib/backup/errors.ts';
import { planRetention } from '../lib/backup/retention.ts';
import { readingSnapshot } from '../lib/backup/snapshot-readers.ts';
import type { MetaStore } from '../lib/meta/client.ts';
import { ManualClock } from './support/manual-clock.ts';
import { type MetaKind, seededMetaStore } from './support/meta-fixtures.ts';
import { freshDirectory } from './support/services.ts';

const DAY = 86_400_000;

async function setup(kind: MetaKind) {
  const root = freshDirectory();
  const meta = await seededMetaStore(kind, { url: `fs://${root}`, directory: 'backup' });
  const clock = new ManualClock(new Date('2026-03-01T09:00:00Z'));
  const manager = new BackupManager({ meta, clock });
  const backup = async (remarks: string) => {
    const id = await manager.startBackupJob({ remarks, requestId: `req-${remarks}` });
    const job = await manager.waitForJob(id, { pollMs: 5 });
    assert.equal(job.status, 'SUCCEEDED', job.error ?? '');
    return id;
  };
  const ids = async () =>
    (await manager.manifest()).snapshot_metadata.map((s) => s.id).sort((a, b) => (a < b ? -1 : 1));
  const objectExists = (id: bigint) => fs.existsSync(path.join(root, 'backup', `${id}.snapshot`));
  const retentionAudit = (meta: MetaStore) =>
    meta.prisma.auditEvent.findMany({ where: { action: 'retention.delete' }, orderBy: { id: 'asc' } });
  const close = async () => {
    await manager.close();
    await meta.close();
  };
  return { meta, clock, manager, backup, ids, objectExists, retentionAudit, close };
}

const expectError = async (call: Promise<unknown>, code: string, message: RegExp) => {
  await assert.rejects(call, (error: unknown) => {
    assert.ok(isBackupError(error), String(error));
    assert.equal(error.code, code);
    assert.match(error.message, message);
    return true;
  });
};

for (const kind of ['sqlite', 'postgresql'] as MetaKind[]) {
  describe(`retention: ${kind}`, () => {
    it('applies after a backup: deletes exactly what the planner said, keeps the pinned, audits each with its rule', async () => {
      const t = await setup(kind);
      try {
        const taken: bigint[] = [];
        for (let day = 0; day < 5; day++) {
          taken.push(await t.backup(`day ${day}`));
          t.clock.advance(DAY);
        }
        // No rule yet: everything stayed.
        assert.deepEqual(await t.ids(), taken);
        await t.manager.keepSnapshot(taken[1]!, { reason: 'before the upgrade', by: 'alice' });
        await t.manager.setRetentionRule({ keepLast: 2 }, 'alice');
        // The plan the next backup's retention must carry out, made by the planner alone.
        const before = (await t.manager.manifest()).snapshot_metadata;
        const next = taken.at(-1)! + 1n; // ids come from one sequence
        const expected = planRetention(
          [
            ...before.map((s) => ({ id: s.id, createdAt: new Date(s.created_at!) })),
            { id: next, createdAt: t.clock.now() },
          ],
          { keepLast: 2 },
          t.clock.now(),
          { kept: new Set([taken[1]!]) },
        );
        assert.deepEqual(expected.delete, [taken[3]!, taken[2]!, taken[0]!]);

        const newest = await t.backup('day 5');
        assert.equal(newest, next);
        assert.deepEqual(await t.ids(), [taken[1]!, taken[4]!, newest]);
        for (const id of expected.delete) assert.equal(t.objectExists(id), false, `object of ${id} deleted`);
        for (const id of expected.keep) assert.equal(t.objectExists(id), true, `object of ${id} kept`);

        const rows = await t.retentionAudit(t.meta);
        assert.deepEqual(
          rows.map((r) => r.target),
          expected.delete.map((id) => `snapshot ${id}`),
        );
        for (const row of rows) {
          assert.equal(row.actor, 'retention');
          assert.equal(row.result, 'ok');
          assert.match(row.message ?? '', /^deleted: outside keep-last 2 \(rule: keep-last 2; in backup\/ of fs:\/\//);
          assert.equal(row.request_id, 'req-day 5', 'the backup request that triggered it');
          assert.equal(row.at.getTime(), t.clock.now().getTime(), 'at the injected clock time');
        }
        // The pin is still there and shows who and why.
        const pin = await t.manager.keepPin(taken[1]!);
        assert.equal(pin?.reason, 'before the upgrade');
        assert.equal(pin?.keptBy, 'alice');
      } finally {
        await t.close();
      }
    });

    it('previews without changing anything: manifest, objects, rule and audit stay', async () => {
      const t = await setup(kind);
      try {
        const taken = [await t.backup('a')];
        t.clock.advance(3 * DAY);
        taken.push(await t.backup('b'));
        await t.manager.setRetentionRule({ keepDays: 1 }, 'alice');
        const manifestBefore = (await t.manager.manifest()).manifest_id;
        const plan = await t.manager.previewRetention({ keepLast: 5 });
        assert.deepEqual(plan.delete, []);
        const stored = await t.manager.previewRetention();
        assert.deepEqual(stored.delete, [taken[0]!]);
        assert.match(stored.decisions[1]!.why, /outside keep-days 1/);
        assert.deepEqual(await t.ids(), taken);
        assert.equal((await t.manager.manifest()).manifest_id, manifestBefore);
        assert.deepEqual((await t.manager.retentionRule())?.rule, { keepDays: 1 });
        assert.equal((await t.retentionAudit(t.meta)).length, 0);
        assert.ok(t.objectExists(taken[0]!));
      } finally {
        await t.close();
      }
    });

    it('on demand, keeps the newest, the pinned and the one being read, whatever the rule says', async () => {
      const t = await setup(kind);
      try {
        const taken: bigint[] = [];
        for (let i = 0; i < 4; i++) {
          taken.push(await t.backup(`s${i}`));
          t.clock.advance(DAY);
        }
        await t.manager.keepSnapshot(taken[0]!, { by: 'bob' });
        await t.manager.setRetentionRule({ keepDays: 1 }, 'alice');
        t.clock.advance(30 * DAY); // every snapshot is now older than the rule keeps
        const storage = await t.manager.storage();
        const applied = await readingSnapshot(storage, taken[1]!, () => t.manager.applyRetention());
        assert.deepEqual(applied.deleted, [taken[2]!]);
        const why = new Map(applied.plan.decisions.map((d) => [d.id, d.keptBy]));
        assert.deepEqual(why.get(taken[3]!), ['newest']);
        assert.deepEqual(why.get(taken[0]!), ['keep-pin']);
        assert.deepEqual(why.get(taken[1]!), ['in-use']);
        assert.deepEqual(await t.ids(), [taken[0]!, taken[1]!, taken[3]!]);
        // Read no longer: the next apply deletes it; the pin and the newest still hold.
        assert.deepEqual((await t.manager.applyRetention()).deleted, [taken[1]!]);
        assert.deepEqual(await t.ids(), [taken[0]!, taken[3]!]);
        // Unpinned, it goes too.
        assert.equal(await t.manager.unkeepSnapshot(taken[0]!), true);
        assert.equal(await t.manager.unkeepSnapshot(taken[0]!), false);
        assert.deepEqual((await t.manager.applyRetention()).deleted, [taken[0]!]);
        assert.deepEqual(await t.ids(), [taken[3]!]);
        assert.deepEqual(
          (await t.retentionAudit(t.meta)).map((r) => r.target),
          [taken[2]!, taken[1]!, taken[0]!].map((id) => `snapshot ${id}`),
        );
      } finally {
        await t.close();
      }
    });

    it('refuses bad rules and reasons with clear errors and changes nothing', async () => {
      const t = await setup(kind);
      try {
        const id = await t.backup('one');
        await t.manager.setRetentionRule({ keepLast: 3 }, 'alice');
        await expectError(
          t.manager.setRetentionRule({ keepLast: 0 }, 'mallory'),
          'INVALID_INPUT',
          /keepLast must be at least 1/,
        );
        await expectError(
          t.manager.setRetentionRule({ keepLsat: 2 }, 'mallory'),
          'INVALID_INPUT',
          /unknown retention setting: keepLsat/,
        );
        await expectError(
          t.manager.previewRetention({ keepDays: 'x' }),
          'INVALID_INPUT',
          /keepDays must be a whole number/,
        );
        const stored = await t.manager.retentionRule();
        assert.deepEqual(stored?.rule, { keepLast: 3 });
        assert.equal(stored?.updatedBy, 'alice');
        await expectError(t.manager.keepSnapshot(id + 1n, { by: 'alice' }), 'NOT_FOUND', /snapshot id \d+ not found/);
        await expectError(
          t.manager.keepSnapshot(id, { by: 'alice', reason: 'a\u0007b' }),
          'INVALID_INPUT',
          /control characters/,
        );
        await expectError(
          t.manager.keepSnapshot(id, { by: 'alice', reason: 'x'.repeat(501) }),
          'INVALID_INPUT',
          /at most 500/,
        );
        assert.equal(await t.manager.keepPin(id), null);
        assert.equal(await t.meta.prisma.snapshotKeep.count(), 0);
      } finally {
        await t.close();
      }
    });

    it('does not apply after a backup that failed its verify', async () => {
      const t = await setup(kind);
      try {
        const first = await t.backup('first');
        t.clock.advance(DAY);
        await t.manager.setRetentionRule({ keepLast: 1 }, 'alice');
        // Verify reads the new snapshot back: make that read fail.
        const storage = await t.manager.storage();
        const originalStream = storage.stream.bind(storage);
        storage.stream = async () => {
          throw new Error('simulated unreadable snapshot');
        };
        const id = await t.manager.startBackupJob({ verify: true });
        const job = await t.manager.waitForJob(id, { pollMs: 5 });
        storage.stream = originalStream;
        assert.equal(job.verification?.ok, false);
        assert.deepEqual(await t.ids(), [first, id], 'nothing deleted after a failed verify');
      } finally {
        await t.close();
      }
    });
  });
}
