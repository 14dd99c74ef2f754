// What the JSON API answers, as zod schemas for the API document (./openapi.ts): the handlers do
// not parse their own answers with them, but test/openapi.test.ts checks at compile time that
// each one is exactly the type its route returns. Also the error codes and their HTTP statuses,
// which app/api/_lib/route.ts answers with.
import { z } from 'zod';
import { ALERT_CHANNEL_KINDS } from '../alerts/channels.ts';
import { ALERT_EVENT_KINDS } from '../alerts/events.ts';
import type { BackupErrorCode } from '../backup/errors.ts';

// ---- errors ----

/** The HTTP status of each error code of the core. */
export const STATUS_BY_CODE: Record<BackupErrorCode, number> = {
  CONCURRENT_JOB: 409,
  TOO_MANY_SNAPSHOTS: 409,
  MANIFEST_CONFLICT: 409,
  STORAGE_UNAVAILABLE: 503,
  META_STORE_UNAVAILABLE: 503,
  NOT_FOUND: 404,
  INVALID_CONFIG: 400,
  INVALID_INPUT: 400,
  CHECKSUM_MISMATCH: 422,
  CORRUPT_SNAPSHOT: 422,
  CORRUPT_MANIFEST: 502,
  MANIFEST_REGRESSED: 502,
  UNSUPPORTED_FORMAT: 422,
  CONFLICT: 409,
  CANCELLED: 409,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  RATE_LIMITED: 429,
};

/** The codes of a request refused before it reaches the core, and their statuses. */
export const BAD_REQUEST_STATUS = { BAD_REQUEST: 400, UNSUPPORTED_MEDIA_TYPE: 415, PAYLOAD_TOO_LARGE: 413 } as const;
export type BadRequestCode = keyof typeof BAD_REQUEST_STATUS;

export type ErrorCode = BackupErrorCode | BadRequestCode | 'INTERNAL';

const STATUS_OF: Record<ErrorCode, number> = { ...STATUS_BY_CODE, ...BAD_REQUEST_STATUS, INTERNAL: 500 };
export const ERROR_CODES = Object.keys(STATUS_OF) as [ErrorCode, ...ErrorCode[]];

/** The error codes an answer with this status may carry. */
export function codesOfStatus(status: number): ErrorCode[] {
  return ERROR_CODES.filter((code) => STATUS_OF[code] === status);
}

export const errorBodySchema = z
  .object({
    error: z.object({
      code: z.enum(ERROR_CODES).meta({ description: 'What went wrong, for programs.' }),
      message: z.string().meta({ description: 'What went wrong, for people; shown as is.' }),
      requestId: z.string().meta({ description: 'The `x-request-id` of the answer; the server log names it.' }),
    }),
  })
  .meta({ id: 'Error', description: 'Every error answer of the API.' });

// ---- values ----

/**
 * A 64-bit integer as the API writes it. Not a named component: the generator writes a nullable
 * reference as allOf [ref, null], which nothing matches, and an inline schema as type [string, null].
 */
const u64 = z
  .string()
  .regex(/^\d{1,20}$/)
  .meta({ description: 'A 64-bit unsigned integer, as a decimal string.' });

const timestamp = z.string().meta({ format: 'date-time', description: 'ISO 8601, UTC.' });

// ---- jobs ----

export const jobSchema = z
  .object({
    id: u64.meta({ description: 'The job id, also the id of the snapshot it makes.' }),
    status: z.enum(['RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED']),
    remarks: z.string().nullable(),
    startedBy: z.string().meta({ description: 'The user, token (token:NAME) or CLI user that started it.' }),
    startedAt: timestamp,
    finishedAt: timestamp.nullable(),
    heartbeatAt: timestamp.meta({ description: 'Last sign of life of the process running it.' }),
    durationMs: z.number().int(),
    rowsWritten: u64,
    bytesWritten: u64,
    snapshotBytes: u64.nullable(),
    hummockVersionId: u64.nullable(),
    error: z.string().nullable(),
    cancelRequested: z.boolean(),
    storageUrl: z.string().meta({ description: 'Where it wrote, secrets masked.' }),
    storageDirectory: z.string(),
    verify: z.boolean().meta({ description: 'Whether the job reads its snapshot back once written.' }),
    verification: z
      .object({ ok: z.boolean(), message: z.string().nullable() })
      .nullable()
      .meta({ description: 'The outcome of that read-back: null until it ran; what went wrong when not ok.' }),
    requestId: z.string().nullable().meta({ description: 'The request that started the job, as in the logs.' }),
  })
  .meta({ id: 'Job', description: 'A backup job.' });

