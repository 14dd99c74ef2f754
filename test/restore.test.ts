// Verify, restore, orphans and diff on real meta stores (SQLite and PostgreSQL, in every
// direction) and real backup storage.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import pg from 'pg';
import Database from 'better-sqlite3';
import { BackupManager } from '../lib/backup/backup-manager.ts';
import { isBackupError } from '../lib/backup/errors.ts';
import { parseJson64 } from '../lib/backup/json64.ts';
import { serializeManifest } from '../lib/backup/manifest-write.ts';
import { sstSet } from '../lib/backup/sst-set.ts';
import { restoreSnapshot } from '../lib/backup/restore.ts';
import { MetaSnapshotStorage } from '../lib/backup/snapshot-storage.ts';
import { openMetaStore, type MetaStore } from '../lib/meta/client.ts';
import { openConsistentReader } from '../lib/meta/consistent-reader.ts';
import { sqliteFilePath } from '../lib/meta/database-url.ts';
import { batchRows } from '../lib/format/item-frame.ts';
import { simulateStep } from '../lib/meta/demo-cluster.ts';
import { pendingMigrations } from '../lib/meta/migrate.ts';
import { EXCLUDED_MODELS, SNAPSHOT_SECTIONS } from '../lib/meta/models.ts';
import { FaultInjectingObjectStore } from '../lib/object-store/fault-injecting-store.ts';
import { openObjectStore } from '../lib/object-store/index.ts';
import { unsealStorageUrl } from '../lib/object-store/sealed-secrets.ts';
import { seededMetaStore, type MetaKind } from './support/meta-fixtures.ts';
import { ctlOn } from './support/ctl.ts';
import {
  freshBucketUrl,
  freshDirectory,
  freshPostgresUrl,
  postgresTableNames,
  withPgClient,
} from './support/services.ts';

/** Runs `use` with a manager on the meta store, then closes both, whatever happens. */
async function withManager(meta: MetaStore, use: (manager: BackupManager) => Promise<void>): Promise<void> {
  const manager = new BackupManager({ meta });
  try {
    await use(manager);
  } finally {
    await manager.close();
    await meta.close();
  }
}

