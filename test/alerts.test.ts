// Alerts, on SQLite and PostgreSQL, delivered to real receivers on loopback (an HTTP server and
// an SMTP server) by a real failed backup job; retries move an injected clock, never sleep.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import * as channelRoute from '../app/api/alerts/channels/[id]/route.ts';
import * as testRoute from '../app/api/alerts/channels/[id]/test/route.ts';
import * as channelsRoute from '../app/api/alerts/channels/route.ts';
import * as deliveriesRoute from '../app/api/alerts/deliveries/route.ts';
import { createToken } from '../lib/auth/tokens.ts';
import { BackupManager } from '../lib/backup/backup-manager.ts';
import { closeBackupManager } from '../lib/backup/process-manager.ts';
import { checkStorageHealth } from '../lib/backup/storage-health.ts';
import type { MetaStore } from '../lib/meta/client.ts';
import { FaultInjectingObjectStore } from '../lib/object-store/fault-injecting-store.ts';
import { httpReceiver, smtpReceiver } from './support/alert-receivers.ts';
import { Watchdog } from '../lib/schedule/watchdog.ts';
import { createLogger } from '../lib/log.ts';
import { Scheduler } from '../lib/schedule/scheduler.ts';
import { ctlOn } from './support/ctl.ts';
import { ManualClock } from './support/manual-clock.ts';
import { type MetaKind, seededMetaStore } from './support/meta-fixtures.ts';
import { freshDirectory } from './support/services.ts';

const SECRET = 'whsec-test-0123456789';
const MAIL_FROM = 'backups@console.test';

async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert.fail(`timed out waiting for ${what}`);
}

/** What a receiver does (README, Alerts): recompute the HMAC of "t.body" and compare. */
function verifySignature(header: string, body: string, secret: string): { ok: boolean; t: number } {
  const parts = Object.fromEntries(header.split(',').map((p) => p.split('=') as [string, string]));
  const expected = createHmac('sha256', secret).update(`${parts.t}.${body}`).digest('hex');
  return { ok: parts.v1 === expected, t: Number(parts.t) };
}