export const jobListSchema = z.object({ jobs: z.array(jobSchema) }).meta({ id: 'JobList' });

// ---- restore drills ----

export const drillSchema = z
  .object({
    id: z.number().int(),
    snapshotId: u64,
    state: z.enum(['RUNNING', 'PASSED', 'FAILED']),
    startedBy: z.string(),
    startedAt: timestamp,
    finishedAt: timestamp.nullable(),
    rows: u64.meta({ description: 'Rows restored and counted.' }),
    durationMs: z.number().int(),
    problem: z.string().nullable().meta({ description: 'The first difference or error of a failed drill.' }),
    requestId: z.string().nullable(),
  })
  .meta({
    id: 'RestoreDrill',
    description:
      'A restore drill: the snapshot verified, restored into a scratch SQLite meta store, its row counts compared with the snapshot, the store removed.',
  });

export const drillListSchema = z.object({ drills: z.array(drillSchema) }).meta({ id: 'RestoreDrillList' });

export const startJobResultSchema = z
  .object({
    job_id: u64.meta({ description: 'The new job; poll GET /api/jobs/{id}.' }),
    status: z.literal('RUNNING'),
  })
  .meta({ id: 'StartJobResult' });

// ---- snapshots ----

export const stateTableInfoSchema = z
  .object({ committed_epoch: u64, compaction_group_id: u64 })
  .meta({ id: 'StateTableInfo' });

export const snapshotSchema = z
  .object({
    id: u64,
    hummock_version_id: u64,
    sst_count: z
      .number()
      .int()
      .meta({ description: 'How many SST object ids the snapshot pins; the ids are at GET /api/snapshots/{id}/ssts.' }),
    format_version: z.number().int(),
    remarks: z.string().nullable(),
    state_table_count: z.number().int().meta({ description: 'How many state tables the snapshot lists.' }),
    rw_version: z.string().nullable(),
    created_at: timestamp.optional(),
    size_bytes: u64.optional(),
    section_counts: z.record(z.string(), z.number().int()).optional().meta({ description: 'Rows per table.' }),
  })
  .meta({ id: 'Snapshot', description: "A snapshot's entry in the manifest." });

export const manifestSchema = z
  .object({ manifest_id: u64, snapshot_metadata: z.array(snapshotSchema) })
  .meta({ id: 'Manifest', description: 'Every snapshot of the backup storage.' });

export const sstIdPageSchema = z
  .object({
    total: z.number().int().meta({ description: 'How many ids match, on every page.' }),
    items: z.array(u64),
    next: u64.nullable().meta({ description: 'The `after` of the next page; null on the last.' }),
  })
  .meta({ id: 'SstIdPage' });

export const deleteSnapshotsResultSchema = z
  .object({
    deleted: z.array(u64),
    manifest_id: u64.meta({ description: 'The manifest written.' }),
    remaining: z.number().int().meta({ description: 'Snapshots left.' }),
  })
  .meta({ id: 'DeleteSnapshotsResult' });

// ---- SST garbage collection ----

export const pinnedSstSchema = z.object({ objectId: u64, snapshotIds: z.array(u64) }).meta({ id: 'PinnedSst' });

export const pinnedSstPageSchema = z
  .object({
    total: z.number().int().meta({ description: 'How many ids match, on every page.' }),
    items: z.array(pinnedSstSchema),
    next: u64.nullable().meta({ description: 'The `after` of the next page; null on the last.' }),
  })
  .meta({ id: 'PinnedSstPage' });

export const gcDeletableResultSchema = z
  .object({ deletable: z.array(u64).meta({ description: 'The candidates that may be deleted.' }) })
  .meta({ id: 'GcDeletableResult' });

// ---- storage location ----

export const storageLocationSchema = z
  .object({ url: z.string().meta({ description: 'Secrets masked.' }), directory: z.string() })
  .meta({ id: 'StorageConfig' });