/** A target that does not exist yet: a new SQLite file path, or a new empty PostgreSQL database. */
async function emptyTarget(kind: MetaKind): Promise<string> {
  if (kind === 'sqlite') return `file:${path.join(freshDirectory('mbc-restore-'), 'restored.db')}`;
  const admin = new URL(process.env.TEST_POSTGRES_URL!);
  const name = `restore_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
  await withPgClient(admin.toString(), (client) => client.query(`CREATE DATABASE ${name}`));
  admin.pathname = `/${name}`;
  return admin.toString();
}

/** Every backed-up table's rows, parsed from the database's own canonical JSON. */
async function tableContents(url: string): Promise<Record<string, unknown[]>> {
  const reader = await openConsistentReader(url);
  const out: Record<string, unknown[]> = {};
  try {
    for (const { table } of SNAPSHOT_SECTIONS) {
      out[table] = [];
      for await (const batch of reader.rows(table)) {
        for (const row of batchRows(batch)) {
          const value = parseJson64(row) as Record<string, unknown>;
          // A restore writes storage secrets sealed (a snapshot holds them only so): compare them opened.
          if (table === 'system_parameter' && typeof value.value === 'string')
            value.value = unsealStorageUrl(value.value);
          out[table]!.push(value);
        }
      }
    }
  } finally {
    await reader.close();
  }
  return out;
}

/** Tables, columns, constraints, indexes and Prisma's migration history of a PostgreSQL database. */
async function schemaOf(url: string): Promise<unknown[][]> {
  const queries = [
    "SELECT table_name, column_name, data_type, is_nullable, column_default FROM information_schema.columns WHERE table_schema = 'public' ORDER BY 1, 2",
    "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE connamespace = 'public'::regnamespace ORDER BY 1, 2",
    "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1",
    'SELECT migration_name, checksum, applied_steps_count, finished_at IS NOT NULL AS finished, logs, rolled_back_at FROM _prisma_migrations ORDER BY 1',
  ];
  return withPgClient(url, async (client) => {
    const out: unknown[][] = [];
    for (const sql of queries) out.push((await client.query({ text: sql, rowMode: 'array' })).rows);
    return out;
  });
}

/** The stored text of every DATETIME value of a SQLite database, table by table, in row order. */
function sqliteDatetimeText(url: string): Record<string, string[]> {
  const db = new Database(sqliteFilePath(url), { readonly: true });
  try {
    const out: Record<string, string[]> = {};
    for (const { table } of SNAPSHOT_SECTIONS) {
      const columns = (db.prepare(`PRAGMA table_info("${table}")`).all() as { name: string; type: string }[]).filter(
        (c) => c.type === 'DATETIME',
      );
      if (columns.length === 0) continue;
      const rows = db
        .prepare(`SELECT ${columns.map((c) => `"${c.name}"`).join(', ')} FROM "${table}" ORDER BY rowid`)
        .raw()
        .all() as (string | null)[][];
      out[table] = rows.flat().filter((v): v is string => v !== null);
    }
    return out;
  } finally {
    db.close();
  }
}

async function allRowCounts(url: string): Promise<number> {
  const meta = openMetaStore(url);
  try {
    let total = 0;
    const tables = [
      ...SNAPSHOT_SECTIONS.map((s) => s.table as string),
      ...Object.values(EXCLUDED_MODELS).map((e) => e.table),
    ];
    for (const table of tables)
      total += Number(
        ((await meta.prisma.$queryRawUnsafe(`SELECT count(*) AS n FROM "${table}"`)) as { n: number | bigint }[])[0]!.n,
      );
    return total;
  } finally {
    await meta.close();
  }
}

async function backup(manager: BackupManager, remarks: string): Promise<bigint> {
  const id = await manager.startBackupJob({ remarks });
  assert.equal((await manager.waitForJob(id, { pollMs: 20 })).status, 'SUCCEEDED');
  return id;
}

/** Gives the source cluster some awkward content: unicode, quotes, values above 2^53. */
async function roughenUp(meta: MetaStore) {
  const first = await meta.prisma.relation.findFirstOrThrow({ orderBy: { relation_id: 'asc' } });
  await meta.prisma.relation.update({
    where: { relation_id: first.relation_id },
    data: { name: 'ünïcödé "quoted" 🚀', definition: 'SELECT \'a\\nb\' AS "x"\n-- comment', version: 2n ** 62n + 1n },
  });
  await meta.prisma.sessionParameter.create({ data: { name: 'empty', value: '', description: null } });
}

const DIRECTIONS: [MetaKind, MetaKind][] = [
  ['sqlite', 'sqlite'],
  ['postgresql', 'postgresql'],
  ['sqlite', 'postgresql'],
  ['postgresql', 'sqlite'],
];
const SHAPES = [
  { name: 'small cluster after some workload', scale: { relations: 30, ssts: 200 }, steps: 2, rough: true },
  { name: 'empty catalog', scale: { relations: 0, ssts: 0 }, steps: 0, rough: false },
  { name: 'wider cluster (several insert batches)', scale: { relations: 400, ssts: 12_000 }, steps: 1, rough: false },
];

for (const [from, to] of DIRECTIONS) {
  describe(`restore: ${from} → ${to}`, () => {
    for (const shape of SHAPES) {
      it(`restores a ${shape.name} row for row`, async () => {
        const storage = from === 'postgresql' ? await freshBucketUrl() : `fs://${freshDirectory()}`;
        const source = await seededMetaStore(from, { url: storage, directory: 'backup' }, shape.scale);
        await withManager(source, async (manager) => {
          if (shape.rough) await roughenUp(source);
          for (let i = 0; i < shape.steps; i++)
            await simulateStep(source.prisma, { relations: 2, flush: 3, compact: 4 });
          const id = await backup(manager, shape.name);
          const target = await emptyTarget(to);
          const report = await restoreSnapshot({ targetUrl: target, snapshotId: id, storage: await manager.storage() });
          assert.equal(report.snapshotId, id);
          assert.equal(report.sequencesFrom, id);
          assert.deepEqual(await tableContents(target), await tableContents(source.url));
          if (to === 'sqlite') {
            // DATETIME is text in SQLite: the restore writes Prisma's form, so text sorts and
            // comparisons do not mix it with an ISO 'Z' form.
            const restoredText = sqliteDatetimeText(target);
            if (from === 'sqlite') assert.deepEqual(restoredText, sqliteDatetimeText(source.url));
            for (const value of Object.values(restoredText).flat())
              assert.match(value, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+00:00$/);
          }
          if (to === 'postgresql') {
            // The schema came from the restore's own transaction: it must be what Prisma makes.
            assert.deepEqual(await pendingMigrations(target), []);
            assert.deepEqual(await schemaOf(target), await schemaOf(await freshPostgresUrl()));
          }
          // The restored store works through Prisma, and serial ids continue after the restored ones.
          const restored = openMetaStore(target);
          try {
            const worker = await restored.prisma.worker.create({
              data: {
                worker_type: 'COMPUTE_NODE',
                host: 'new',
                port: 1,
                status: 'STARTING',
                parallelism: 1,
                is_streaming: true,
                is_serving: true,
              },
            });
            assert.equal(
              worker.worker_id,
              (await source.prisma.worker.aggregate({ _max: { worker_id: true } }))._max.worker_id! + 1,
            );
            assert.equal(await restored.prisma.backupJob.count(), 0, 'console tables are not restored');
          } finally {
            await restored.close();
          }
        });
      });
    }
  });
}

