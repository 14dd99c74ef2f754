// A realistic demo cluster at any scale, and a workload that advances it (new relations,
// flushed SSTs, compactions, version deltas). Used by `npm run seed`, `npm run simulate` and tests.
import type { MetaClient } from './client.ts';

/** Epochs are physical milliseconds shifted left 16 bits (as upstream): far above 2^53. */
export function epochAt(ms: bigint): bigint {
  return ms << 16n;
}

/** Object ids start above 2^53 so that every path has to carry them exactly. */
export const FIRST_OBJECT_ID = 2n ** 53n + 1_000n;
const CHUNK = 5_000;
const KINDS = ['TABLE', 'MATERIALIZED_VIEW', 'SOURCE', 'SINK', 'VIEW', 'INDEX'] as const;
const COMPACTION_GROUPS = [2n, 3n];

export interface SeedOptions {
  relations: number;
  ssts: number;
  /** Options for the demo's storage system parameters. */
  stateStore?: string;
  dataDirectory?: string;
  backupStorageUrl?: string;
  backupStorageDirectory?: string;
}

export interface SeedResult {
  seeded: boolean;
  relations: number;
  ssts: number;
}

async function inChunks<T>(rows: T[], write: (chunk: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) await write(rows.slice(i, i + CHUNK));
}

async function nextSequence(prisma: MetaClient, name: string, count: bigint): Promise<bigint> {
  const row = await prisma.hummockSequence.update({ where: { name }, data: { seq: { increment: count } } });
  return row.seq - count;
}

function sstRow(objectId: bigint, level: number, tableIds: number[], epoch: bigint, group: bigint) {
  return {
    sst_id: objectId,
    object_id: objectId,
    compaction_group_id: group,
    level,
    sub_level: 0,
    file_size: BigInt(4_000_000 + Number(objectId % 60_000_000n)),
    table_ids: tableIds,
    key_range_left: `t${tableIds[0]}/${(objectId % 65_536n).toString(16).padStart(4, '0')}`,
    key_range_right: `t${tableIds.at(-1)}/ffff`,
    min_epoch: epoch - 65_536n * 1_000n,
    max_epoch: epoch,
  };
}