export const storageLocationSavedSchema = z
  .object({
    url: z.string().meta({ description: 'Secrets masked.' }),
    directory: z.string(),
    snapshots: z.number().int().meta({ description: 'Snapshots found there.' }),
  })
  .meta({ id: 'StorageConfigSaved' });

export const okSchema = z.object({ ok: z.literal(true) }).meta({ id: 'Ok' });

export const storageHealthSchema = z
  .object({
    storage: z
      .union([z.object({ ok: z.literal(true) }), z.object({ ok: z.literal(false), message: z.string() })])
      .meta({ description: 'ok, or why the storage did not answer.' }),
  })
  .meta({ id: 'StorageHealth' });

// ---- audit ----

export const auditEventSchema = z
  .object({
    id: z.number().int(),
    at: timestamp,
    actor: z.string(),
    address: z.string().nullable(),
    userAgent: z.string().nullable(),
    action: z.string(),
    target: z.string().nullable(),
    result: z.string().meta({ description: '"ok", or the error code.' }),
    message: z.string().nullable(),
    requestId: z.string().nullable(),
  })
  .meta({ id: 'AuditEvent' });

export const auditEventListSchema = z.object({ events: z.array(auditEventSchema) }).meta({ id: 'AuditEventList' });

// ---- schedules ----

export const scheduleRunSchema = z
  .object({
    id: z.number().int(),
    scheduleId: z.number().int(),
    dueAt: timestamp.meta({ description: 'When the run was due (for MISSED: the first missed run).' }),
    firedAt: timestamp.meta({ description: 'When a scheduler handled it.' }),
    outcome: z.enum(['FIRING', 'STARTED', 'SKIPPED', 'FAILED', 'MISSED', 'PASSED']).meta({
      description:
        'STARTED: its job started; SKIPPED: a job (for a drill: the previous drill) was running, not queued; FAILED: the job did not start, or the drill failed (see message); PASSED: the drill passed; MISSED: runs due while no scheduler ran (counted in missedCount); FIRING: being started (a drill: running).',
    }),
    jobId: u64.nullable().meta({ description: 'The job it started.' }),
    drillId: z.number().int().nullable().meta({ description: 'A drill schedule: the drill it ran.' }),
    message: z.string().nullable(),
    missedCount: z.number().int().nullable(),
    missedUntil: timestamp.nullable().meta({ description: 'MISSED: the last missed run.' }),
    catchUp: z.boolean().meta({ description: 'Fired late, after the scheduler was away at its due time.' }),
    runner: z.string().meta({ description: 'The scheduler process that handled it.' }),
  })
  .meta({ id: 'ScheduleRun', description: 'One due run of a schedule.' });

export const scheduleSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    kind: z.enum(['backup', 'drill']).meta({ description: 'backup: starts a backup job; drill: a restore drill.' }),
    cron: z.string(),
    timeZone: z.string().meta({ description: 'IANA time zone the cron expression is read in.' }),
    enabled: z.boolean(),
    verify: z.boolean(),
    remarks: z.string().meta({ description: 'The remarks template.' }),
    activeSince: timestamp.meta({
      description: 'Runs due before this are never fired (set on create, enable, and a cron or zone change).',
    }),
    createdAt: timestamp,
    createdBy: z.string(),
    nextRuns: z.array(timestamp).meta({ description: 'The next five runs (none while disabled).' }),
    lastRun: scheduleRunSchema.nullable(),
  })
  .meta({ id: 'Schedule', description: 'A schedule of backups or of restore drills.' });

export const scheduleListSchema = z.object({ schedules: z.array(scheduleSchema) }).meta({ id: 'ScheduleList' });
export const scheduleRunListSchema = z.object({ runs: z.array(scheduleRunSchema) }).meta({ id: 'ScheduleRunList' });
// ---- retention ----

const ruleParts = {
  keepLast: z.number().int().nullable().optional(),
  keepDays: z.number().int().nullable().optional(),
  keepDaily: z.number().int().nullable().optional(),
  keepWeekly: z.number().int().nullable().optional(),
  keepMonthly: z.number().int().nullable().optional(),
};

