// The JSON API's OpenAPI 3.1 document, built from the zod schemas the route handlers parse their
// input with (./schemas.ts) and the shapes they answer with (./responses.ts). Served at
// /api/openapi.json and rendered by the API reference page (/api-reference).
//
// OPERATIONS lists every route and method under app/api/ with the least role it declares to
// `route()`; test/openapi.test.ts fails when a route file exports a method that is missing here
// or declares another role or audit action. better-auth's own endpoints (/api/auth/*: sign-in,
// sign-out, session) are not described: scripts use API tokens.
import {
  OpenAPIRegistry,
  OpenApiGeneratorV31,
  type ResponseConfig,
  type ZodContentObject,
} from '@asteasolutions/zod-to-openapi';
import type { z } from 'zod';
import type { Role } from '../auth/roles.ts';
import { ROLE_OF_SCOPE, TOKEN_SCOPES } from '../auth/roles.ts';
import * as res from './responses.ts';
import * as req from './schemas.ts';

export type OpenApiDocument = ReturnType<OpenApiGeneratorV31['generateDocument']>;
export type HttpMethod = 'get' | 'put' | 'post' | 'patch' | 'delete';

/** The least role a caller needs; "public" needs no sign-in. */
export type Need = Role | 'public';

export interface ApiOperation {
  method: HttpMethod;
  /** OpenAPI form: `{id}` where the route's folder is `[id]`. */
  path: string;
  operationId: string;
  tag: Tag;
  summary: string;
  description?: string;
  role: Need;
  /** The audit action the call writes a row for, ok or not. */
  audit?: string;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** The answer: JSON of `schema`, or `mediaType` (a file when `download`). */
  ok: { status?: number; description: string; schema?: z.ZodType; mediaType?: string; download?: boolean };
  /** Error statuses beyond those every call may answer (400, 401, 403, 413, 415 and 500 are added as they apply). */
  errors?: number[];
}

const TAGS = {
  Jobs: 'Backup jobs: start, follow, cancel.',
  Snapshots: 'The manifest and its snapshots.',
  'SST garbage collection': "What the state store's garbage collector may delete: the SSTs snapshots pin.",
  Retention: 'Which snapshots are kept, and marking one keep.',
  Storage: 'Where backups are kept.',
  Schedules: 'Backups that run on a cron schedule (admin changes them).',
  'Health and metrics': 'For load balancers and Prometheus.',
  Alerts: 'Where failures are reported: webhooks, Slack, e-mail (admin).',
  Audit: 'Who did what (admin).',
  'API document': 'This document.',
} as const;
export type Tag = keyof typeof TAGS;