for (const kind of ['sqlite', 'postgresql'] as const) {
  describe(`restore safety: ${kind}`, () => {
    it('refuses a non-empty target, unknown ids and unknown formats; a dry run writes nothing', async () => {
      const dir = freshDirectory();
      const source = await seededMetaStore(
        kind,
        { url: `fs://${dir}`, directory: 'backup' },
        { relations: 5, ssts: 20 },
      );
      await withManager(source, async (manager) => {
        const id = await backup(manager, 'safety');
        const storage = await manager.storage();
        const before = await tableContents(source.url);
        await assert.rejects(
          restoreSnapshot({ targetUrl: source.url, snapshotId: id, storage }),
          (e: unknown) =>
            isBackupError(e, 'INVALID_INPUT') && /^Meta storage is not empty before being restored: /.test(e.message),
        );
        assert.deepEqual(await tableContents(source.url), before);

        const target = await emptyTarget(kind);
        await assert.rejects(
          restoreSnapshot({ targetUrl: target, snapshotId: 99n, storage }),
          (e: unknown) => isBackupError(e, 'NOT_FOUND') && e.message === 'snapshot id 99 not found',
        );
        await assert.rejects(
          restoreSnapshot({
            targetUrl: target,
            snapshotId: id,
            storage,
            overwrite: { hummockUrl: 'fs://x', hummockDirectory: '', backupUrl: 'fs://y', backupDirectory: 'b' },
          }),
          /must be set simultaneously/,
        );

        const dry = await restoreSnapshot({ targetUrl: target, snapshotId: id, storage, dryRun: true });
        assert.equal(dry.dryRun, true);
        assert.ok(dry.rows.hummock_sstable_info === 20);
        if (kind === 'sqlite')
          assert.equal(fs.existsSync(target.slice('file:'.length)), false, 'a dry run creates no database file');
        else {
          const client = new pg.Client({ connectionString: target });
          await client.connect();
          const { rows } = await client.query("SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'");
          await client.end();
          assert.equal(rows[0].n, 0, 'a dry run creates no table');
        }

        // An entry claiming an unknown format version.
        const { body, etag } = await storage.store.get(storage.manifestKey);
        const manifest = JSON.parse(new TextDecoder().decode(body));
        manifest.snapshot_metadata[0].format_version = 7;
        manifest.manifest_id += 1;
        await storage.store.put(storage.manifestKey, JSON.stringify(manifest), { ifMatch: etag });
        await assert.rejects(restoreSnapshot({ targetUrl: target, snapshotId: id, storage }), (e: unknown) =>
          isBackupError(e, 'UNSUPPORTED_FORMAT'),
        );
      });
    });

    it('leaves the target empty when the restore fails midway', async () => {
      const dir = freshDirectory();
      const source = await seededMetaStore(
        kind,
        { url: `fs://${dir}`, directory: 'backup' },
        { relations: 40, ssts: 3000 },
      );
      await withManager(source, async (manager) => {
        const id = await backup(manager, 'to be cut');
        // Cut the stream near its end: most rows have been inserted when it fails.
        const size = Number((await manager.getSnapshot(id)).size_bytes);
        const faulty = new FaultInjectingObjectStore(openObjectStore(`fs://${dir}`)).inject({
          operation: 'stream',
          afterBytes: size - 300,
        });
        const storage = await MetaSnapshotStorage.open(faulty, 'backup');
        const target = await emptyTarget(kind);
        await assert.rejects(
          restoreSnapshot({ targetUrl: target, snapshotId: id, storage }),
          (e: unknown) => isBackupError(e, 'STORAGE_UNAVAILABLE') && /injected fault/.test(e.message),
        );
        if (kind === 'postgresql') {
          // Schema and rows are one transaction: not even a table is left behind.
          assert.deepEqual(await postgresTableNames(target), []);
        } else {
          assert.equal(await allRowCounts(target), 0, 'not a row was left behind');
        }
        // and the same target then restores cleanly
        faulty.clear();
        await restoreSnapshot({ targetUrl: target, snapshotId: id, storage });
        assert.deepEqual(await tableContents(target), await tableContents(source.url));
      });
    });

    it("takes id sequences from the newest snapshot so they never go backwards, with upstream's checks", async () => {
      const source = await seededMetaStore(
        kind,
        { url: `fs://${freshDirectory()}`, directory: 'backup' },
        { relations: 5, ssts: 20 },
      );
      await withManager(source, async (manager) => {
        const first = await backup(manager, 'old');
        await simulateStep(source.prisma, { relations: 1, flush: 5, compact: 2 });
        const second = await backup(manager, 'newer');
        const newest = await source.prisma.hummockSequence.findMany({ orderBy: { name: 'asc' } });
        const target = await emptyTarget(kind);
        const report = await restoreSnapshot({
          targetUrl: target,
          snapshotId: first,
          storage: await manager.storage(),
        });
        assert.equal(report.sequencesFrom, second);
        const restored = openMetaStore(target);
        try {
          const sequences = await restored.prisma.hummockSequence.findMany({ orderBy: { name: 'asc' } });
          assert.deepEqual(sequences, newest);
          assert.ok(sequences.find((s) => s.name === 'sstable_object_id')!.seq > 2n ** 53n);
          // The catalog is the old snapshot's.
          assert.equal(await restored.prisma.relation.count(), 5);
        } finally {
          await restored.close();
        }

        // A newer snapshot whose sequence went backwards is refused.
        await source.prisma.hummockSequence.update({ where: { name: 'sstable_object_id' }, data: { seq: 5n } });
        await backup(manager, 'went backwards');
        await assert.rejects(
          restoreSnapshot({ targetUrl: await emptyTarget(kind), snapshotId: first, storage: await manager.storage() }),
          (e: unknown) =>
            isBackupError(e, 'INVALID_INPUT') &&
            /^violate monotonicity requirement: sequence sstable_object_id/.test(e.message),
        );
      });
    });
  });
}

