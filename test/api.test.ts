// The JSON API's route handlers, called as Next.js calls them (a Request in, a Response out),
// on a real meta store (SQLite and PostgreSQL) and real backup storage.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { createToken } from '../lib/auth/tokens.ts';
import { closeBackupManager } from '../lib/backup/process-manager.ts';
import { decodeSnapshot } from '../lib/backup/snapshot-codec.ts';
import * as config from '../app/api/config/route.ts';
import * as probe from '../app/api/config/probe/route.ts';
import * as gc from '../app/api/gc/deletable/route.ts';
import * as health from '../app/api/health/route.ts';
import * as storageHealth from '../app/api/storage/health/route.ts';
import * as cancel from '../app/api/jobs/[id]/cancel/route.ts';
import * as job from '../app/api/jobs/[id]/route.ts';
import * as jobs from '../app/api/jobs/route.ts';
import * as metrics from '../app/api/metrics/route.ts';
import * as pinned from '../app/api/pinned-ssts/route.ts';
import * as pinnedCsv from '../app/api/pinned-ssts/csv/route.ts';
import * as deleteMany from '../app/api/snapshots/delete/route.ts';
import * as download from '../app/api/snapshots/[id]/download/route.ts';
import * as snapshot from '../app/api/snapshots/[id]/route.ts';
import * as snapshotSsts from '../app/api/snapshots/[id]/ssts/route.ts';
import * as snapshots from '../app/api/snapshots/route.ts';
import * as keep from '../app/api/snapshots/[id]/keep/route.ts';
import * as retention from '../app/api/retention/route.ts';
import * as retentionApply from '../app/api/retention/apply/route.ts';
import * as retentionPreview from '../app/api/retention/preview/route.ts';
import { seededMetaStore } from './support/meta-fixtures.ts';
import { freshBucketUrl, freshDirectory } from './support/services.ts';

type Handler<P> = (request: Request, context: { params: Promise<P> }) => Promise<Response>;

// The handlers see requests for http://console.test, with an admin token of the suite's meta store.
process.env.CONSOLE_ORIGIN = 'http://console.test';
let token = '';

async function call<P = Record<string, never>>(
  handler: Handler<P>,
  options: { method?: string; path?: string; body?: unknown; rawBody?: string; params?: P } = {},
) {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  const init: RequestInit = { method: options.method ?? 'GET', headers };
  if (options.body !== undefined || options.rawBody !== undefined) {
    init.body = options.rawBody ?? JSON.stringify(options.body);
    headers['content-type'] = 'application/json';
  }
  const response = await handler(new Request(`http://console.test${options.path ?? '/'}`, init), {
    params: Promise.resolve((options.params ?? {}) as P),
  });
  return response;
}

async function json<P = Record<string, never>>(handler: Handler<P>, options: Parameters<typeof call<P>>[1] = {}) {
  const response = await call(handler, options);
  return {
    status: response.status,
    body: (await response.json()) as any,
    requestId: response.headers.get('x-request-id'),
  };
}