/** Every route and method of the JSON API, in the order the README lists them. */
export function apiOperations(env: Record<string, string | undefined> = process.env): ApiOperation[] {
  return [
    {
      method: 'get',
      path: '/api/jobs',
      operationId: 'listJobs',
      tag: 'Jobs',
      summary: 'List jobs',
      description: 'Job history, newest first.',
      role: 'viewer',
      query: req.jobListQuery,
      ok: { description: 'The jobs.', schema: res.jobListSchema },
    },
    {
      method: 'post',
      path: '/api/jobs',
      operationId: 'startJob',
      tag: 'Jobs',
      summary: 'Start a backup',
      description:
        'Starts a backup job and answers at once with its id (also the id of the snapshot it makes); poll `GET /api/jobs/{id}`. One job runs at a time.',
      role: 'operator',
      audit: 'job.start',
      body: req.startJobBody,
      ok: { status: 202, description: 'The job started.', schema: res.startJobResultSchema },
      errors: [409, 503],
    },
    {
      method: 'get',
      path: '/api/jobs/{id}',
      operationId: 'getJob',
      tag: 'Jobs',
      summary: 'Get a job',
      description: 'One job, as the console polls it while it runs.',
      role: 'viewer',
      params: req.jobIdParams,
      ok: { description: 'The job.', schema: res.jobSchema },
      errors: [404],
    },
    {
      method: 'post',
      path: '/api/jobs/{id}/cancel',
      operationId: 'cancelJob',
      tag: 'Jobs',
      summary: 'Cancel a job',
      description:
        'Cancels a running job: its upload is aborted and it leaves no snapshot. A job that is not running answers 400.',
      role: 'operator',
      audit: 'job.cancel',
      params: req.jobIdParams,
      ok: { description: 'The job, with `cancelRequested` set.', schema: res.jobSchema },
      errors: [404],
    },
    {
      method: 'get',
      path: '/api/snapshots',
      operationId: 'getManifest',
      tag: 'Snapshots',
      summary: 'Get the manifest',
      description: 'Every snapshot, with the SSTs it pins.',
      role: 'viewer',
      ok: { description: 'The manifest.', schema: res.manifestSchema },
      errors: [502, 503],
    },
    {
      method: 'get',
      path: '/api/snapshots/{id}',
      operationId: 'getSnapshot',
      tag: 'Snapshots',
      summary: 'Get a snapshot',
      role: 'viewer',
      params: req.snapshotIdParams,
      ok: { description: "The snapshot's manifest entry.", schema: res.snapshotSchema },
      errors: [404, 502, 503],
    },
    {
      method: 'delete',
      path: '/api/snapshots/{id}',
      operationId: 'deleteSnapshot',
      tag: 'Snapshots',
      summary: 'Delete a snapshot',
      description: 'Deletes one snapshot and releases its pins; an unknown id is fine.',
      role: 'admin',
      audit: 'snapshot.delete',
      params: req.snapshotIdParams,
      ok: { description: 'The manifest written.', schema: res.deleteSnapshotsResultSchema },
      errors: [409, 502, 503],
    },
    {
      method: 'post',
      path: '/api/snapshots/delete',
      operationId: 'deleteSnapshots',
      tag: 'Snapshots',
      summary: 'Delete several snapshots',
      description: 'Deletes several snapshots at once and releases their pins; unknown ids are fine.',
      role: 'admin',
      audit: 'snapshot.delete',
      body: req.deleteSnapshotsBody,
      ok: { description: 'The manifest written.', schema: res.deleteSnapshotsResultSchema },
      errors: [409, 502, 503],
    },
    {
      method: 'get',
      path: '/api/snapshots/{id}/ssts',
      operationId: 'listSnapshotSsts',
      tag: 'Snapshots',
      summary: "List a snapshot's SSTs",
      description: 'The SST object ids one snapshot pins, in id order, a page at a time.',
      role: 'viewer',
      params: req.snapshotIdParams,
      query: req.snapshotSstsQuery,
      ok: { description: 'A page of ids.', schema: res.sstIdPageSchema },
      errors: [404, 502, 503],
    },
    {
      method: 'post',
      path: '/api/snapshots/{id}/drill',
      operationId: 'drillSnapshot',
      tag: 'Snapshots',
      summary: 'Run a restore drill',
      description:
        "Verifies the snapshot, restores it into a scratch SQLite meta store, compares the restored row counts with the snapshot's and removes the store; answers when done. A failed drill is an answer (state FAILED), not an error.",
      role: 'operator',
      audit: 'snapshot.drill',
      params: req.snapshotIdParams,
      ok: { description: 'The drill, recorded.', schema: res.drillSchema },
      errors: [404, 502, 503],
    },
    {
      method: 'get',
      path: '/api/drills',
      operationId: 'listDrills',
      tag: 'Snapshots',
      summary: 'List restore drills',
      description: 'Restore drills in the current storage location, newest first.',
      role: 'viewer',
      query: req.drillListQuery,
      ok: { description: 'The drills.', schema: res.drillListSchema },
      errors: [502, 503],
    },
    {
      method: 'get',
      path: '/api/snapshots/{id}/download',
      operationId: 'downloadSnapshot',
      tag: 'Snapshots',
      summary: 'Download a snapshot',
      description:
        'The snapshot object itself, streamed. Admin only: it holds the whole meta store, credentials included.',
      role: 'admin',
      audit: 'snapshot.download',
      params: req.snapshotIdParams,
      ok: {
        description: 'The snapshot object, as `ID.snapshot` (Content-Length when its size is known).',
        mediaType: 'application/octet-stream',
        download: true,
      },
      errors: [404, 502, 503],
    },
    {
      method: 'put',
      path: '/api/snapshots/{id}/keep',
      operationId: 'keepSnapshot',
      tag: 'Retention',
      summary: 'Mark a snapshot keep',
      description: 'Retention never deletes it (a person still may). Marking it again replaces the reason.',
      role: 'admin',
      audit: 'snapshot.keep',
      params: req.snapshotIdParams,
      body: req.keepSnapshotBody,
      ok: { description: 'The mark, with who set it and when.', schema: res.keepPinSchema },
      errors: [404, 502, 503],
    },
    {
      method: 'delete',
      path: '/api/snapshots/{id}/keep',
      operationId: 'unkeepSnapshot',
      tag: 'Retention',
      summary: 'Remove the keep mark',
      role: 'admin',
      audit: 'snapshot.unkeep',
      params: req.snapshotIdParams,
      ok: { description: 'Whether it was marked.', schema: res.unkeepResultSchema },
      errors: [503],
    },
    {
      method: 'get',
      path: '/api/retention',
      operationId: 'getRetention',
      tag: 'Retention',
      summary: 'Get the retention rule',
      description: 'The rule of the current storage location.',
      role: 'viewer',
      ok: { description: 'The rule, or null.', schema: res.retentionSettingsSchema },
      errors: [503],
    },
    {
      method: 'put',
      path: '/api/retention',
      operationId: 'setRetention',
      tag: 'Retention',
      summary: 'Set the retention rule',
      description:
        'Replaces the rule of the current storage location. Nothing is deleted now: the rule is applied after the next successful backup, or by `POST /api/retention/apply`.',
      role: 'admin',
      audit: 'retention.set',
      body: req.setRetentionBody,
      ok: { description: 'The rule saved.', schema: res.retentionSettingsSchema },
      errors: [503],
    },
    {
      method: 'post',
      path: '/api/retention/preview',
      operationId: 'previewRetention',
      tag: 'Retention',
      summary: 'Preview a retention rule',
      description: 'What the rule in the body would keep and delete now, and why. Nothing is saved or deleted.',
      role: 'viewer',
      body: req.previewRetentionBody,
      ok: { description: 'The plan.', schema: res.retentionPlanSchema },
      errors: [502, 503],
    },
    {
      method: 'post',
      path: '/api/retention/apply',
      operationId: 'applyRetention',
      tag: 'Retention',
      summary: 'Apply the retention rule now',
      description:
        'Deletes the snapshots the saved rule does not keep (never the newest, one marked keep, or one being read), manifest first; each deletion writes a `retention.delete` audit row naming the rule.',
      role: 'admin',
      audit: 'retention.apply',
      ok: { description: 'The plan carried out and what was deleted.', schema: res.retentionAppliedSchema },
      errors: [502, 503],
    },
    {
      method: 'get',
      path: '/api/pinned-ssts',
      operationId: 'listPinnedSsts',
      tag: 'SST garbage collection',
      summary: 'List pinned SSTs',
      description:
        'SST object ids pinned by snapshots (the union over the manifest), with the snapshots that pin each, in id order, a page at a time.',
      role: 'viewer',
      query: req.pinnedSstsQuery,
      ok: { description: 'A page of pinned SSTs.', schema: res.pinnedSstPageSchema },
      errors: [502, 503],
    },
    {
      method: 'get',
      path: '/api/pinned-ssts/csv',
      operationId: 'pinnedSstsCsv',
      tag: 'SST garbage collection',
      summary: 'Export pinned SSTs as CSV',
      description: 'Every pinned SST: `object_id,snapshot_ids`, the snapshot ids separated by spaces.',
      role: 'viewer',
      ok: { description: 'pinned-ssts.csv', mediaType: 'text/csv', download: true },
      errors: [502, 503],
    },
    {
      method: 'post',
      path: '/api/gc/deletable',
      operationId: 'gcDeletable',
      tag: 'SST garbage collection',
      summary: 'Filter deletable SSTs',
      description:
        'Of the candidate object ids the SST garbage collector listed, those it may delete: pinned by no snapshot and not held by a running backup.',
      role: 'viewer',
      body: req.gcDeletableBody,
      ok: { description: 'The deletable candidates.', schema: res.gcDeletableResultSchema },
      errors: [502, 503],
    },
    {
      method: 'get',
      path: '/api/config',
      operationId: 'getStorageConfig',
      tag: 'Storage',
      summary: 'Get the storage location',
      description: 'Where backups are kept; secrets in the URL are masked.',
      role: 'viewer',
      ok: { description: 'The location.', schema: res.storageLocationSchema },
    },
    {
      method: 'post',
      path: '/api/config',
      operationId: 'setStorageConfig',
      tag: 'Storage',
      summary: 'Change the storage location',
      description: 'The new store is opened and its manifest read before anything is saved.',
      role: 'admin',
      audit: 'storage.set',
      body: req.setConfigBody,
      ok: { description: 'The location saved.', schema: res.storageLocationSavedSchema },
      errors: [502, 503],
    },
    {
      method: 'post',
      path: '/api/config/probe',
      operationId: 'probeStorage',
      tag: 'Storage',
      summary: 'Probe a storage location',
      description: 'Writes, reads back and deletes a probe object at a location, saving nothing.',
      role: 'admin',
      audit: 'storage.probe',
      body: req.probeStorageBody,
      ok: { description: 'The location works.', schema: res.okSchema },
      errors: [503],
    },
    {
      method: 'get',
      path: '/api/storage/health',
      operationId: 'storageHealth',
      tag: 'Storage',
      summary: 'Check the storage',
      description:
        "Whether the backup storage answers (its manifest read within seconds); the console's banner polls it.",
      role: 'viewer',
      ok: { description: 'Reachable or not, with why.', schema: res.storageHealthSchema },
    },
    {
      method: 'get',
      path: '/api/health',
      operationId: 'liveness',
      tag: 'Health and metrics',
      summary: 'Liveness',
      description: 'Whether the console answers: for load balancers. Nothing else answers without sign-in.',
      role: 'public',
      ok: { description: 'The console answers.', schema: res.okSchema },
    },
    {
      method: 'get',
      path: '/api/metrics',
      operationId: 'metrics',
      tag: 'Health and metrics',
      summary: 'Prometheus metrics',
      description:
        'Job counts and latencies, the last success and failure times, freshness against `BACKUP_FRESHNESS_OBJECTIVE_HOURS` (overdue or not), storage reachability, snapshot count and bytes and pinned SSTs, in the Prometheus text format (README "Monitoring" lists every metric). Needs a read token unless the server runs with `METRICS_PUBLIC=1`.',
      role: env.METRICS_PUBLIC === '1' ? 'public' : 'viewer',
      ok: { description: 'The metrics.', mediaType: 'text/plain' },
    },
    {
      method: 'get',
      path: '/api/schedules',
      operationId: 'listSchedules',
      tag: 'Schedules',
      summary: 'List schedules',
      description: 'Every schedule with its next five runs and its last result.',
      role: 'viewer',
      ok: { description: 'The schedules.', schema: res.scheduleListSchema },
    },
    {
      method: 'post',
      path: '/api/schedules',
      operationId: 'createSchedule',
      tag: 'Schedules',
      summary: 'Add a schedule',
      description:
        'A backup that runs on a five-field cron expression in an IANA time zone. Runs due while no scheduler ran are not replayed: the latest fires once, the others are recorded as missed; a run that finds a job running is skipped.',
      role: 'admin',
      audit: 'schedule.create',
      body: req.scheduleCreateBody,
      ok: { status: 201, description: 'The schedule.', schema: res.scheduleSchema },
      errors: [409],
    },
    {
      method: 'patch',
      path: '/api/schedules/{id}',
      operationId: 'updateSchedule',
      tag: 'Schedules',
      summary: 'Change a schedule',
      description:
        'Any of cron, timeZone, enabled, verify, remarks. Enabling it again or changing its time starts it afresh: runs due before are not caught up.',
      role: 'admin',
      audit: 'schedule.update',
      params: req.scheduleIdParams,
      body: req.scheduleUpdateBody,
      ok: { description: 'The schedule.', schema: res.scheduleSchema },
      errors: [404],
    },
    {
      method: 'delete',
      path: '/api/schedules/{id}',
      operationId: 'deleteSchedule',
      tag: 'Schedules',
      summary: 'Remove a schedule',
      description: 'Removes the schedule and its run history; its snapshots stay.',
      role: 'admin',
      audit: 'schedule.delete',
      params: req.scheduleIdParams,
      ok: { description: 'Removed.', schema: res.okSchema },
      errors: [404],
    },
    {
      method: 'get',
      path: '/api/alerts/channels',
      operationId: 'listAlertChannels',
      tag: 'Alerts',
      summary: 'List alert channels',
      description:
        'Every channel, its target masked. Admin only: even masked, a target names internal hosts and people.',
      role: 'admin',
      ok: { description: 'The channels.', schema: res.alertChannelListSchema },
    },
    {
      method: 'post',
      path: '/api/alerts/channels',
      operationId: 'addAlertChannel',
      tag: 'Alerts',
      summary: 'Add an alert channel',
      description:
        'A webhook (JSON, signed in `X-MBC-Signature: t=UNIX,v1=HEX` when it has a secret), a Slack-compatible incoming webhook or an e-mail address (sent through `SMTP_URL`), and the event kinds it receives (default all).',
      role: 'admin',
      audit: 'alert.add',
      body: req.addAlertChannelBody,
      ok: { description: 'The channel, masked.', schema: res.alertChannelSchema },
      errors: [409],
    },
    {
      method: 'delete',
      path: '/api/alerts/channels/{id}',
      operationId: 'removeAlertChannel',
      tag: 'Alerts',
      summary: 'Remove an alert channel',
      description: 'Its delivery history stays.',
      role: 'admin',
      audit: 'alert.remove',
      params: req.alertChannelIdParams,
      ok: { description: 'Removed.', schema: res.alertChannelRemovedSchema },
      errors: [404],
    },
    {
      method: 'post',
      path: '/api/alerts/channels/{id}/test',
      operationId: 'testAlertChannel',
      tag: 'Alerts',
      summary: 'Send a test alert',
      description:
        "One attempt, no retries, recorded in the delivery history; answers its outcome (a receiver's refusal is `ok: false`, not an error).",
      role: 'admin',
      audit: 'alert.test',
      params: req.alertChannelIdParams,
      ok: { description: 'The outcome.', schema: res.alertTestResultSchema },
      errors: [404],
    },
    {
      method: 'get',
      path: '/api/schedules/{id}/runs',
      operationId: 'listScheduleRuns',
      tag: 'Schedules',
      summary: "List a schedule's runs",
      description: 'Its run history, newest due first: started, skipped, failed to start, missed.',
      role: 'viewer',
      params: req.scheduleIdParams,
      query: req.scheduleRunsQuery,
      ok: { description: 'The runs.', schema: res.scheduleRunListSchema },
      errors: [404],
    },
    {
      method: 'get',
      path: '/api/alerts/deliveries',
      operationId: 'listAlertDeliveries',
      tag: 'Alerts',
      summary: 'List alert deliveries',
      description: 'Every delivery attempt, newest first.',
      role: 'admin',
      query: req.alertDeliveriesQuery,
      ok: { description: 'The attempts.', schema: res.alertDeliveryListSchema },
    },
    {
      method: 'get',
      path: '/api/audit',
      operationId: 'listAuditEvents',
      tag: 'Audit',
      summary: 'List audit events',
      description: 'The audit log, newest first.',
      role: 'admin',
      query: req.auditListQuery,
      ok: { description: 'The events.', schema: res.auditEventListSchema },
    },
    {
      method: 'get',
      path: '/api/audit/csv',
      operationId: 'auditCsv',
      tag: 'Audit',
      summary: 'Export audit events as CSV',
      description: "The audit log with the same filters, as the Audit page's export.",
      role: 'admin',
      query: req.auditCsvQuery,
      ok: { description: 'audit.csv', mediaType: 'text/csv', download: true },
    },
    {
      method: 'get',
      path: '/api/openapi.json',
      operationId: 'openApiDocument',
      tag: 'API document',
      summary: 'This document',
      description: 'The OpenAPI 3.1 document of this API. Public: it describes the API, not data.',
      role: 'public',
      ok: { description: 'The document.', mediaType: 'application/json' },
    },
  ];
}

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'The input is not valid.',
  401: 'Not signed in, or the API token is unknown, expired or revoked.',
  403: "The caller's role is too small, a cookie-authenticated call that changes something came from another Origin, or the Host is not one of the console's.",
  404: 'Not found.',
  409: 'In conflict with the current state.',
  413: 'The body is larger than 1 MiB.',
  415: 'The body is not sent as `Content-Type: application/json`.',
  422: 'A snapshot is corrupt or of an unsupported format.',
  429: 'Too many attempts.',
  500: 'An unexpected error; the server log has it under the request id.',
  502: 'The backup storage holds a corrupt or older manifest.',
  503: 'The backup storage or the meta store does not answer.',
};