describe('verify', () => {
  it('passes a good snapshot and catches flipped bytes, truncation, a missing object, a wrong entry and (with integrity) a deleted SST', async () => {
    const dir = freshDirectory();
    const hummock = freshDirectory('mbc-hummock-');
    const meta = await seededMetaStore(
      'sqlite',
      { url: `fs://${dir}`, directory: 'backup' },
      { relations: 5, ssts: 30 },
    );
    await meta.prisma.systemParameter.update({
      where: { name: 'state_store' },
      data: { value: `hummock+fs://${hummock}` },
    });
    await withManager(meta, async (manager) => {
      const ids = [
        await backup(manager, 'a'),
        await backup(manager, 'b'),
        await backup(manager, 'c'),
        await backup(manager, 'd'),
        await backup(manager, 'e'),
      ];
      const entry = { ...(await manager.getSnapshot(ids[0]!)), ssts: await manager.snapshotSstIds(ids[0]!) };
      fs.mkdirSync(path.join(hummock, 'hummock_001'), { recursive: true });
      for (const sst of entry.ssts) fs.writeFileSync(path.join(hummock, 'hummock_001', `${sst}.data`), 'sst');

      const good = await manager.verifySnapshot(ids[0]!, { validateIntegrity: true });
      assert.deepEqual(good.problems, []);
      assert.equal(good.ok, true);
      assert.equal(good.integrityChecked, true);
      assert.equal((await manager.lastVerification(ids[0]!))?.ok, true);

      fs.unlinkSync(path.join(hummock, 'hummock_001', `${entry.ssts[3]}.data`));
      const lost = await manager.verifySnapshot(ids[0]!, { validateIntegrity: true });
      assert.equal(lost.ok, false);
      assert.match(
        lost.problems[0]!,
        new RegExp(`referenced objects not found in object store: 1 of 30 pinned SSTs are missing .*${entry.ssts[3]}`),
      );
      assert.equal((await manager.verifySnapshot(ids[0]!)).ok, true, 'without integrity the snapshot itself is fine');

      const file = (id: bigint) => path.join(dir, 'backup', `${id}.snapshot`);
      const flipped = fs.readFileSync(file(ids[1]!));
      flipped[Math.floor(flipped.length / 2)]! ^= 0x10;
      fs.writeFileSync(file(ids[1]!), flipped);
      assert.match((await manager.verifySnapshot(ids[1]!)).problems[0]!, /checksum mismatch/);

      fs.truncateSync(file(ids[2]!), 1000);
      const truncated = await manager.verifySnapshot(ids[2]!);
      assert.equal(truncated.ok, false);
      assert.match(
        truncated.problems[0]!,
        /is truncated: its object has 1000 of the \d+ bytes its manifest entry records/,
      );

      fs.unlinkSync(file(ids[3]!));
      assert.match(
        (await manager.verifySnapshot(ids[3]!)).problems[0]!,
        /is in the manifest but its object .* is missing/,
      );

      const storage = await manager.storage();
      const { body, etag } = await storage.store.get(storage.manifestKey);
      const manifest = (await import('../lib/backup/manifest-parse.ts')).parseManifest(body);
      const wrong = manifest.snapshot_metadata.find((s) => s.id === ids[4])!;
      wrong.ssts = sstSet([...wrong.ssts.slice(1), 12345n]);
      await storage.store.put(
        storage.manifestKey,
        serializeManifest({ ...manifest, manifest_id: manifest.manifest_id + 1n }),
        { ifMatch: etag },
      );
      const disagreeing = await manager.verifySnapshot(ids[4]!);
      assert.equal(disagreeing.problems.length, 1);
      assert.match(
        disagreeing.problems[0]!,
        /^pinned SSTs: 1 in the manifest entry but not in the snapshot \(12345\); 1 in the snapshot but not in the manifest entry/,
      );
      assert.equal((await manager.lastVerification(ids[4]!))?.ok, false);
    });
  });
});