/** Fills an empty meta store; a store that already has a cluster row is left alone. */
export async function seedDemoCluster(prisma: MetaClient, options: SeedOptions): Promise<SeedResult> {
  if ((await prisma.cluster.count()) > 0)
    return { seeded: false, relations: await prisma.relation.count(), ssts: await prisma.hummockSstableInfo.count() };
  const now = new Date();
  const epoch = epochAt(BigInt(now.getTime()));
  const stateStore = options.stateStore ?? 'hummock+fs://data/hummock';
  const dataDirectory = options.dataDirectory ?? 'hummock_001';

  await prisma.cluster.create({ data: { cluster_id: crypto.randomUUID(), created_at: now } });
  await prisma.worker.createMany({
    data: [
      {
        worker_type: 'META',
        host: 'meta-0',
        port: 5690,
        status: 'RUNNING',
        parallelism: 0,
        is_streaming: false,
        is_serving: false,
        started_at: now,
      },
      {
        worker_type: 'FRONTEND',
        host: 'frontend-0',
        port: 4566,
        status: 'RUNNING',
        parallelism: 0,
        is_streaming: false,
        is_serving: false,
        started_at: now,
      },
      {
        worker_type: 'COMPUTE_NODE',
        host: 'compute-0',
        port: 5688,
        status: 'RUNNING',
        parallelism: 8,
        is_streaming: true,
        is_serving: true,
        started_at: now,
      },
      {
        worker_type: 'COMPUTE_NODE',
        host: 'compute-1',
        port: 5688,
        status: 'RUNNING',
        parallelism: 8,
        is_streaming: true,
        is_serving: true,
        started_at: now,
      },
      {
        worker_type: 'COMPACTOR',
        host: 'compactor-0',
        port: 6660,
        status: 'RUNNING',
        parallelism: 4,
        is_streaming: false,
        is_serving: false,
        started_at: now,
      },
    ],
  });
  await prisma.user.createMany({
    data: [
      {
        user_id: 1,
        name: 'root',
        is_super: true,
        can_create_db: true,
        can_create_user: true,
        can_login: true,
        auth_info: null,
      },
      {
        user_id: 2,
        name: 'analyst',
        is_super: false,
        can_create_db: false,
        can_create_user: false,
        can_login: true,
        auth_info: 'md5:4d1b…',
      },
    ],
  });
  await prisma.systemParameter.createMany({
    data: [
      { name: 'state_store', value: stateStore, is_mutable: false, description: 'Hummock data store' },
      {
        name: 'data_directory',
        value: dataDirectory,
        is_mutable: false,
        description: 'Directory of SST objects in the state store',
      },
      {
        name: 'backup_storage_url',
        value: options.backupStorageUrl ?? stateStore.replace(/^hummock\+/, ''),
        is_mutable: true,
        description: 'Where meta snapshots are stored',
      },
      {
        name: 'backup_storage_directory',
        value: options.backupStorageDirectory ?? `${dataDirectory}/backup`,
        is_mutable: true,
        description: 'Directory of meta snapshots',
      },
      { name: 'barrier_interval_ms', value: '1000', is_mutable: true, description: null },
      { name: 'checkpoint_frequency', value: '1', is_mutable: true, description: null },
      { name: 'sstable_size_mb', value: '256', is_mutable: false, description: null },
      { name: 'parallel_compact_size_mb', value: '512', is_mutable: false, description: null },
      { name: 'max_concurrent_creating_streaming_jobs', value: '1', is_mutable: true, description: null },
    ],
  });
  await prisma.sessionParameter.createMany({
    data: [
      { name: 'query_epoch', value: '0', description: 'Time travel epoch; 0 disables it' },
      { name: 'streaming_parallelism', value: 'default', description: null },
      { name: 'timezone', value: 'UTC', description: null },
    ],
  });
  await prisma.hummockSequence.createMany({
    data: [
      { name: 'meta_backup', seq: 1n },
      { name: 'sstable_object_id', seq: FIRST_OBJECT_ID },
      { name: 'compaction_task', seq: 1n },
      { name: 'compaction_group', seq: 4n },
      { name: 'hummock_version', seq: 1n },
    ],
  });
  await prisma.hummockCompactionConfig.createMany({
    data: COMPACTION_GROUPS.map((id) => ({
      compaction_group_id: id,
      config: { max_level: 6, target_file_size_base: 33_554_432, max_bytes_for_level_base: 536_870_912 },
    })),
  });
  await prisma.hummockVersion.create({ data: { id: 1, version_id: 1n, max_committed_epoch: epoch } });
  await prisma.catalogVersion.createMany({
    data: [
      { name: 'catalog', version: 1n },
      { name: 'notification', version: 1n },
    ],
  });

  // Catalog: a database and schemas as objects, then relations spread over them.
  await prisma.object.create({
    data: { oid: 1, obj_type: 'DATABASE', owner_id: 1, initialized_at: now, created_at: now },
  });
  await prisma.database.create({ data: { database_id: 1, name: 'dev' } });
  const schemaNames = ['public', 'analytics', 'ingest', 'ops'];
  for (const [i, name] of schemaNames.entries()) {
    await prisma.object.create({
      data: { oid: 2 + i, obj_type: 'SCHEMA', owner_id: 1, database_id: 1, initialized_at: now, created_at: now },
    });
    await prisma.schema.create({ data: { schema_id: 2 + i, database_id: 1, name } });
  }
  await addRelations(prisma, options.relations, now, epoch);
  await flushSsts(prisma, options.ssts, epoch);
  return { seeded: true, relations: options.relations, ssts: options.ssts };
}

/** Adds relations with their objects, fragments, state tables and a privilege each. */
export async function addRelations(prisma: MetaClient, count: number, now: Date, epoch: bigint): Promise<number[]> {
  if (count === 0) return [];
  const last = await prisma.object.aggregate({ _max: { oid: true } });
  const firstOid = (last._max.oid ?? 0) + 1;
  const lastFragment = await prisma.fragment.aggregate({ _max: { fragment_id: true } });
  let fragmentId = (lastFragment._max.fragment_id ?? 0) + 1;
  const schemas = await prisma.schema.findMany({ select: { schema_id: true, database_id: true } });
  const oids = Array.from({ length: count }, (_, i) => firstOid + i);
  const objects = [];
  const relations = [];
  const fragments = [];
  const stateTables = [];
  const privileges = [];
  for (const oid of oids) {
    const kind = KINDS[oid % KINDS.length]!;
    const schema = schemas[oid % schemas.length]!;
    const name = `${kind.toLowerCase()}_${oid}`;
    objects.push({
      oid,
      obj_type: kind === 'MATERIALIZED_VIEW' ? 'TABLE' : kind,
      owner_id: 1,
      database_id: schema.database_id,
      schema_id: schema.schema_id,
      initialized_at: now,
      created_at: now,
      initialized_at_epoch: epoch,
      created_at_epoch: epoch,
    });
    relations.push({
      relation_id: oid,
      kind,
      name,
      definition:
        kind === 'VIEW' || kind === 'MATERIALIZED_VIEW'
          ? `CREATE ${kind.replace('_', ' ')} ${name} AS SELECT id, amount FROM table_${oid - 1}`
          : `CREATE ${kind} ${name} (id BIGINT PRIMARY KEY, amount NUMERIC, note VARCHAR)`,
      columns: [
        { name: 'id', type: 'int64' },
        { name: 'amount', type: 'decimal' },
        { name: 'note', type: 'varchar' },
      ],
      connector: kind === 'SOURCE' || kind === 'SINK' ? (oid % 2 ? 'kafka' : 'iceberg') : null,
      primary_table_id: kind === 'INDEX' ? oid - 1 : null,
      append_only: oid % 3 === 0,
      version: 1n,
    });
    if (kind !== 'VIEW') {
      for (let f = 0; f < 3; f++) {
        fragments.push({
          fragment_id: fragmentId,
          job_id: oid,
          fragment_type_mask: 1 << f,
          distribution_type: f === 0 ? 'SINGLE' : 'HASH',
          parallelism: f === 0 ? 1 : 8,
          vnode_count: 256,
          state_table_ids: [oid],
          upstream_fragment_ids: f === 0 ? [] : [fragmentId - 1],
        });
        fragmentId++;
      }
      stateTables.push({
        table_id: oid,
        committed_epoch: epoch,
        compaction_group_id: COMPACTION_GROUPS[oid % COMPACTION_GROUPS.length]!,
      });
    }
    privileges.push({ user_id: 2, oid, granted_by: 1, action: 'SELECT', with_grant_option: false });
  }
  await inChunks(objects, (data) => prisma.object.createMany({ data }));
  await inChunks(relations, (data) => prisma.relation.createMany({ data }));
  await inChunks(fragments, (data) => prisma.fragment.createMany({ data }));
  await inChunks(stateTables, (data) => prisma.hummockStateTableInfo.createMany({ data }));
  await inChunks(privileges, (data) => prisma.userPrivilege.createMany({ data }));
  return oids;
}