export const storedRetentionRuleSchema = z
  .object({
    rule: z.object(ruleParts).meta({ description: 'The parts that are set.' }),
    updatedBy: z.string(),
    updatedAt: timestamp,
  })
  .meta({ id: 'StoredRetentionRule' });

export const retentionSettingsSchema = z
  .object({
    storage: z.object({ url: z.string().meta({ description: 'Secrets masked.' }), directory: z.string() }),
    retention: storedRetentionRuleSchema.nullable().meta({ description: 'Null: no rule, every snapshot is kept.' }),
  })
  .meta({ id: 'RetentionSettings', description: 'The retention rule of the current storage location.' });

const RULE_NAMES = ['keep-last', 'keep-days', 'keep-daily', 'keep-weekly', 'keep-monthly'] as const;

export const retentionPlanSchema = z
  .object({
    rule: z.object(ruleParts),
    now: timestamp.meta({ description: 'The time the plan was made for.' }),
    decisions: z
      .array(
        z.object({
          id: u64,
          createdAt: timestamp.nullable(),
          action: z.enum(['keep', 'delete']),
          keptBy: z
            .array(z.enum([...RULE_NAMES, 'newest', 'keep-pin', 'in-use', 'no-rule', 'undated']))
            .meta({ description: 'Every reason that keeps it; empty when deleted.' }),
          deletedBy: z.array(z.enum(RULE_NAMES)).meta({ description: 'The parts that passed over it, when deleted.' }),
          why: z.string(),
        }),
      )
      .meta({ description: 'Every snapshot, newest first.' }),
    keep: z.array(u64),
    delete: z.array(u64),
  })
  .meta({ id: 'RetentionPlan', description: 'What a rule keeps and deletes now, and why.' });

export const retentionAppliedSchema = z
  .object({ plan: retentionPlanSchema, deleted: z.array(u64) })
  .meta({ id: 'RetentionApplied' });

export const keepPinSchema = z
  .object({ snapshotId: u64, reason: z.string().nullable(), keptBy: z.string(), keptAt: timestamp })
  .meta({ id: 'KeepPin', description: 'A snapshot marked keep: retention never deletes it.' });

export const unkeepResultSchema = z
  .object({ id: u64, unkept: z.boolean().meta({ description: 'False when it was not marked keep.' }) })
  .meta({ id: 'UnkeepResult' });
// ---- alerts ----

export const alertChannelSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    kind: z.enum(ALERT_CHANNEL_KINDS),
    target: z.string().meta({ description: "Masked: a URL's origin only (its path and query carry tokens)." }),
    hasSecret: z.boolean().meta({ description: 'Whether webhook calls are signed (the secret is never shown).' }),
    events: z.array(z.enum(ALERT_EVENT_KINDS)),
    allEvents: z.boolean().meta({ description: 'Subscribed to every kind, those added later included.' }),
    createdAt: timestamp,
    createdBy: z.string(),
  })
  .meta({ id: 'AlertChannel' });

export const alertChannelListSchema = z
  .object({ channels: z.array(alertChannelSchema) })
  .meta({ id: 'AlertChannelList' });

export const alertChannelRemovedSchema = z
  .object({ id: z.number().int(), name: z.string(), removed: z.literal(true) })
  .meta({ id: 'AlertChannelRemoved' });

export const alertTestResultSchema = z
  .object({
    channel: z.string(),
    ok: z.boolean(),
    status: z.string().nullable().meta({ description: '"HTTP 200", or the SMTP server\'s answer.' }),
    error: z.string().nullable(),
  })
  .meta({ id: 'AlertTestResult' });

export const alertDeliverySchema = z
  .object({
    id: z.number().int(),
    channelId: z.number().int(),
    channel: z.string(),
    eventId: z.string().meta({ description: 'The attempts of one alert share it.' }),
    event: z.string(),
    attempt: z.number().int(),
    at: timestamp,
    outcome: z.enum(['delivered', 'retrying', 'failed']),
    status: z.string().nullable(),
    error: z.string().nullable(),
  })
  .meta({ id: 'AlertDelivery' });

export const alertDeliveryListSchema = z
  .object({ deliveries: z.array(alertDeliverySchema) })
  .meta({ id: 'AlertDeliveryList' });