describe('orphans and diff', () => {
  it("lists and deletes orphan objects, never a running job's, and diffs two snapshots", async () => {
    const dir = freshDirectory();
    const meta = await seededMetaStore(
      'postgresql',
      { url: `fs://${dir}`, directory: 'backup' },
      { relations: 10, ssts: 50 },
    );
    await withManager(meta, async (manager) => {
      const first = await backup(manager, 'first');
      const step = await simulateStep(meta.prisma, { relations: 3, flush: 4, compact: 6 });
      await meta.prisma.relation.update({
        where: { relation_id: 7 },
        data: { definition: 'CREATE TABLE changed (id INT)' },
      });
      const second = await backup(manager, 'second');
      const storage = await manager.storage();
      await storage.store.put('backup/77.snapshot', 'left by a crash');
      await storage.store.put('backup/notes.txt', 'stray');
      await storage.store.put('backup/nested/1.snapshot', 'another location');
      const held = await manager.startBackupJob({ detach: true });
      await storage.store.put(`backup/${held}.snapshot`, 'being written');
      assert.deepEqual(
        (await manager.listOrphans()).map((o) => o.key),
        ['backup/77.snapshot', 'backup/notes.txt'],
      );
      assert.deepEqual(
        await manager.deleteOrphans([
          'backup/77.snapshot',
          'backup/notes.txt',
          `backup/${held}.snapshot`,
          `backup/${first}.snapshot`,
        ]),
        ['backup/77.snapshot', 'backup/notes.txt'],
      );
      assert.deepEqual(await manager.listOrphans(), []);
      assert.ok(await storage.store.head(`backup/${first}.snapshot`));
      await manager.cancelJob(held);

      const diff = await manager.diffSnapshots(first, second);
      assert.equal(diff.from.hummockVersionId + 1n, diff.to.hummockVersionId);
      assert.deepEqual(
        diff.relations.added.map((r) => r.id),
        step.newRelations,
      );
      assert.deepEqual(diff.relations.removed, []);
      assert.deepEqual(
        diff.relations.changed.map((r) => [r.id, r.fields]),
        [[7, ['definition']]],
      );
      assert.deepEqual([...diff.ssts.added].sort(), [...step.added].sort());
      assert.deepEqual([...diff.ssts.removed].sort(), [...step.removed].sort());
      assert.equal(diff.ssts.unchanged, 50 - 6);
    });
  });
});