async function waitUntilDone(id: string) {
  for (;;) {
    const { body } = await json(job.GET, { params: { id } });
    if (body.status !== 'RUNNING') return body;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

for (const [kind, storage] of [
  ['sqlite', 'fs'],
  ['postgresql', 's3'],
] as const) {
  describe(`JSON API: ${kind} + ${storage}`, () => {
    let backupUrl: string;
    before(async () => {
      backupUrl = storage === 'fs' ? `fs://${freshDirectory()}` : await freshBucketUrl();
      const meta = await seededMetaStore(
        kind,
        { url: backupUrl, directory: 'hummock_001/backup' },
        { relations: 10, ssts: 40 },
      );
      process.env.DATABASE_URL = meta.url;
      token = (await createToken(meta.prisma, { name: 'test-admin', scope: 'admin' }, { actor: 'test' })).token;
      await meta.close();
    });
    after(() => closeBackupManager());

    it('starts a job, polls it to SUCCEEDED and lists the snapshot with 64-bit ids as strings', async () => {
      const started = await json(jobs.POST, { method: 'POST', body: { remarks: 'from the API', verify: true } });
      assert.equal(started.status, 202);
      assert.deepEqual(started.body, { job_id: '1', status: 'RUNNING' });
      assert.ok(started.requestId);
      let done = await waitUntilDone('1');
      assert.equal(done.status, 'SUCCEEDED');
      // The call's request id is the job's, and the job verifies its snapshot as asked.
      assert.equal(done.requestId, started.requestId);
      assert.equal(done.verify, true);
      for (let i = 0; !done.verification; i++) {
        assert.ok(i < 500, `job 1 records its verification: ${JSON.stringify(done)}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
        done = (await json(job.GET, { params: { id: '1' } })).body;
      }
      assert.deepEqual(done.verification, { ok: true, message: null });
      assert.equal(done.startedBy, 'token:test-admin');
      assert.match(done.snapshotBytes, /^\d+$/);

      const manifest = await json(snapshots.GET);
      assert.equal(manifest.status, 200);
      assert.equal(manifest.body.snapshot_metadata.length, 1);
      const entry = manifest.body.snapshot_metadata[0];
      assert.equal(entry.remarks, 'from the API');
      // The list counts each snapshot's ids; they come a page at a time from its own route.
      assert.equal(entry.sst_count, 40);
      assert.equal(entry.ssts, undefined);
      assert.deepEqual((await json(snapshot.GET, { params: { id: '1' } })).body, entry);
      const ids = await json(snapshotSsts.GET, { path: '/api/snapshots/1/ssts?limit=1000', params: { id: '1' } });
      assert.equal(ids.body.total, 40);
      assert.ok(ids.body.items.every((id: string) => /^\d+$/.test(id) && BigInt(id) > 2n ** 53n));

      const list = await json(jobs.GET, { path: '/api/jobs?limit=5' });
      assert.deepEqual(
        list.body.jobs.map((j: { id: string }) => j.id),
        ['1'],
      );
    });

    it('streams the snapshot file for download', async () => {
      const response = await call(download.GET, { params: { id: '1' } });
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('content-disposition'), 'attachment; filename="1.snapshot"');
      const bytes = new Uint8Array(await response.arrayBuffer());
      assert.equal(String(bytes.length), response.headers.get('content-length'));
      assert.equal((await decodeSnapshot([bytes])).header.id, 1n);
    });

    it('pages through pinned SSTs and answers the garbage collector', async () => {
      const first = await json(pinned.GET, { path: '/api/pinned-ssts?limit=15' });
      assert.equal(first.body.total, 40);
      assert.equal(first.body.items.length, 15);
      assert.deepEqual(first.body.items[0].snapshotIds, ['1']);
      const second = await json(pinned.GET, { path: `/api/pinned-ssts?limit=100&after=${first.body.next}` });
      assert.equal(second.body.items.length, 25);
      assert.equal(second.body.next, null);
      const pinnedId = first.body.items[3].objectId;
      const gcAnswer = await json(gc.POST, {
        method: 'POST',
        body: { candidates: [pinnedId, '18446744073709551615'] },
      });
      assert.deepEqual(gcAnswer.body, { deletable: ['18446744073709551615'] });
      const csv = await (await call(pinnedCsv.GET)).text();
      const lines = csv.trimEnd().split('\n');
      assert.equal(lines[0], 'object_id,snapshot_ids');
      assert.equal(lines.length, 41);
      assert.equal(lines[1], `${first.body.items[0].objectId},1`);
      const bad = await json(pinned.GET, { path: '/api/pinned-ssts?limit=0' });
      assert.equal(bad.status, 400);
      assert.match(bad.body.error.message, /^limit:/);
    });

    it('takes ids beyond 2^53 sent as JSON numbers exactly, never rounded to another id', async () => {
      const gcAnswer = await json(gc.POST, {
        method: 'POST',
        rawBody: '{"candidates":[9007199254742491, 18446744073709551615]}',
      });
      assert.equal(gcAnswer.status, 200);
      assert.deepEqual(gcAnswer.body, { deletable: ['9007199254742491', '18446744073709551615'] });
      const deleted = await json(deleteMany.POST, { method: 'POST', rawBody: '{"ids":[9007199254740993]}' });
      assert.deepEqual(deleted.body.deleted, ['9007199254740993']);
      const tooBig = await json(deleteMany.POST, { method: 'POST', rawBody: '{"ids":[18446744073709551616]}' });
      assert.equal(tooBig.status, 400);
      assert.match(tooBig.body.error.message, /not a valid id/);
    });

    it('keeps fs:// storage inside FS_STORAGE_ROOTS: /etc, / and /proc are refused at once, writing nothing', async () => {
      for (const [url, directory] of [
        ['fs:///etc', 'x'],
        ['fs:///', 'etc/ssh'],
        ['fs:///proc/self', 'x'],
        [`fs://${process.env.TMPDIR}/../../../etc`, 'x'],
      ] as const) {
        const probed = await json(probe.POST, { method: 'POST', body: { url, directory } });
        assert.equal(probed.status, 400, url);
        assert.equal(probed.body.error.code, 'INVALID_CONFIG');
        const saved = await json(config.POST, { method: 'POST', body: { url, directory } });
        assert.equal(saved.status, 400, url);
      }
      assert.equal(fs.existsSync('/etc/.mbc-tmp'), false);
      assert.equal((await json(config.GET)).body.directory, 'hummock_001/backup');
    });

    it('takes JSON bodies only, of at most 1 MiB', async () => {
      const form = await call(jobs.POST, { method: 'POST' });
      const plain = await jobs.POST(
        new Request('http://console.test/api/jobs', {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'text/plain' },
          body: '{}',
        }),
        { params: Promise.resolve({}) },
      );
      assert.equal(plain.status, 415);
      assert.equal(form.status, 415, 'no content type at all');
      const huge = await json(deleteMany.POST, {
        method: 'POST',
        rawBody: JSON.stringify({ ids: ['1'], padding: 'x'.repeat(1024 * 1024) }),
      });
      assert.equal(huge.status, 413);
      assert.equal(huge.body.error.code, 'PAYLOAD_TOO_LARGE');
    });

    it('maps errors to statuses with clear messages, changing nothing', async () => {
      assert.equal((await json(job.GET, { params: { id: '99' } })).status, 404);
      for (const id of ['9223372036854775808', '18446744073709551615']) {
        assert.equal((await json(job.GET, { params: { id } })).status, 404, `job ${id}`);
        assert.equal((await json(cancel.POST, { method: 'POST', params: { id } })).status, 404, `cancel ${id}`);
      }
      const loneSurrogate = await json(jobs.POST, {
        method: 'POST',
        rawBody: '{"remarks":"before \\ud800 the upgrade"}',
      });
      assert.equal(loneSurrogate.status, 400);
      assert.equal(loneSurrogate.body.error.message, 'remarks: remarks must be valid Unicode text');
      const badId = await json(job.GET, { params: { id: '-1' } });
      assert.equal(badId.status, 400);
      assert.match(badId.body.error.message, /not a valid id/);
      const longRemarks = await json(jobs.POST, { method: 'POST', body: { remarks: 'x'.repeat(501) } });
      assert.equal(longRemarks.status, 400);
      assert.match(longRemarks.body.error.message, /at most 500/);
      const notJson = await json(jobs.POST, { method: 'POST', rawBody: '{remarks' });
      assert.equal(notJson.status, 400);
      assert.equal(notJson.body.error.message, 'the request body is not valid JSON');
      assert.equal((await json(snapshot.GET, { params: { id: '12345' } })).status, 404);
      assert.equal((await json(deleteMany.POST, { method: 'POST', body: { ids: [] } })).status, 400);
      assert.equal((await json(cancel.POST, { method: 'POST', params: { id: '1' } })).status, 400);
      assert.equal((await json(snapshots.GET)).body.snapshot_metadata.length, 1);
    });

    it('refuses a second job while one runs, and cancels it', async () => {
      const { getBackupManager } = await import('../lib/backup/process-manager.ts');
      const manager = getBackupManager();
      // Hold a job RUNNING (detached, not yet run) to see the refusal.
      const held = await manager.startBackupJob({ detach: true, startedBy: 'test' });
      const refused = await json(jobs.POST, { method: 'POST', body: {} });
      assert.equal(refused.status, 409);
      assert.equal(refused.body.error.code, 'CONCURRENT_JOB');
      assert.equal(refused.body.error.message, `concurrent backup job is not supported: existent job ${held}`);
      const cancelled = await json(cancel.POST, { method: 'POST', params: { id: String(held) } });
      assert.equal(cancelled.status, 200);
      assert.equal(cancelled.body.cancelRequested, true);
    });

    it('reads and changes the storage configuration, masking secrets and keeping the old store on failure', async () => {
      const before = await json(config.GET);
      assert.equal(before.body.directory, 'hummock_001/backup');
      assert.doesNotMatch(before.body.url, /testsecret/);
      const bad = await json(config.POST, { method: 'POST', body: { url: 'gcs://bucket' } });
      assert.equal(bad.status, 400);
      assert.equal(bad.body.error.code, 'INVALID_CONFIG');
      const unreachable = await json(config.POST, {
        method: 'POST',
        body: { url: 'minio://k:hunter2@127.0.0.1:1/bucket' },
      });
      assert.equal(unreachable.status, 400, 'a location that cannot be used is bad input, not an outage');
      assert.equal(unreachable.body.error.code, 'INVALID_CONFIG');
      assert.doesNotMatch(JSON.stringify(unreachable.body), /hunter2/);
      const blank = await json(config.POST, { method: 'POST', body: { directory: '   ' } });
      assert.equal(blank.status, 400);
      assert.deepEqual((await json(config.GET)).body, before.body);

      assert.equal(
        (await json(probe.POST, { method: 'POST', body: { url: backupUrl, directory: 'probe' } })).status,
        200,
      );
      const moved = await json(config.POST, { method: 'POST', body: { directory: 'other/backup' } });
      assert.equal(moved.status, 200);
      assert.equal(moved.body.snapshots, 0);
      assert.equal((await json(snapshots.GET)).body.snapshot_metadata.length, 0);
      assert.equal(
        (await json(config.POST, { method: 'POST', body: { directory: 'hummock_001/backup' } })).body.snapshots,
        1,
      );
      assert.deepEqual((await json(storageHealth.GET)).body, { storage: { ok: true } });
      assert.deepEqual((await json(health.GET)).body, { ok: true });
    });

    it('sets, previews and applies retention, and marks a snapshot keep, refusing bad input', async () => {
      const none = await json(retention.GET);
      assert.equal(none.status, 200);
      assert.deepEqual(none.body, {
        storage: { url: none.body.storage.url, directory: 'hummock_001/backup' },
        retention: null,
      });
      for (const [body, message] of [
        [{ keepLast: 0 }, /keepLast must be at least 1/],
        [{ keepDays: 1.5 }, /keepDays must be a whole number/],
        [{ keep_last: 1 }, /unknown retention setting: keep_last/],
      ] as const) {
        const refused = await json(retention.PUT, { method: 'PUT', body });
        assert.equal(refused.status, 400, JSON.stringify(body));
        assert.match(refused.body.error.message, message);
        const preview = await json(retentionPreview.POST, { method: 'POST', body });
        assert.equal(preview.status, 400);
      }
      assert.equal((await json(retention.GET)).body.retention, null, 'nothing saved by refused calls');
      // A preview saves nothing.
      const plan = await json(retentionPreview.POST, { method: 'POST', body: { keepDays: 1 } });
      assert.equal(plan.status, 200);
      assert.deepEqual(plan.body.keep, ['1']);
      assert.deepEqual(plan.body.decisions[0].keptBy, ['newest', 'keep-days']);
      assert.equal((await json(retention.GET)).body.retention, null);
      const saved = await json(retention.PUT, { method: 'PUT', body: { keepLast: 1, keepDays: null } });
      assert.equal(saved.status, 200);
      assert.deepEqual(saved.body.retention.rule, { keepLast: 1 });
      assert.equal(saved.body.retention.updatedBy, 'token:test-admin');

      assert.equal((await json(keep.PUT, { method: 'PUT', params: { id: '12345' }, body: {} })).status, 404);
      const long = await json(keep.PUT, { method: 'PUT', params: { id: '1' }, body: { reason: 'x'.repeat(501) } });
      assert.equal(long.status, 400);
      assert.match(long.body.error.message, /at most 500/);
      const kept = await json(keep.PUT, { method: 'PUT', params: { id: '1' }, body: { reason: ' release ' } });
      assert.equal(kept.status, 200);
      assert.equal(kept.body.snapshotId, '1');
      assert.equal(kept.body.reason, 'release');
      assert.equal(kept.body.keptBy, 'token:test-admin');
      const applied = await json(retentionApply.POST, { method: 'POST' });
      assert.equal(applied.status, 200);
      assert.deepEqual(applied.body.deleted, []);
      assert.deepEqual(applied.body.plan.decisions[0].keptBy, ['newest', 'keep-pin', 'keep-last']);
      assert.deepEqual((await json(keep.DELETE, { method: 'DELETE', params: { id: '1' } })).body, {
        id: '1',
        unkept: true,
      });
      assert.deepEqual((await json(keep.DELETE, { method: 'DELETE', params: { id: '1' } })).body, {
        id: '1',
        unkept: false,
      });
      assert.equal((await json(retention.PUT, { method: 'PUT', body: {} })).body.retention.rule.keepLast, undefined);
      assert.equal((await json(snapshots.GET)).body.snapshot_metadata.length, 1);
    });

    it('deletes snapshots and exposes metrics in Prometheus format', async () => {
      const text = await (await call(metrics.GET)).text();
      assert.match(text, /^# TYPE backup_job_count_total counter$/m);
      assert.match(text, /^backup_job_count_total 2$/m);
      assert.match(text, /^backup_job_latency_seconds_count\{state="success"\} 1$/m);
      assert.match(text, /^backup_job_latency_seconds_bucket\{le="1",state="success"\} \d$/m);
      assert.match(text, /^backup_snapshots 1$/m);
      assert.match(text, /^backup_pinned_ssts 40$/m);
      assert.match(text, /^backup_storage_up 1$/m);
      assert.match(text, /^backup_last_success_timestamp_seconds \d+/m);
      assert.match(text, /^backup_overdue 0$/m);
      const deleted = await json(deleteMany.POST, { method: 'POST', body: { ids: ['1', '77'] } });
      assert.deepEqual(deleted.body, { deleted: ['1', '77'], manifest_id: '2', remaining: 0 });
      assert.equal((await json(pinned.GET)).body.total, 0);
      assert.match(await (await call(metrics.GET)).text(), /^backup_pinned_ssts 0$/m);
    });
  });
}
