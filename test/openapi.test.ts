// The API document describes every route handler under app/api/ (but better-auth's own), with
// the role and audit action each declares to route() and the very schema objects each parses its
// input with; it is an OpenAPI 3.1 document in shape; its answer schemas are the types the routes
// return (a compile-time check); and /api/openapi.json serves it without sign-in. Needs no service.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import type { z } from 'zod';
import { apiOperations, buildOpenApiDocument, type ApiOperation } from '../lib/api/openapi.ts';
import type * as res from '../lib/api/responses.ts';
import * as schemas from '../lib/api/schemas.ts';
import type { CallSpec } from '../lib/auth/authorize.ts';
import type { BackupJob } from '../lib/backup/backup-manager.ts';
import type { Jsonified } from '../lib/backup/json-view.ts';
import type { AuditRow } from '../lib/meta/audit-log.ts';
import type { ErrorBody } from '../app/api/_lib/route.ts';
import type { AlertChannelRemovedResponse } from '../app/api/alerts/channels/[id]/route.ts';
import type { AlertTestResponse } from '../app/api/alerts/channels/[id]/test/route.ts';
import type { AlertChannelListResponse, AlertChannelResponse } from '../app/api/alerts/channels/route.ts';
import type { AlertDeliveryListResponse } from '../app/api/alerts/deliveries/route.ts';
import type { ConfigResponse } from '../app/api/config/route.ts';
import type { GcDeletableResponse } from '../app/api/gc/deletable/route.ts';
import type { LivenessResponse } from '../app/api/health/route.ts';
import type { JobResponse } from '../app/api/jobs/[id]/route.ts';
import type { JobListResponse, StartJobResponse } from '../app/api/jobs/route.ts';
import type { DrillListResponse } from '../app/api/drills/route.ts';
import type { DrillResponse } from '../app/api/snapshots/[id]/drill/route.ts';
import type { PinnedSstsResponse } from '../app/api/pinned-ssts/route.ts';
import type { SnapshotSstsResponse } from '../app/api/snapshots/[id]/ssts/route.ts';
import type { SnapshotResponse } from '../app/api/snapshots/[id]/route.ts';
import type { DeleteSnapshotsResponse } from '../app/api/snapshots/delete/route.ts';
import type { ManifestResponse } from '../app/api/snapshots/route.ts';
import type { HealthResponse } from '../app/api/storage/health/route.ts';
import type { ScheduleDeleteResponse } from '../app/api/schedules/[id]/route.ts';
import type { ScheduleRunsResponse } from '../app/api/schedules/[id]/runs/route.ts';
import type { ScheduleListResponse, ScheduleResponse } from '../app/api/schedules/route.ts';
import type { RetentionAppliedResponse } from '../app/api/retention/apply/route.ts';
import type { RetentionPlanResponse } from '../app/api/retention/preview/route.ts';
import type { RetentionResponse } from '../app/api/retention/route.ts';
import type { KeepPinResponse, UnkeepResponse } from '../app/api/snapshots/[id]/keep/route.ts';

const root = path.resolve(import.meta.dirname, '..');
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

interface RouteFile {
  file: string;
  /** OpenAPI form: /api/jobs/{id} */
  path: string;
  source: string;
}

/** Every route.ts under app/api/ but better-auth's catch-all and private folders (_lib). */
function routeFiles(): RouteFile[] {
  const walk = (dir: string): string[] =>
    fs
      .readdirSync(dir, { withFileTypes: true })
      .flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
  return walk(path.join(root, 'app/api'))
    .filter((f) => path.basename(f) === 'route.ts')
    .map((file) => path.relative(path.join(root, 'app'), path.dirname(file)).split(path.sep))
    .filter((segments) => !segments.some((s) => s.startsWith('_')) && !(segments[1] === 'auth'))
    .map((segments) => {
      const file = path.join(root, 'app', ...segments, 'route.ts');
      const urlPath = `/${segments
        .filter((s) => !/^\(.*\)$/.test(s))
        .map((s) => s.replace(/^\[(\w+)\]$/, '{$1}'))
        .join('/')}`;
      return { file, path: urlPath, source: fs.readFileSync(file, 'utf8') };
    });
}