/** Writes `count` new SSTs with ids from the `sstable_object_id` sequence, a chunk at a time. */
export async function flushSsts(prisma: MetaClient, count: number, epoch: bigint): Promise<bigint[]> {
  if (count === 0) return [];
  const tables = await prisma.hummockStateTableInfo.findMany({
    select: { table_id: true, compaction_group_id: true },
    orderBy: { table_id: 'asc' },
  });
  const first = await nextSequence(prisma, 'sstable_object_id', BigInt(count));
  for (let start = 0; start < count; start += CHUNK) {
    const rows = [];
    for (let i = start; i < Math.min(count, start + CHUNK); i++) {
      const table = tables.length ? tables[i % tables.length]! : { table_id: 0, compaction_group_id: 2n };
      rows.push(
        sstRow(first + BigInt(i), i % 7 === 0 ? 0 : 1 + (i % 6), [table.table_id], epoch, table.compaction_group_id),
      );
    }
    await prisma.hummockSstableInfo.createMany({ data: rows });
  }
  return Array.from({ length: count }, (_, i) => first + BigInt(i));
}

export interface SimulateStepResult {
  versionId: bigint;
  added: bigint[];
  removed: bigint[];
  newRelations: number[];
}

/**
 * One step of the workload: a few new relations, a flush of new SSTs, and a compaction that
 * replaces some old SSTs with fewer new ones, recorded as a version delta. All in one
 * transaction, like the meta node's commit.
 */
export async function simulateStep(
  prisma: MetaClient,
  options: { relations?: number; flush?: number; compact?: number } = {},
): Promise<SimulateStepResult> {
  return prisma.$transaction(
    async (tx) => {
      const client = tx as unknown as MetaClient;
      const version = await client.hummockVersion.findUniqueOrThrow({ where: { id: 1 } });
      const now = new Date();
      const epoch =
        epochAt(BigInt(now.getTime())) > version.max_committed_epoch
          ? epochAt(BigInt(now.getTime()))
          : version.max_committed_epoch + 65_536n;
      const newRelations = await addRelations(client, options.relations ?? 2, now, epoch);
      const compactCount = options.compact ?? 4;
      const victims = await client.hummockSstableInfo.findMany({
        select: { object_id: true, sst_id: true },
        orderBy: { sst_id: 'asc' },
        take: compactCount,
      });
      await client.hummockSstableInfo.deleteMany({ where: { sst_id: { in: victims.map((v) => v.sst_id) } } });
      const flushed = await flushSsts(client, options.flush ?? 3, epoch);
      const compacted = victims.length
        ? await flushSsts(client, Math.max(1, Math.floor(victims.length / 2)), epoch)
        : [];
      const added = [...flushed, ...compacted];
      const removed = victims.map((v) => v.object_id);
      const versionId = version.version_id + 1n;
      await client.hummockVersionDelta.create({
        data: {
          id: versionId,
          prev_id: version.version_id,
          max_committed_epoch: epoch,
          trivial_move: false,
          added_object_ids: added.map(String),
          removed_object_ids: removed.map(String),
        },
      });
      await client.hummockVersion.update({
        where: { id: 1 },
        data: { version_id: versionId, max_committed_epoch: epoch },
      });
      await client.hummockStateTableInfo.updateMany({ data: { committed_epoch: epoch } });
      await client.catalogVersion.update({ where: { name: 'catalog' }, data: { version: { increment: 1n } } });
      return { versionId, added, removed, newRelations };
    },
    { timeout: 60_000 },
  );
}