/** The error statuses one operation may answer with. */
export function errorStatuses(op: ApiOperation): number[] {
  const statuses = new Set(op.errors ?? []);
  statuses.add(403); // a Host the console does not serve, even on public routes
  if (op.role !== 'public') statuses.add(401);
  if (op.params || op.query || op.body) statuses.add(400);
  if (op.body) {
    statuses.add(413);
    statuses.add(415);
  }
  statuses.add(500);
  return [...statuses].sort((a, b) => a - b);
}

const ROLE_SENTENCE: Record<Need, string> = {
  public: 'No sign-in needed.',
  viewer: 'Needs the **viewer** role (or a `read` token).',
  operator: 'Needs the **operator** role (or an `operate` token).',
  admin: 'Needs the **admin** role (or an `admin` token).',
};

const INTRO = `The JSON API of the Meta Backup Console: every route under \`/api/\` but better-auth's own
(\`/api/auth/*\`: sign-in, sign-out, session), which are for the console's pages; scripts use API tokens.

- **Sign-in.** A console session cookie, or \`Authorization: Bearer mbc_…\` with an API token an admin
  made. A \`read\` token acts as a viewer, \`operate\` as an operator, \`admin\` as an admin. With a
  session cookie, a call that changes something must carry an \`Origin\` header naming the console.
- **Roles.** Each operation needs a least role (\`x-required-role\`): viewer < operator < admin.
  Calls that change something (and snapshot downloads) write an audit row (\`x-audit-action\`).
- **64-bit integers** (ids, epochs, sizes) travel as decimal strings; ids in requests may also be
  JSON integers, which the server reads exactly.
- **Bodies** are \`application/json\` only, at most 1 MiB.
- **Errors** answer \`{"error": {"code", "message", "requestId"}}\` (schema \`Error\`); every answer
  carries its request id in \`x-request-id\`. A Host the console does not serve gets 421 before any route
  runs.`;