type Handler = ((request: Request, context: { params: Promise<unknown> }) => Promise<Response>) & { spec?: CallSpec };

async function handlersOf(route: RouteFile): Promise<[method: string, handler: Handler][]> {
  const mod = (await import(route.file)) as Record<string, unknown>;
  return METHODS.filter((m) => typeof mod[m] === 'function').map((m) => [m, mod[m] as Handler]);
}

/** The source of one exported method's handler: from its export to the next one. */
function handlerSource(source: string, method: string): string {
  const starts = [...source.matchAll(/^export const (\w+)/gm)].map((m) => ({ name: m[1]!, at: m.index }));
  const i = starts.findIndex((s) => s.name === method);
  assert.ok(i >= 0, `export const ${method} in the source`);
  return source.slice(starts[i]!.at, starts[i + 1]?.at);
}

const document = buildOpenApiDocument({});
const operations = apiOperations({});
const find = (p: string, method: string): ApiOperation | undefined =>
  operations.find((o) => o.path === p && o.method === method.toLowerCase());

describe('OpenAPI document', () => {
  it('describes every route file and method, with the role and audit action route() declares', async () => {
    const files = routeFiles();
    assert.ok(files.length >= 18, `found ${files.length} route files`);
    const missing: string[] = [];
    let described = 0;
    for (const route of files) {
      const handlers = await handlersOf(route);
      assert.ok(handlers.length > 0, `${route.path} exports a method`);
      for (const [method, handler] of handlers) {
        const key = `${method} ${route.path}`;
        const operation = document.paths?.[route.path]?.[method.toLowerCase() as 'get'];
        if (!operation) {
          missing.push(key);
          continue;
        }
        described++;
        assert.ok(handler.spec, `${key} goes through route()`);
        assert.equal(operation['x-required-role'], handler.spec.role, `${key}: x-required-role`);
        assert.equal(operation['x-audit-action'], handler.spec.audit, `${key}: x-audit-action`);
        assert.equal(find(route.path, method)?.role, handler.spec.role, `${key}: role in apiOperations()`);
      }
    }
    assert.deepEqual(missing, [], 'route handlers the document does not describe (add them to lib/api/openapi.ts)');
    assert.equal(described, operations.length);
  });

  it('describes nothing but route files', async () => {
    const routes = new Set<string>();
    for (const route of routeFiles())
      for (const [method] of await handlersOf(route)) routes.add(`${method.toLowerCase()} ${route.path}`);
    const stale = operations.map((o) => `${o.method} ${o.path}`).filter((key) => !routes.has(key));
    assert.deepEqual(stale, [], 'operations without a route handler');
    const keys = operations.map((o) => `${o.method} ${o.path}`);
    assert.equal(new Set(keys).size, keys.length, 'no operation twice');
  });

  it('describes the very schema objects each route parses its input with', async () => {
    for (const route of routeFiles()) {
      assert.doesNotMatch(
        route.source,
        /from 'zod'/,
        `${route.path}: input schemas belong in lib/api/schemas.ts, where the document reads them`,
      );
      for (const [method] of await handlersOf(route)) {
        const key = `${method} ${route.path}`;
        const source = handlerSource(route.source, method);
        const operation = find(route.path, method)!;
        const named = (name: string): z.ZodType => {
          const schema = (schemas as Record<string, unknown>)[name];
          assert.ok(schema, `${key} parses ${name}, which lib/api/schemas.ts exports`);
          return schema as z.ZodType;
        };
        const bodies = [...source.matchAll(/jsonBody\(request, (\w+)\)/g)].map((m) => named(m[1]!));
        const params = [...source.matchAll(/parseWith\((\w+)\.shape\.(\w+), params\.(\w+)\)/g)].map((m) => {
          assert.equal(m[2], m[3], `${key}: parses params.${m[3]} with the schema of ${m[2]}`);
          return named(m[1]!);
        });
        const queries = [...source.matchAll(/parseWith\((\w+), /g)].map((m) => named(m[1]!));
        assert.equal(bodies.length, 0 + (operation.body ? 1 : 0), `${key}: one body schema, as described`);
        if (operation.body) assert.equal(bodies[0], operation.body, `${key}: the body described is the one parsed`);
        assert.ok(params.length <= 1 && queries.length <= 1, `${key}: one query and one params schema at most`);
        assert.equal(params[0], operation.params, `${key}: the path parameters described are the ones parsed`);
        assert.equal(queries[0], operation.query, `${key}: the query described is the one parsed`);
        if (route.path.includes('{')) assert.ok(operation.params, `${key}: describes its path parameters`);
      }
    }
  });

  it('is an OpenAPI 3.1 document in shape', () => {
    assert.match(document.openapi, /^3\.1\.\d+$/);
    assert.equal(typeof document.info.title, 'string');
    assert.equal(typeof document.info.version, 'string');
    const schemes = document.components?.securitySchemes ?? {};
    assert.deepEqual(Object.keys(schemes).sort(), ['bearerToken', 'session']);
    for (const requirement of document.security ?? [])
      for (const name of Object.keys(requirement)) assert.ok(schemes[name], `security scheme ${name} is defined`);
    const tags = new Set((document.tags ?? []).map((t) => t.name));
    const operationIds = new Set<string>();
    for (const [p, item] of Object.entries(document.paths ?? {})) {
      assert.match(p, /^\/api\//);
      for (const method of ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const) {
        const operation = item[method];
        if (!operation) continue;
        const key = `${method.toUpperCase()} ${p}`;
        assert.ok(operation.summary, `${key} has a summary`);
        assert.ok(operation.operationId && !operationIds.has(operation.operationId), `${key}: a unique operationId`);
        operationIds.add(operation.operationId);
        for (const tag of operation.tags ?? []) assert.ok(tags.has(tag), `${key}: tag ${tag} is declared`);
        const responses = Object.entries(operation.responses ?? {});
        assert.ok(responses.length > 0, `${key} has responses`);
        assert.ok(
          responses.some(([status]) => /^2\d\d$/.test(status)),
          `${key} has a success response`,
        );
        for (const [status, response] of responses) {
          assert.match(status, /^[1-5]\d\d$/, `${key}: status ${status}`);
          assert.ok('description' in response && response.description, `${key} ${status} has a description`);
          if (Number(status) >= 400)
            assert.deepEqual(
              (response as { content?: unknown }).content,
              { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
              `${key} ${status} answers the error body`,
            );
        }
        const statuses = responses.map(([status]) => status);
        assert.ok(statuses.includes('500') && statuses.includes('403'), `${key}: 403 (Host) and 500`);
        const role = operation['x-required-role'];
        assert.match(role, /^(public|viewer|operator|admin)$/, `${key}: x-required-role`);
        if (role === 'public') assert.deepEqual(operation.security, [], `${key} is public`);
        else assert.ok(statuses.includes('401') && operation.security === undefined, `${key} needs sign-in`);
        // Path templates and path parameters match.
        const templated = [...p.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
        const pathParams = (operation.parameters ?? [])
          .filter((x) => 'in' in x && x.in === 'path')
          .map((x) => {
            assert.equal((x as { required?: boolean }).required, true, `${key}: path parameters are required`);
            return (x as { name: string }).name;
          })
          .sort();
        assert.deepEqual(pathParams, templated, `${key}: path parameters`);
      }
    }
    // Every reference resolves.
    const refs = [...JSON.stringify(document).matchAll(/"\$ref":"#\/([^"]+)"/g)].map((m) => m[1]!);
    assert.ok(refs.length > 0);
    for (const ref of new Set(refs)) {
      let at: unknown = document;
      for (const part of ref.split('/')) at = (at as Record<string, unknown> | undefined)?.[part];
      assert.ok(at, `#/${ref} resolves`);
    }
  });

  it('follows METRICS_PUBLIC for /api/metrics as the route does', () => {
    const op = (env: Record<string, string>) =>
      buildOpenApiDocument(env).paths?.['/api/metrics']?.get?.['x-required-role'] as string;
    assert.equal(op({}), 'viewer');
    assert.equal(op({ METRICS_PUBLIC: '1' }), 'public');
  });

  it("answers with schemas that are the routes' own types (checked by the type check)", () => {
    type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
    const same = <T extends true>(): T => true as T;
    const checks: true[] = [
      same<Same<z.output<typeof res.errorBodySchema>, ErrorBody>>(),
      same<Same<z.output<typeof res.jobSchema>, JobResponse>>(),
      same<Same<z.output<typeof res.jobSchema>, Jsonified<BackupJob>>>(),
      same<Same<z.output<typeof res.jobListSchema>, JobListResponse>>(),
      same<Same<z.output<typeof res.drillSchema>, DrillResponse>>(),
      same<Same<z.output<typeof res.drillListSchema>, DrillListResponse>>(),
      same<Same<z.output<typeof res.startJobResultSchema>, StartJobResponse>>(),
      same<Same<z.output<typeof res.manifestSchema>, ManifestResponse>>(),
      same<Same<z.output<typeof res.snapshotSchema>, SnapshotResponse>>(),
      same<Same<z.output<typeof res.sstIdPageSchema>, SnapshotSstsResponse>>(),
      same<Same<z.output<typeof res.deleteSnapshotsResultSchema>, DeleteSnapshotsResponse>>(),
      same<Same<z.output<typeof res.pinnedSstPageSchema>, PinnedSstsResponse>>(),
      same<Same<z.output<typeof res.gcDeletableResultSchema>, GcDeletableResponse>>(),
      same<Same<z.output<typeof res.storageLocationSchema>, ConfigResponse>>(),
      same<Same<z.output<typeof res.okSchema>, LivenessResponse>>(),
      same<Same<z.output<typeof res.storageHealthSchema>, HealthResponse>>(),
      same<Same<z.output<typeof res.auditEventListSchema>, { events: Jsonified<AuditRow>[] }>>(),
      same<Same<z.output<typeof res.scheduleListSchema>, ScheduleListResponse>>(),
      same<Same<z.output<typeof res.scheduleSchema>, ScheduleResponse>>(),
      same<Same<z.output<typeof res.scheduleRunListSchema>, ScheduleRunsResponse>>(),
      same<Same<z.output<typeof res.okSchema>, ScheduleDeleteResponse>>(),
      same<Same<z.output<typeof res.retentionSettingsSchema>, RetentionResponse>>(),
      same<Same<z.output<typeof res.retentionPlanSchema>, RetentionPlanResponse>>(),
      same<Same<z.output<typeof res.retentionAppliedSchema>, RetentionAppliedResponse>>(),
      same<Same<z.output<typeof res.keepPinSchema>, KeepPinResponse>>(),
      same<Same<z.output<typeof res.unkeepResultSchema>, UnkeepResponse>>(),
      same<Same<z.output<typeof res.alertChannelListSchema>, AlertChannelListResponse>>(),
      same<Same<z.output<typeof res.alertChannelSchema>, AlertChannelResponse>>(),
      same<Same<z.output<typeof res.alertChannelRemovedSchema>, AlertChannelRemovedResponse>>(),
      same<Same<z.output<typeof res.alertTestResultSchema>, AlertTestResponse>>(),
      same<Same<z.output<typeof res.alertDeliveryListSchema>, AlertDeliveryListResponse>>(),
    ];
    assert.ok(checks.every(Boolean));
  });

  describe('GET /api/openapi.json', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openapi-test-'));
    after(async () => {
      const { closeBackupManager } = await import('../lib/backup/process-manager.ts');
      await closeBackupManager();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it('serves the document without sign-in', async () => {
      // route() opens the process's meta store lazily; this one is never queried.
      process.env.DATABASE_URL = `file:${path.join(dir, 'meta.db')}`;
      const { GET } = await import('../app/api/openapi.json/route.ts');
      const response = await GET(new Request('http://localhost:3000/api/openapi.json'), {
        params: Promise.resolve({}),
      });
      assert.equal(response.status, 200);
      assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
      assert.ok(response.headers.get('x-request-id'));
      const served = (await response.json()) as { openapi: string; paths: Record<string, unknown> };
      assert.match(served.openapi, /^3\.1\./);
      assert.deepEqual(Object.keys(served.paths).sort(), Object.keys(document.paths ?? {}).sort());
    });
  });
});
