// The JSON API's request schemas: every query, body and path parameter a route handler under
// app/api/ parses, in one place, so that the handlers and the API document (./openapi.ts) read
// the same schemas. The field-level rules come from the core (../backup/validation.ts) and the
// audit page (../auth/audit-query.ts); `.meta()` only adds what the document shows.
import { z } from 'zod';
import { alertChannelInputSchema } from '../alerts/channels.ts';
import { auditQuerySchema } from '../auth/audit-query.ts';
import {
  idListSchema,
  idSchema,
  MAX_REMARKS_LENGTH,
  retentionRuleSchema,
  startJobInputSchema,
  storageConfigSchema,
} from '../backup/validation.ts';
import { scheduleCreateSchema, scheduleUpdateSchema } from '../schedule/validation.ts';

// ---- path parameters ----

/** `[id]` of /api/jobs/[id] and /api/jobs/[id]/cancel; parsed as `jobIdParams.shape.id`. */
export const jobIdParams = z.object({
  id: idSchema.meta({ param: { description: "The job's id (a backup's job id is also its snapshot's id)." } }),
});

/** `[id]` of /api/snapshots/[id] and below; parsed as `snapshotIdParams.shape.id`. */
export const snapshotIdParams = z.object({
  id: idSchema.meta({ param: { description: "The snapshot's id." } }),
});

/** `[id]` of /api/alerts/channels/[id] and below; parsed as `alertChannelIdParams.shape.id`. */
export const alertChannelIdParams = z.object({
  id: z.coerce
    .number()
    .int()
    .min(1)
    .max(2 ** 31 - 1)
    .meta({ param: { description: "The alert channel's id." } }),
});

// ---- queries ----

/** GET /api/jobs */
export const jobListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(50).meta({ description: 'How many jobs, newest first.' }),
});

export const drillListQuery = z.object({
  snapshot: idSchema.meta({ param: { description: 'Only the drills of this snapshot.' } }).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(20).meta({ description: 'How many drills, newest first.' }),
});

const SEARCH_DESCRIPTION = 'Only ids whose decimal form contains these digits.';
const AFTER_DESCRIPTION = 'Paging: only ids greater than this one (the `next` of the page before).';

/** GET /api/pinned-ssts */
export const pinnedSstsQuery = z.object({
  after: idSchema.meta({ param: { description: AFTER_DESCRIPTION } }).optional(),
  limit: z.coerce.number().int().min(1).max(100_000).default(1000).meta({ description: 'Ids per page.' }),
  search: z
    .string()
    .regex(/^\d{1,20}$/, 'search is part of an object id (digits)')
    .meta({ description: SEARCH_DESCRIPTION })
    .optional(),
});

/** GET /api/snapshots/[id]/ssts */
export const snapshotSstsQuery = z.object({
  after: idSchema.meta({ param: { description: AFTER_DESCRIPTION } }).optional(),
  limit: z.coerce.number().int().min(1).max(100_000).default(100).meta({ description: 'Ids per page.' }),
  search: z
    .string()
    .regex(/^\d{1,20}$/, 'search is part of an object id (digits)')
    .meta({ description: SEARCH_DESCRIPTION })
    .optional(),
});

/** GET /api/alerts/deliveries */
export const alertDeliveriesQuery = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(1000)
    .default(100)
    .meta({ description: 'How many delivery attempts, newest first.' }),
});

/** GET /api/audit: the audit page's filters (?actor=&action=&from=&to=&before=&limit=). */
export const auditListQuery = auditQuerySchema;

/** GET /api/audit/csv: the same filters, up to 10,000 rows unless `limit` says fewer. */
export const auditCsvQuery = auditQuerySchema.extend({
  limit: auditQuerySchema.shape.limit.unwrap().default(10_000).meta({ description: 'How many rows, newest first.' }),
});

// ---- bodies (application/json) ----

/** POST /api/jobs */
export const startJobBody = startJobInputSchema.meta({ id: 'StartJobRequest' });

/** POST /api/snapshots/delete */
export const deleteSnapshotsBody = z
  .object({ ids: idListSchema.meta({ description: 'The snapshots to delete (1 to 1000); unknown ids are fine.' }) })
  .meta({ id: 'DeleteSnapshotsRequest' });

/** POST /api/gc/deletable */
export const gcDeletableBody = z
  .object({
    candidates: z
      .array(idSchema)
      .max(1_000_000)
      .meta({ description: 'SST object ids the garbage collector listed as candidates (up to 1,000,000).' }),
  })
  .meta({ id: 'GcDeletableRequest' });

/** POST /api/config: a new storage location; what is left out stays as it is. */
export const setConfigBody = storageConfigSchema.meta({
  id: 'StorageConfigChange',
  description: 'Give a URL, a directory or both; what is left out stays as it is.',
});

/** POST /api/config/probe: a location to try, nothing saved. */
export const probeStorageBody = z
  .object({
    url: z.string().trim().min(1).meta({
      description: 'Object store URL: s3://bucket, minio://key:secret@host:port/bucket, fs://path or memory.',
    }),
    directory: z.string().trim().min(1).meta({ description: 'The directory in the store to try.' }),
  })
  .meta({ id: 'StorageProbeRequest' });

// ---- schedules ----

/** `[id]` of /api/schedules/[id] and below. */
export const scheduleIdParams = z.object({
  id: z
    .string()
    .regex(/^[1-9]\d{0,8}$/, 'the schedule id is a positive integer')
    .transform(Number)
    .meta({ param: { description: "The schedule's id." } }),
});

/** POST /api/schedules */
export const scheduleCreateBody = scheduleCreateSchema;

/** PATCH /api/schedules/[id] */
export const scheduleUpdateBody = scheduleUpdateSchema;

/** GET /api/schedules/[id]/runs */
export const scheduleRunsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(50).meta({ description: 'How many runs, newest due first.' }),
});

/** PUT /api/retention: the whole rule of the current location (a part left out is off). */
export const setRetentionBody = retentionRuleSchema.meta({
  id: 'RetentionRule',
  description:
    'Each part is off when left out or null; a snapshot is kept if any part keeps it; no part keeps everything. Days, weeks (ISO, from Monday) and months are UTC.',
});

/** POST /api/retention/preview: a rule to try, nothing saved. */
export const previewRetentionBody = setRetentionBody;

/** PUT /api/snapshots/[id]/keep. The reason's rules (as remarks') are the core's. */
export const keepSnapshotBody = z
  .strictObject({
    reason: z
      .string()
      .nullable()
      .optional()
      .meta({
        description: `Why it is kept: at most ${MAX_REMARKS_LENGTH} characters, no control characters; trimmed, blank means none.`,
      }),
  })
  .meta({ id: 'KeepSnapshotRequest' });
/** POST /api/alerts/channels: the core's own rules (lib/alerts/channels.ts). */
export const addAlertChannelBody = alertChannelInputSchema.meta({
  id: 'AlertChannelRequest',
  description:
    'A webhook or Slack target is an http(s) URL without user:password; an email target an address. `secret` (webhook only) signs each call; it and the URL are stored sealed and never shown again.',
});