/** Builds the document; `env` decides what depends on the server's settings (METRICS_PUBLIC). */
export function buildOpenApiDocument(env: Record<string, string | undefined> = process.env): OpenApiDocument {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'session', {
    type: 'apiKey',
    in: 'cookie',
    name: 'mbc.session_token',
    description:
      'The console\'s session cookie (better-auth), set at sign-in; "__Secure-mbc.session_token" when the console is served over https.',
  });
  registry.registerComponent('securitySchemes', 'bearerToken', {
    type: 'http',
    scheme: 'bearer',
    description: `An API token (mbc_…), made on the API tokens page or with \`ctl token create\`. Scopes: ${TOKEN_SCOPES.map((s) => `${s} → ${ROLE_OF_SCOPE[s]}`).join(', ')}.`,
  });
  const requestId = registry.registerComponent('headers', 'RequestId', {
    description: 'The id of this request, as the server log and the audit log name it.',
    schema: { type: 'string', format: 'uuid' },
  });
  for (const op of apiOperations(env)) {
    const okStatus = op.ok.status ?? 200;
    const mediaType = op.ok.mediaType ?? 'application/json';
    // Bytes have no schema in 3.1; text is a string; the one JSON answer without a zod schema is this document.
    const okContent: ZodContentObject = {
      [mediaType]:
        mediaType === 'application/octet-stream'
          ? {}
          : { schema: op.ok.schema ?? (mediaType === 'application/json' ? { type: 'object' } : { type: 'string' }) },
    };
    const responses: Record<string, ResponseConfig> = {
      [okStatus]: {
        description: op.ok.description,
        headers: {
          'x-request-id': requestId.ref,
          ...(op.ok.download
            ? {
                'content-disposition': {
                  description: 'attachment; filename="…"',
                  schema: { type: 'string' },
                },
              }
            : {}),
        },
        content: okContent,
      },
    };
    for (const status of errorStatuses(op))
      responses[status] = {
        description: `${ERROR_DESCRIPTIONS[status] ?? 'Error.'} Codes with this status: ${res.codesOfStatus(status).join(', ')}.`,
        headers: { 'x-request-id': requestId.ref },
        content: { 'application/json': { schema: res.errorBodySchema } },
      };
    registry.registerPath({
      method: op.method,
      path: op.path,
      operationId: op.operationId,
      tags: [op.tag],
      summary: op.summary,
      description: [op.description, ROLE_SENTENCE[op.role], op.audit && `Writes the audit action \`${op.audit}\`.`]
        .filter(Boolean)
        .join('\n\n'),
      'x-required-role': op.role,
      ...(op.audit ? { 'x-audit-action': op.audit } : {}),
      ...(op.role === 'public' ? { security: [] } : {}),
      request: {
        params: op.params,
        query: op.query,
        // An empty body reads as {}: a body that may be {} may be left out.
        body: op.body && {
          required: !op.body.safeParse({}).success,
          content: { 'application/json': { schema: op.body } },
        },
      },
      responses,
    });
  }

  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: { title: 'Meta Backup Console API', version: '1', description: INTRO },
    servers: [{ url: '/', description: 'This console' }],
    security: [{ session: [] }, { bearerToken: [] }],
    tags: Object.entries(TAGS).map(([name, description]) => ({ name, description })),
  });
}