describe('ctl verify, diff, orphans, restore', () => {
  it('drives the same operations with exit codes and JSON', async () => {
    const dir = freshDirectory();
    const source = await seededMetaStore(
      'sqlite',
      { url: `fs://${dir}`, directory: 'backup' },
      { relations: 6, ssts: 25 },
    );
    const manager = new BackupManager({ meta: source });
    const first = await backup(manager, 'one');
    await simulateStep(source.prisma, { relations: 2, flush: 2, compact: 2 });
    const second = await backup(manager, 'two');
    await manager.close();
    await source.close();
    const ctl = ctlOn(source.url);
    const verified = await ctl('verify', String(first), '--json');
    assert.equal(verified.code, 0, verified.stderr);
    assert.equal(JSON.parse(verified.stdout).ok, true);
    const diff = JSON.parse((await ctl('diff', String(first), String(second), '--json')).stdout);
    assert.equal(diff.relations.added.length, 2);
    assert.equal(diff.ssts.added.length, 3);
    fs.writeFileSync(path.join(dir, 'backup', '999.snapshot'), 'orphan');
    assert.deepEqual(
      JSON.parse((await ctl('orphans', '--json')).stdout).orphans.map((o: { key: string }) => o.key),
      ['backup/999.snapshot'],
    );
    assert.deepEqual(JSON.parse((await ctl('orphans', '--delete', '--json')).stdout).deleted, ['backup/999.snapshot']);

    const target = await emptyTarget('postgresql');
    const dry = await ctl('restore', '--target-url', target, '--snapshot-id', String(first), '--dry-run');
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /^dry run: snapshot 1 .* nothing was written/);
    const restored = await ctl('restore', '--target-url', target, '--snapshot-id', String(first), '--json');
    assert.equal(restored.code, 0, restored.stderr);
    assert.equal(JSON.parse(restored.stdout).sequencesFrom, String(second));
    const again = await ctl('restore', '--target-url', target, '--snapshot-id', String(first));
    assert.equal(again.code, 1);
    assert.match(again.stderr, /^error: Meta storage is not empty before being restored/);
    const partial = await ctl(
      'restore',
      '--target-url',
      target,
      '--snapshot-id',
      '1',
      '--overwrite-hummock-url',
      'fs://x',
    );
    assert.equal(partial.code, 2);
    assert.match(partial.stderr, /must be set simultaneously/);
  });
});