for (const kind of ['sqlite', 'postgresql'] as MetaKind[]) {
  describe(`alerts: ${kind}`, () => {
    let meta: MetaStore;
    let web: Awaited<ReturnType<typeof httpReceiver>>;
    let smtp: Awaited<ReturnType<typeof smtpReceiver>>;
    before(async () => {
      meta = await seededMetaStore(kind, { url: `fs://${freshDirectory()}`, directory: 'backup' });
      web = await httpReceiver();
      smtp = await smtpReceiver();
    });
    after(async () => {
      await meta.close();
      await web.close();
      await smtp.close();
    });

    const manager = (clock: ManualClock, options: ConstructorParameters<typeof BackupManager>[0] = { meta }) =>
      new BackupManager({
        ...options,
        meta,
        clock,
        alerts: { env: { SMTP_URL: smtp.url, ALERT_MAIL_FROM: MAIL_FROM, ALERT_STORAGE_UNREACHABLE_SECONDS: '60' } },
      });

    it('delivers a failed job to a signed webhook, Slack and e-mail, and not to a channel filtering it out', async () => {
      const clock = new ManualClock(new Date('2026-03-04T05:06:07Z'));
      const failing = manager(clock, {
        meta,
        wrapStore: (store) => new FaultInjectingObjectStore(store).inject({ operation: 'upload' }),
      });
      const by = { createdBy: 'test' };
      await failing.alerts.channels.add(
        { name: 'hook', kind: 'webhook', target: `${web.base}/hook`, secret: SECRET },
        by,
      );
      await failing.alerts.channels.add({ name: 'slack', kind: 'slack', target: `${web.base}/slack/T0/B1/tok` }, by);
      await failing.alerts.channels.add({ name: 'mail', kind: 'email', target: 'oncall@console.test' }, by);
      await failing.alerts.channels.add(
        { name: 'verify-only', kind: 'webhook', target: `${web.base}/verify-only`, events: ['verify.failed'] },
        by,
      );

      const id = await failing.startBackupJob({ remarks: 'will fail' });
      assert.equal((await failing.waitForJob(id, { pollMs: 10 })).status, 'FAILED');
      await failing.alerts.settled();

      const [hook] = web.to('/hook');
      assert.ok(hook, 'the webhook was called');
      const signature = verifySignature(String(hook.headers['x-mbc-signature']), hook.body, SECRET);
      assert.ok(signature.ok, 'the signature verifies with the secret');
      assert.equal(signature.t, clock.now().getTime() / 1000, "the timestamp is the injected clock's");
      assert.equal(verifySignature(String(hook.headers['x-mbc-signature']), hook.body, 'another secret').ok, false);
      const body = JSON.parse(hook.body);
      assert.equal(body.kind, 'job.failed');
      assert.equal(body.details.jobId, String(id));
      assert.match(body.details.error, /injected fault: upload/);
      assert.equal(body.at, clock.now().toISOString());

      const [slack] = web.to('/slack/T0/B1/tok');
      assert.deepEqual(Object.keys(JSON.parse(slack!.body)), ['text']);
      assert.match(JSON.parse(slack!.body).text, new RegExp(`backup job ${id} failed`));
      assert.equal(slack!.headers['x-mbc-signature'], undefined, 'nothing to sign with');

      await until(() => smtp.mails.length === 1, 'the e-mail');
      const mail = smtp.mails[0]!;
      assert.equal(mail.subject, `[Meta Backup Console] backup job ${id} failed`);
      assert.equal(mail.from?.value[0]?.address, MAIL_FROM);
      assert.match(mail.text ?? '', /injected fault: upload/);

      assert.equal(web.to('/verify-only').length, 0, 'a channel receives only the events it subscribes to');
      const deliveries = await failing.alerts.deliveries();
      assert.deepEqual(deliveries.map((d) => `${d.channel} ${d.outcome}`).sort(), [
        'hook delivered',
        'mail delivered',
        'slack delivered',
      ]);
      assert.match(deliveries.find((d) => d.channel === 'mail')!.status ?? '', /^250 /);
      await failing.close();
      for (const name of ['hook', 'slack', 'mail', 'verify-only']) await failing.alerts.channels.remove(name);
    });

    it('retries with backoff on the injected clock, recording every attempt, and never holds up the emitter', async () => {
      const clock = new ManualClock();
      const start = clock.now().getTime();
      const alerts = manager(clock);
      await alerts.alerts.channels.add(
        { name: 'flaky', kind: 'webhook', target: `${web.base}/flaky`, secret: SECRET },
        { createdBy: 'test' },
      );
      web.answer('/flaky', [500, 503]);
      alerts.alerts.bus.emit({ kind: 'drill.failed', summary: 'restore drill failed', details: { drill: 'nightly' } });
      const attempts = () => meta.prisma.alertDelivery.count({ where: { channel_name: 'flaky' } });
      await until(async () => (await attempts()) === 1 && clock.pending === 1, 'the first attempt');
      clock.advance(999);
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(web.to('/flaky').length, 1, 'no retry before 1 s');
      clock.advance(1);
      await until(async () => (await attempts()) === 2 && clock.pending === 1, 'the second attempt');
      clock.advance(3_999);
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(web.to('/flaky').length, 2, 'no retry before 4 s more');
      clock.advance(1);
      await alerts.alerts.settled();

      const rows = (await alerts.alerts.deliveries()).filter((d) => d.channel === 'flaky').reverse();
      assert.deepEqual(
        rows.map((d) => [d.attempt, d.outcome, d.status, d.at.getTime() - start]),
        [
          [1, 'retrying', 'HTTP 500', 0],
          [2, 'retrying', 'HTTP 503', 1_000],
          [3, 'delivered', 'HTTP 200', 5_000],
        ],
      );
      assert.equal(new Set(rows.map((d) => d.eventId)).size, 1, 'one alert, three attempts');
      const stamps = web.to('/flaky').map((r) => verifySignature(String(r.headers['x-mbc-signature']), r.body, SECRET));
      assert.deepEqual(
        stamps.map((s) => [s.ok, s.t * 1000 - start]),
        [
          [true, 0],
          [true, 1_000],
          [true, 5_000],
        ],
        'each attempt is signed at its own time',
      );

      // Out of retries: four attempts, the last one "failed".
      web.answer('/flaky', [500, 500, 500, 500]);
      alerts.alerts.bus.emit({ kind: 'schedule.missed', summary: 'a backup was missed', details: {} });
      for (const wait of [1_000, 4_000, 16_000]) {
        await until(() => clock.pending === 1, 'a retry to wait');
        clock.advance(wait);
      }
      await alerts.alerts.settled();
      const last = (await alerts.alerts.deliveries({ limit: 4 })).reverse();
      assert.deepEqual(
        last.map((d) => [d.event, d.attempt, d.outcome]),
        [
          ['schedule.missed', 1, 'retrying'],
          ['schedule.missed', 2, 'retrying'],
          ['schedule.missed', 3, 'retrying'],
          ['schedule.missed', 4, 'failed'],
        ],
      );
      assert.equal(last[3]!.error, 'answered HTTP 500');
      await alerts.alerts.channels.remove('flaky');
      await alerts.close();
    });

    it('alerts a failed verify after backup, and a job whose process stopped renewing its lease', async () => {
      const clock = new ManualClock();
      const cut = manager(clock, {
        meta,
        wrapStore: (store) => new FaultInjectingObjectStore(store).inject({ operation: 'stream', afterBytes: 10 }),
      });
      await cut.alerts.channels.add(
        { name: 'verify', kind: 'webhook', target: `${web.base}/verify`, events: ['verify.failed'] },
        { createdBy: 'test' },
      );
      await cut.alerts.channels.add(
        { name: 'jobs', kind: 'webhook', target: `${web.base}/jobs`, events: ['job.failed'] },
        { createdBy: 'test' },
      );
      const id = await cut.startBackupJob({ verify: true, requestId: 'req-verify' });
      const job = await cut.waitForJob(id, { pollMs: 10 });
      assert.equal(job.status, 'SUCCEEDED');
      assert.equal(job.verification?.ok, false);
      await cut.alerts.settled();
      const [verify] = web.to('/verify');
      const body = JSON.parse(verify!.body);
      assert.equal(body.kind, 'verify.failed');
      assert.deepEqual([body.details.jobId, body.details.requestId], [String(id), 'req-verify']);
      assert.equal(web.to('/jobs').length, 0, 'the job itself succeeded');

      // A detached job nobody runs: failed when its lease runs out, and alerted once.
      const orphan = await cut.startBackupJob({ detach: true });
      clock.advance(30_001);
      assert.deepEqual(await cut.reapStaleJobs(), [orphan]);
      assert.deepEqual(await cut.reapStaleJobs(), []);
      await cut.alerts.settled();
      assert.deepEqual(
        web.to('/jobs').map((r) => JSON.parse(r.body).details.jobId),
        [String(orphan)],
      );
      assert.match(JSON.parse(web.to('/jobs')[0]!.body).details.error, /stopped renewing the lease/);
      await cut.alerts.channels.remove('verify');
      await cut.alerts.channels.remove('jobs');
      await cut.close();
    });

    it('alerts a failed restore drill and the snapshots retention deleted', async () => {
      const clock = new ManualClock();
      const m = manager(clock);
      await m.alerts.channels.add(
        { name: 'ops', kind: 'webhook', target: `${web.base}/ops`, events: ['drill.failed', 'retention.deleted'] },
        { createdBy: 'test' },
      );
      const ids: bigint[] = [];
      try {
        for (let i = 0; i < 3; i++) {
          const id = await m.startBackupJob({ remarks: `r${i}` });
          assert.equal((await m.waitForJob(id, { pollMs: 10 })).status, 'SUCCEEDED');
          ids.push(id);
        }
        // Retention keeps the newest: every snapshot before it goes, and the channel is told which.
        await m.setRetentionRule({ keepLast: 1 }, 'test');
        const applied = await m.applyRetention({ requestId: 'req-retention' });
        const deletedIds = applied.deleted.toSorted((a, b) => (a < b ? -1 : 1));
        assert.ok(ids.slice(0, 2).every((id) => deletedIds.includes(id)));
        assert.ok(!deletedIds.includes(ids[2]!), 'the newest is kept');
        // A damaged newest snapshot fails its drill.
        const storage = await m.storage();
        const key = storage.snapshotKey(ids[2]!);
        const bytes = Buffer.from((await storage.store.get(key)).body);
        bytes[bytes.length - 20] = bytes[bytes.length - 20]! ^ 0xff;
        await storage.store.deleteMany([key]);
        await storage.store.put(key, bytes);
        const drill = await m.drillSnapshot(ids[2]!, { startedBy: 'test' });
        assert.equal(drill.state, 'FAILED');
        await m.alerts.settled();
        const kinds = web.to('/ops').map((r) => JSON.parse(r.body));
        const deleted = kinds.find((b) => b.kind === 'retention.deleted');
        assert.equal(deleted?.details.snapshots, deletedIds.map(String).join(','));
        assert.equal(deleted?.details.requestId, 'req-retention');
        const failed = kinds.find((b) => b.kind === 'drill.failed');
        assert.equal(failed?.details.snapshotId, String(ids[2]));
        assert.match(failed?.details.problem, /^verify: /);
      } finally {
        await m.setRetentionRule({}, 'test');
        await m.alerts.channels.remove('ops');
        if (ids[2] !== undefined) await m.deleteSnapshots([ids[2]]); // damaged: no later test reads it
        await m.close();
      }
    });

    it('alerts once per storage outage longer than the threshold', async () => {
      const clock = new ManualClock();
      let faulty!: FaultInjectingObjectStore;
      const health = manager(clock, {
        meta,
        wrapStore: (store) => {
          faulty = new FaultInjectingObjectStore(store);
          return faulty;
        },
      });
      await health.alerts.channels.add(
        { name: 'storage', kind: 'webhook', target: `${web.base}/storage`, events: ['storage.unreachable'] },
        { createdBy: 'test' },
      );
      assert.deepEqual(await checkStorageHealth(health), { ok: true });
      faulty.inject({ operation: 'get' });
      const check = async () => {
        assert.equal((await checkStorageHealth(health)).ok, false);
        await health.alerts.settled();
      };
      await check();
      clock.advance(59_000);
      await check();
      assert.equal(web.to('/storage').length, 0, 'not before the threshold (ALERT_STORAGE_UNREACHABLE_SECONDS=60)');
      clock.advance(1_000);
      await check();
      clock.advance(60_000);
      await check();
      assert.equal(web.to('/storage').length, 1, 'one alert per outage');
      const body = JSON.parse(web.to('/storage')[0]!.body);
      assert.equal(body.kind, 'storage.unreachable');
      assert.equal(body.details.forSeconds, 60);
      faulty.clear();
      assert.deepEqual(await checkStorageHealth(health), { ok: true });
      faulty.inject({ operation: 'get' });
      await check();
      clock.advance(60_000);
      await check();
      assert.equal(web.to('/storage').length, 2, 'a new outage alerts again');
      await health.alerts.channels.remove('storage');
      await health.close();
    });

    it("the scheduler's watchdog raises freshness.breached once per breach, and storage.unreachable with no page open", async () => {
      const own = await seededMetaStore(kind, { url: `fs://${freshDirectory()}`, directory: 'backup' });
      const clock = new ManualClock();
      let faulty!: FaultInjectingObjectStore;
      const watched = new BackupManager({
        meta: own,
        clock,
        wrapStore: (store) => {
          faulty = new FaultInjectingObjectStore(store);
          return faulty;
        },
        alerts: { env: { ALERT_STORAGE_UNREACHABLE_SECONDS: '60' } },
      });
      await watched.alerts.channels.add(
        {
          name: 'watch',
          kind: 'webhook',
          target: `${web.base}/watch`,
          events: ['freshness.breached', 'storage.unreachable'],
        },
        { createdBy: 'test' },
      );
      const log = createLogger({ level: 'silent' });
      const watchdog = new Watchdog({
        meta: own,
        alerts: watched.alerts,
        clock,
        log,
        checkStorage: () => checkStorageHealth(watched),
        objectiveSeconds: () => 3600,
        historyDays: () => 90,
      });
      const scheduler = new Scheduler({ meta: own, manager: watched, clock, log, watchdog });
      const after = async (ms: number) => {
        clock.advance(ms);
        await scheduler.idle();
        await watched.alerts.settled();
      };
      const received = () => web.to('/watch').map((r) => JSON.parse(r.body));
      try {
        scheduler.start();
        await after(0);
        assert.deepEqual(
          received().map((a) => [a.kind, a.details.lastSuccess]),
          [['freshness.breached', null]],
          'no backup ever: breached at once',
        );
        await after(2 * 60_000);
        assert.equal(received().length, 1, 'one alert per breach, not one per check');
        const jobId = await watched.startBackupJob({ startedBy: 'test' });
        await watched.waitForJob(jobId, { pollMs: 10 });
        await after(61_000);
        await after(58 * 60_000);
        assert.equal(received().length, 1, 'fresh within the objective');
        await after(2 * 60_000);
        const [, breach] = received();
        assert.equal(breach?.kind, 'freshness.breached');
        assert.equal(breach?.details.lastSuccessJobId, String(jobId));
        assert.equal(breach?.details.objectiveSeconds, 3600);
        await after(5 * 60_000);
        assert.equal(received().length, 2);

        faulty.inject({ operation: 'get' });
        await after(60_000);
        await after(60_000);
        const outage = received().filter((a) => a.kind === 'storage.unreachable');
        assert.equal(outage.length, 1, 'probed by the watchdog, no health check asked for');
        assert.equal(outage[0]!.details.forSeconds, 60);
      } finally {
        await scheduler.stop();
        await watched.close();
        await own.close();
      }
    });

    it("takes up the retries of a delivery whose process stopped, once, with the alert's id", async () => {
      const clock = new ManualClock();
      // This process's retries wait on a clock nobody moves: as good as stopped after its first attempt.
      const stopped = manager(clock);
      await stopped.alerts.channels.add(
        { name: 'resume', kind: 'webhook', target: `${web.base}/resume`, events: ['drill.failed'] },
        { createdBy: 'test' },
      );
      web.answer('/resume', [503]);
      const event = stopped.alerts.bus.emit({
        kind: 'drill.failed',
        summary: 'restore drill of snapshot 7 failed: rows differ',
        details: { snapshotId: '7', problem: 'rows differ' },
      });
      await until(
        async () => (await meta.prisma.alertDelivery.count({ where: { event_id: event.id } })) === 1,
        'the first attempt',
      );
      const taker = new BackupManager({
        meta,
        clock: new ManualClock(clock.now()),
        log: createLogger({ level: 'silent' }),
      });
      const later = (ms: number) => (taker.clock as ManualClock).advance(ms);
      try {
        later(16_000 + 59_000);
        assert.equal(await taker.alerts.resumeAbandoned(), 0, 'not while its process may still retry');
        later(2_000);
        assert.equal(await taker.alerts.resumeAbandoned(), 1);
        await taker.alerts.settled();
        assert.equal(await taker.alerts.resumeAbandoned(), 0, 'taken up once');
        const sent = web.to('/resume');
        assert.equal(sent.length, 2);
        assert.deepEqual(
          sent.map((r) => r.headers['x-mbc-alert-id']),
          [event.id, event.id],
        );
        assert.equal(JSON.parse(sent[1]!.body).summary, 'restore drill of snapshot 7 failed: rows differ');
        const attempts = await meta.prisma.alertDelivery.findMany({
          where: { event_id: event.id },
          orderBy: { attempt: 'asc' },
        });
        assert.deepEqual(
          attempts.map((a) => [a.attempt, a.outcome, a.status, a.payload === null]),
          [
            [1, 'retrying', 'HTTP 503', true],
            [2, 'delivered', 'HTTP 200', true],
          ],
        );
      } finally {
        await taker.close();
        await stopped.alerts.channels.remove('resume');
        clock.advance(1_000); // its own retry ends (a repeat the receiver drops by its id), so it can close
        await stopped.close();
      }
    });

    it('sends a test to one channel, and records it', async () => {
      const clock = new ManualClock();
      const alerts = manager(clock);
      await alerts.alerts.channels.add(
        { name: 'only-jobs', kind: 'webhook', target: `${web.base}/test-me`, events: ['job.failed'] },
        { createdBy: 'test' },
      );
      const sent = await alerts.alerts.sendTest('only-jobs');
      assert.deepEqual(sent, { ok: true, status: 'HTTP 200', error: null, channel: 'only-jobs' });
      assert.equal(JSON.parse(web.to('/test-me')[0]!.body).kind, 'alert.test');
      web.answer('/test-me', [500]);
      const refused = await alerts.alerts.sendTest('only-jobs');
      assert.deepEqual(refused, { ok: false, status: 'HTTP 500', error: 'answered HTTP 500', channel: 'only-jobs' });
      const [latest] = await alerts.alerts.deliveries({ limit: 1 });
      assert.deepEqual([latest!.event, latest!.outcome, latest!.status], ['alert.test', 'failed', 'HTTP 500']);
      await assert.rejects(alerts.alerts.sendTest('nobody'), /alert channel "nobody" not found/);
      await alerts.alerts.channels.remove('only-jobs');
      await alerts.close();
    });

    it('refuses bad channels with a clear error and stores nothing; keeps secrets sealed and never shows them', async () => {
      const channels = manager(new ManualClock()).alerts.channels;
      const by = { createdBy: 'test' };
      const bad: [Parameters<typeof channels.add>[0], RegExp][] = [
        [{ name: 'f', kind: 'webhook', target: 'file:///etc/passwd' }, /must be http:\/\/ or https:\/\/, not file:/],
        [{ name: 'g', kind: 'webhook', target: 'gopher://127.0.0.1:6379/' }, /must be http:\/\/ or https:\/\//],
        [{ name: 'u', kind: 'slack', target: 'https://user:pw@hooks.test/x' }, /must not carry user:password/],
        [{ name: 'n', kind: 'webhook', target: 'not a url' }, /not a URL/],
        [{ name: 's', kind: 'slack', target: 'https://hooks.test/x', secret: 'long enough' }, /only a webhook/],
        [{ name: 'e', kind: 'email', target: 'a@b.test\r\nBcc: x@y.test' }, /not an e-mail address/],
        [{ name: 'bad name!', kind: 'email', target: 'a@b.test' }, /name: a name is/],
        [{ name: 'v', kind: 'email', target: 'a@b.test', events: ['job.exploded'] }, /events\.0: an event is one of/],
      ];
      for (const [input, error] of bad) await assert.rejects(channels.add(input, by), error);
      assert.equal(await meta.prisma.alertChannel.count(), 0);

      const token = 'xoxb-SECRET-TOKEN-123';
      await channels.add(
        { name: 'slack-sealed', kind: 'slack', target: `https://hooks.slack.test/services/${token}` },
        by,
      );
      await channels.add(
        { name: 'hook-sealed', kind: 'webhook', target: `${web.base}/s?key=${token}`, secret: SECRET },
        by,
      );
      await assert.rejects(
        channels.add({ name: 'hook-sealed', kind: 'email', target: 'a@b.test' }, by),
        /an alert channel named "hook-sealed" exists already/,
      );
      const rows = JSON.stringify(await meta.prisma.alertChannel.findMany());
      assert.ok(!rows.includes(token) && !rows.includes(SECRET), 'sealed in the meta store');
      const listed = JSON.stringify(await channels.list());
      assert.ok(!listed.includes(token) && !listed.includes(SECRET), 'never in a listing');
      assert.deepEqual(
        (await channels.list()).map((c) => [c.name, c.target, c.hasSecret]),
        [
          ['slack-sealed', 'https://hooks.slack.test/…', false],
          ['hook-sealed', `${web.base}/…`, true],
        ],
      );
      const ctl = ctlOn(meta.url);
      for (const args of [
        ['alert', 'list'],
        ['alert', 'list', '--json'],
      ]) {
        const out = await ctl(...args);
        assert.equal(out.code, 0, out.stderr);
        assert.match(out.stdout, /slack-sealed/);
        assert.ok(!out.stdout.includes(token) && !out.stdout.includes(SECRET), `ctl ${args.join(' ')} shows no secret`);
      }
      await channels.remove('slack-sealed');
      await channels.remove('hook-sealed');
    });

    it('drives channels from ctl: add, test, deliveries, remove, with audit rows; bad usage changes nothing', async () => {
      const ctl = ctlOn(meta.url);
      const usage = await ctl('alert', 'add', '--name', 'two', '--slack', `${web.base}/a`, '--email', 'a@b.test');
      assert.equal(usage.code, 2);
      assert.match(usage.stderr, /exactly one of --webhook URL, --slack URL or --email ADDR/);
      const refused = await ctl('alert', 'add', '--name', 'ftp', '--webhook', 'ftp://127.0.0.1/x');
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /must be http:\/\/ or https:\/\//);
      assert.equal(await meta.prisma.alertChannel.count(), 0);

      const added = await ctl(
        'alert',
        'add',
        '--name',
        'cli-hook',
        '--webhook',
        `${web.base}/cli`,
        '--secret',
        SECRET,
        '--events',
        'job.failed,verify.failed',
        '--json',
      );
      assert.equal(added.code, 0, added.stderr);
      assert.deepEqual(JSON.parse(added.stdout).events, ['job.failed', 'verify.failed']);
      assert.ok(!added.stdout.includes(SECRET));
      const tested = await ctl('alert', 'test', 'cli-hook');
      assert.equal(tested.code, 0, tested.stderr);
      assert.match(tested.stdout, /test alert to cli-hook: delivered \(HTTP 200\)/);
      const [request] = web.to('/cli');
      assert.ok(verifySignature(String(request!.headers['x-mbc-signature']), request!.body, SECRET).ok);
      const deliveries = await ctl('alert', 'deliveries', '--limit', '1', '--json');
      assert.deepEqual(
        JSON.parse(deliveries.stdout).map((d: { channel: string; event: string; outcome: string }) => [
          d.channel,
          d.event,
          d.outcome,
        ]),
        [['cli-hook', 'alert.test', 'delivered']],
      );
      web.answer('/cli', [502]);
      const failed = await ctl('alert', 'test', 'cli-hook');
      assert.equal(failed.code, 1);
      assert.match(failed.stdout, /failed \(HTTP 502: answered HTTP 502\)/);
      assert.equal((await ctl('alert', 'remove', 'cli-hook')).code, 0);
      assert.equal((await ctl('alert', 'remove', 'cli-hook')).code, 1, 'removing it twice is an error');
      const audit = await meta.prisma.auditEvent.findMany({
        where: { action: { startsWith: 'alert.' } },
        orderBy: { id: 'asc' },
      });
      assert.deepEqual(
        audit.map((r) => [r.action, r.result]),
        [
          ['alert.add', 'INVALID_INPUT'],
          ['alert.add', 'ok'],
          ['alert.test', 'ok'],
          ['alert.test', 'ok'],
          ['alert.remove', 'ok'],
          ['alert.remove', 'NOT_FOUND'],
        ],
      );
    });
  });
}

type Handler<P> = (request: Request, context: { params: Promise<P> }) => Promise<Response>;

/** Calls a route handler as Next.js does, with a bearer token. */
async function call<P>(
  handler: Handler<P>,
  token: string,
  options: { method?: string; body?: unknown; params?: P; path?: string } = {},
) {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  const init: RequestInit = { method: options.method ?? 'GET', headers };
  if (options.body !== undefined) {
    init.body = JSON.stringify(options.body);
    headers['content-type'] = 'application/json';
  }
  const response = await handler(new Request(`http://console.test${options.path ?? '/'}`, init), {
    params: Promise.resolve((options.params ?? {}) as P),
  });
  const text = await response.text();
  return { status: response.status, text, body: JSON.parse(text) };
}

for (const kind of ['sqlite', 'postgresql'] as MetaKind[]) {
  describe(`alerts JSON API: ${kind}`, () => {
    let meta: MetaStore;
    let web: Awaited<ReturnType<typeof httpReceiver>>;
    let admin = '';
    let reader = '';
    before(async () => {
      process.env.CONSOLE_ORIGIN = 'http://console.test';
      meta = await seededMetaStore(kind, { url: `fs://${freshDirectory()}`, directory: 'backup' });
      process.env.DATABASE_URL = meta.url;
      admin = (await createToken(meta.prisma, { name: 'alerts-admin', scope: 'admin' }, { actor: 'test' })).token;
      reader = (await createToken(meta.prisma, { name: 'alerts-reader', scope: 'read' }, { actor: 'test' })).token;
      web = await httpReceiver();
    });
    after(async () => {
      await closeBackupManager();
      await meta.close();
      await web.close();
    });

    it('adds, lists, tests and removes channels for admins only, never answering a secret', async () => {
      const token = 'T000/B000/XXXXSECRETPATH';
      const hook = { name: 'api-hook', kind: 'webhook', target: `${web.base}/api/${token}?k=${token}`, secret: SECRET };
      const refused = await call(channelsRoute.POST, admin, {
        method: 'POST',
        body: { ...hook, target: 'gopher://127.0.0.1:70/' },
      });
      assert.equal(refused.status, 400);
      assert.match(refused.body.error.message, /must be http:\/\/ or https:\/\//);
      assert.equal((await call(channelsRoute.POST, reader, { method: 'POST', body: hook })).status, 403);
      assert.equal(await meta.prisma.alertChannel.count(), 0, 'refused calls store nothing');

      const added = await call(channelsRoute.POST, admin, { method: 'POST', body: hook });
      assert.equal(added.status, 200, added.text);
      assert.equal(added.body.target, `${web.base}/…`);
      assert.equal(added.body.hasSecret, true);
      assert.equal(added.body.createdBy, 'token:alerts-admin');
      const listed = await call(channelsRoute.GET, admin);
      assert.deepEqual(
        listed.body.channels.map((c: { name: string }) => c.name),
        ['api-hook'],
      );
      for (const text of [added.text, listed.text]) assert.ok(!text.includes(token) && !text.includes(SECRET), text);
      assert.equal((await call(channelsRoute.GET, reader)).status, 403, 'listing is admin only');
      assert.equal((await call(deliveriesRoute.GET, reader)).status, 403);

      const id = String(added.body.id);
      const tested = await call(testRoute.POST, admin, { method: 'POST', params: { id } });
      assert.deepEqual(tested.body, { channel: 'api-hook', ok: true, status: 'HTTP 200', error: null });
      const [received] = web.requests;
      assert.equal(received!.path, `/api/${token}?k=${token}`, 'delivered to the full URL, unsealed');
      assert.ok(verifySignature(String(received!.headers['x-mbc-signature']), received!.body, SECRET).ok);
      const deliveries = await call(deliveriesRoute.GET, admin, { path: '/api/alerts/deliveries?limit=5' });
      assert.deepEqual(
        deliveries.body.deliveries.map((d: { channel: string; event: string; outcome: string; status: string }) => [
          d.channel,
          d.event,
          d.outcome,
          d.status,
        ]),
        [['api-hook', 'alert.test', 'delivered', 'HTTP 200']],
      );
      assert.equal((await call(deliveriesRoute.GET, admin, { path: '/?limit=0' })).status, 400);

      assert.equal((await call(testRoute.POST, admin, { method: 'POST', params: { id: '999999' } })).status, 404);
      assert.equal((await call(channelRoute.DELETE, admin, { method: 'DELETE', params: { id: 'abc' } })).status, 400);
      const removed = await call(channelRoute.DELETE, admin, { method: 'DELETE', params: { id } });
      assert.deepEqual(removed.body, { id: Number(id), name: 'api-hook', removed: true });
      assert.equal((await call(channelRoute.DELETE, admin, { method: 'DELETE', params: { id } })).status, 404);
      const audit = await meta.prisma.auditEvent.findMany({
        where: { action: { startsWith: 'alert.' } },
        orderBy: { id: 'asc' },
      });
      assert.deepEqual(
        audit.map((r) => [r.action, r.result, r.actor]),
        [
          ['alert.add', 'INVALID_INPUT', 'token:alerts-admin'],
          ['alert.add', 'FORBIDDEN', 'token:alerts-reader'],
          ['alert.add', 'ok', 'token:alerts-admin'],
          ['alert.test', 'ok', 'token:alerts-admin'],
          ['alert.test', 'NOT_FOUND', 'token:alerts-admin'],
          ['alert.remove', 'BAD_REQUEST', 'token:alerts-admin'],
          ['alert.remove', 'ok', 'token:alerts-admin'],
          ['alert.remove', 'NOT_FOUND', 'token:alerts-admin'],
        ],
      );
    });
  });
}
