// The meta store on SQLite and PostgreSQL: migrations, the demo cluster, the simulated
// workload, exact 64-bit values, and the backup list against the real tables.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { after, before, describe, it } from 'node:test';
import { openMetaStore, type MetaStore } from '../lib/meta/client.ts';
import { sqliteFilePath } from '../lib/meta/database-url.ts';
import { FIRST_OBJECT_ID, seedDemoCluster, simulateStep } from '../lib/meta/demo-cluster.ts';
import { pendingMigrations } from '../lib/meta/migrate.ts';
import { EXCLUDED_MODELS, SNAPSHOT_SECTIONS } from '../lib/meta/models.ts';
import { ctlOn } from './support/ctl.ts';
import { freshDirectory, freshPostgresUrl, freshSqliteUrl, postgresTableNames } from './support/services.ts';

async function tableNames(kind: 'sqlite' | 'postgresql', url: string): Promise<string[]> {
  if (kind === 'sqlite') {
    const db = new Database(sqliteFilePath(url), { readonly: true });
    try {
      return db
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        .all()
        .map((r) => (r as { name: string }).name);
    } finally {
      db.close();
    }
  }
  return postgresTableNames(url);
}

for (const kind of ['sqlite', 'postgresql'] as const) {
  describe(`meta store: ${kind}`, () => {
    let url: string;
    let store: MetaStore;
    before(async () => {
      url = kind === 'sqlite' ? freshSqliteUrl() : await freshPostgresUrl();
      store = openMetaStore(url);
    });
    after(() => store.close());

    it('is fully migrated, and every table is backed up or excluded', async () => {
      assert.deepEqual(await pendingMigrations(url), []);
      const listed = [
        ...SNAPSHOT_SECTIONS.map((s) => s.table as string),
        ...Object.values(EXCLUDED_MODELS).map((e) => e.table),
      ].sort();
      const tables = (await tableNames(kind, url)).filter((t) => t !== '_prisma_migrations').sort();
      assert.deepEqual(tables, listed);
    });

    it('seeds a demo cluster once, with 64-bit ids and epochs kept exact', async () => {
      const seeded = await seedDemoCluster(store.prisma, { relations: 40, ssts: 300 });
      assert.deepEqual(seeded, { seeded: true, relations: 40, ssts: 300 });
      assert.equal((await seedDemoCluster(store.prisma, { relations: 5, ssts: 5 })).seeded, false);
      assert.equal(await store.prisma.relation.count(), 40);
      assert.equal(await store.prisma.hummockSstableInfo.count(), 300);
      const ssts = await store.prisma.hummockSstableInfo.findMany({ orderBy: { object_id: 'asc' } });
      assert.equal(ssts[0]!.object_id, FIRST_OBJECT_ID);
      assert.equal(ssts.at(-1)!.object_id, FIRST_OBJECT_ID + 299n);
      assert.ok(ssts.every((s) => s.max_epoch > 2n ** 53n));
      const sequence = await store.prisma.hummockSequence.findUniqueOrThrow({ where: { name: 'sstable_object_id' } });
      assert.equal(sequence.seq, FIRST_OBJECT_ID + 300n);
      const params = Object.fromEntries((await store.prisma.systemParameter.findMany()).map((p) => [p.name, p.value]));
      assert.equal(params.backup_storage_url, params.state_store!.replace(/^hummock\+/, ''));
      assert.equal(params.backup_storage_directory, `${params.data_directory}/backup`);
      // Every relation's object sits in a schema of a database.
      const orphanObjects = await store.prisma.object.count({
        where: { obj_type: { notIn: ['DATABASE'] }, database_id: null },
      });
      assert.equal(orphanObjects, 0);
    });

    it('advances the cluster: new relations, new SSTs, compacted SSTs leave the version', async () => {
      const before = new Set(
        (await store.prisma.hummockSstableInfo.findMany({ select: { object_id: true } })).map((s) => s.object_id),
      );
      const versionBefore = (await store.prisma.hummockVersion.findUniqueOrThrow({ where: { id: 1 } })).version_id;
      const steps = [];
      for (let i = 0; i < 3; i++) steps.push(await simulateStep(store.prisma, { relations: 2, flush: 5, compact: 6 }));
      const current = new Set(
        (await store.prisma.hummockSstableInfo.findMany({ select: { object_id: true } })).map((s) => s.object_id),
      );
      const version = await store.prisma.hummockVersion.findUniqueOrThrow({ where: { id: 1 } });
      assert.equal(version.version_id, versionBefore + 3n);
      for (const step of steps) {
        assert.equal(step.removed.length, 6);
        for (const id of step.removed)
          assert.ok(before.has(id) && !current.has(id), `compacted SST ${id} left the version`);
        for (const id of step.added)
          assert.ok(!before.has(id) && current.has(id) && id > FIRST_OBJECT_ID, `new SST ${id} joined the version`);
      }
      assert.equal(current.size, before.size + 3 * (5 + 3 - 6));
      const deltas = await store.prisma.hummockVersionDelta.findMany({ orderBy: { id: 'asc' } });
      assert.deepEqual(
        deltas.map((d) => [d.prev_id, d.id]),
        [
          [versionBefore, versionBefore + 1n],
          [versionBefore + 1n, versionBefore + 2n],
          [versionBefore + 2n, versionBefore + 3n],
        ],
      );
      assert.equal(await store.prisma.relation.count(), 46);
      const epochs = await store.prisma.hummockStateTableInfo.findMany({ select: { committed_epoch: true } });
      assert.ok(epochs.every((e) => e.committed_epoch === version.max_committed_epoch));
    });
  });
}

describe('meta store: a file that is not one', () => {
  it('ctl says so in one line (no stack, no page of Prisma output) and changes nothing', async () => {
    const file = path.join(freshDirectory('mbc-bad-meta-'), 'meta.db');
    fs.writeFileSync(file, 'not a database\n');
    for (const args of [['snapshots'], ['--json', 'snapshots']]) {
      const { code, stdout, stderr } = await ctlOn(`file:${file}`)(...args);
      assert.equal(code, 1);
      assert.equal(stdout, '');
      const message =
        args[0] === '--json'
          ? (JSON.parse(stderr) as { error: { code: string; message: string } }).error.message
          : stderr.trim();
      if (args[0] !== '--json') assert.equal(stderr.trim().split('\n').length, 1, stderr);
      assert.match(message, /^(error: )?cannot open the meta store .*meta\.db: file is not a database$/);
      assert.doesNotMatch(stderr, /\bat \S+:\d+|External error/);
    }
    assert.equal(fs.readFileSync(file, 'utf8'), 'not a database\n');
  });
});
