// Which meta store models a snapshot holds, in section order, and which it leaves out and why.
// Every Prisma model must be in exactly one list: the type below fails to compile otherwise,
// and lib/meta/models.test.ts checks the lists against the schema and the migrated tables.
import type { Prisma } from './generated/sqlite/client.ts';

/** Snapshot sections in order. Append only: never reorder or remove (old snapshots rely on it). */
export const SNAPSHOT_SECTIONS = [
  { model: 'HummockVersion', table: 'hummock_version' },
  { model: 'HummockSstableInfo', table: 'hummock_sstable_info' },
  { model: 'HummockStateTableInfo', table: 'hummock_state_table_info' },
  { model: 'HummockCompactionConfig', table: 'hummock_compaction_config' },
  { model: 'HummockSequence', table: 'hummock_sequence' },
  { model: 'Cluster', table: 'cluster' },
  { model: 'Worker', table: 'worker' },
  { model: 'User', table: 'user' },
  { model: 'Object', table: 'object' },
  { model: 'Database', table: 'database' },
  { model: 'Schema', table: 'schema' },
  { model: 'Relation', table: 'relation' },
  { model: 'Fragment', table: 'fragment' },
  { model: 'UserPrivilege', table: 'user_privilege' },
  { model: 'CatalogVersion', table: 'catalog_version' },
  { model: 'SystemParameter', table: 'system_parameter' },
  { model: 'SessionParameter', table: 'session_parameter' },
] as const satisfies readonly { model: Prisma.ModelName; table: string }[];

/** Models never backed up, with the reason. */
export const EXCLUDED_MODELS = {
  HummockVersionDelta: { table: 'hummock_version_delta', reason: 'replayed into the current version, as upstream' },
  HummockPinnedVersion: { table: 'hummock_pinned_version', reason: 'runtime state of readers' },
  HummockVersionSafePoint: { table: 'hummock_version_safe_point', reason: 'runtime state of running backups' },
  BackupJob: { table: 'backup_job', reason: 'console table: job history of this product' },
  SnapshotVerification: { table: 'snapshot_verification', reason: 'console table: results of verifying snapshots' },
  RetentionRule: { table: 'retention_rule', reason: 'console table: which snapshots this product keeps' },
  SnapshotKeep: { table: 'snapshot_keep', reason: 'console table: snapshots marked keep against retention' },
  RestoreDrill: { table: 'restore_drill', reason: 'console table: results of restore drills' },
  ManifestSummaryCache: {
    table: 'manifest_summary_cache',
    reason: 'console table: the last manifest summary read or written per storage location, a cache',
  },
  ConsoleUser: {
    table: 'console_user',
    reason: 'console table: people who may use this product, not the database users',
  },
  ConsoleSession: { table: 'console_session', reason: 'console table: sign-in sessions, secrets of this product' },
  ConsoleAccount: { table: 'console_account', reason: 'console table: password hashes and single sign-on links' },
  ConsoleVerification: { table: 'console_verification', reason: 'console table: short-lived single sign-on state' },
  ConsoleRateLimit: { table: 'console_rate_limit', reason: 'console table: sign-in attempt counters' },
  ConsoleApiToken: {
    table: 'console_api_token',
    reason: 'console table: hashes of API tokens, secrets of this product',
  },
  AuditEvent: {
    table: 'audit_event',
    reason: 'console table: who did what in this product; a restore must not rewrite it',
  },
  BackupSchedule: { table: 'backup_schedule', reason: 'console table: backup schedules of this product' },
  BackupScheduleRun: { table: 'backup_schedule_run', reason: 'console table: what each scheduled run did' },
  SchedulerLease: { table: 'scheduler_lease', reason: 'console table: which process runs the schedules now' },
  AlertChannel: {
    table: 'alert_channel',
    reason: 'console table: where alerts go, with sealed secrets of this product',
  },
  AlertDelivery: { table: 'alert_delivery', reason: 'console table: history of alert deliveries' },
} as const satisfies Partial<Record<Prisma.ModelName, { table: string; reason: string }>>;

export type BackedUpModel = (typeof SNAPSHOT_SECTIONS)[number]['model'];
type Unlisted = Exclude<Prisma.ModelName, BackedUpModel | keyof typeof EXCLUDED_MODELS>;
// A model added to prisma/schema.prisma but to neither list makes this line a type error.
export const everyModelListed: [Unlisted] extends [never] ? true : { unlisted: Unlisted } = true;
