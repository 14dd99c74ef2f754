// /api/metrics as Prometheus reads it: scraped through the route handler with a read token, on
// SQLite and PostgreSQL, after a successful and a failed job, and handed to `promtool check
// metrics`, which must find nothing. The staleness gauges are checked against a ManualClock, the
// alert rules with `promtool check rules` and their unit tests (`promtool test rules`), and the
// Grafana dashboard and the rules name only metrics the console exports.
// promtool is Debian's `prometheus` package; scripts/test.sh installs it when it is missing.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createToken } from '../lib/auth/tokens.ts';
import { BackupManager } from '../lib/backup/backup-manager.ts';
import { freshnessObjectiveSeconds, renderMetrics } from '../lib/backup/metrics.ts';
import { closeBackupManager, getBackupManager } from '../lib/backup/process-manager.ts';
import type { MetaStore } from '../lib/meta/client.ts';
import { FaultInjectingObjectStore } from '../lib/object-store/fault-injecting-store.ts';
import * as metricsRoute from '../app/api/metrics/route.ts';
import { ManualClock } from './support/manual-clock.ts';
import { seededMetaStore } from './support/meta-fixtures.ts';
import { freshBucketUrl, freshDirectory } from './support/services.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const RULES = path.join(ROOT, 'deploy/prometheus/alerts.yml');
const RULE_TESTS = path.join(ROOT, 'deploy/prometheus/alerts.test.yml');
const DASHBOARD = path.join(ROOT, 'deploy/grafana/dashboard.json');
const HOUR_MS = 3_600_000;

process.env.CONSOLE_ORIGIN = 'http://console.test';

function promtool(args: string[], input?: string): { status: number | null; output: string } {
  const result = spawnSync('promtool', args, { input, encoding: 'utf8', cwd: ROOT });
  if (result.error) throw new Error(`promtool did not run (Debian's "prometheus" package has it): ${result.error}`);
  return { status: result.status, output: `${result.stdout}${result.stderr}`.trim() };
}

/** promtool's lint finds nothing: exit 0 and no output. */
function assertPromtoolClean(text: string) {
  const { status, output } = promtool(['check', 'metrics'], text);
  assert.equal(output, '', `promtool check metrics found problems:\n${output}\n--- in ---\n${text}`);
  assert.equal(status, 0);
}

/** The value of an unlabelled sample, or undefined when the metric is absent. */
function sample(text: string, name: string): number | undefined {
  const match = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
  return match ? Number(match[1]) : undefined;
}

/** Every sample name in an exposition (histograms' _bucket, _sum and _count included). */
function sampleNames(text: string): Set<string> {
  return new Set(
    text
      .split('\n')
      .filter((line) => line && !line.startsWith('#'))
      .map((line) => line.split(/[{ ]/, 1)[0]!),
  );
}

const metricNamesIn = (query: string) => query.match(/\bbackup_[a-z0-9_]+/g) ?? [];

async function insertJob(
  meta: MetaStore,
  id: bigint,
  state: 'SUCCEEDED' | 'FAILED',
  startedAt: Date,
  finishedAt: Date,
): Promise<void> {
  await meta.prisma.backupJob.create({
    data: {
      id,
      state,
      started_by: 'test',
      started_at: startedAt,
      finished_at: finishedAt,
      heartbeat_at: finishedAt,
      runner: 'test',
      storage_url: 'fs://test',
      storage_directory: 'backup',
      error: state === 'FAILED' ? 'injected' : null,
    },
  });
}

describe('promtool and the shipped rules and dashboard', () => {
  it('the alert rules pass promtool check rules and their unit tests', () => {
    const checked = promtool(['check', 'rules', RULES]);
    assert.equal(checked.status, 0, checked.output);
    const tested = promtool(['test', 'rules', RULE_TESTS]);
    assert.equal(tested.status, 0, tested.output);
    assert.match(tested.output, /SUCCESS/);
  });

  it('the Grafana dashboard is JSON with Prometheus queries in its panels', () => {
    const dashboard = JSON.parse(fs.readFileSync(DASHBOARD, 'utf8'));
    assert.equal(typeof dashboard.title, 'string');
    assert.equal(typeof dashboard.uid, 'string');
    assert.ok(Number.isInteger(dashboard.schemaVersion));
    assert.ok(dashboard.panels.length >= 6);
    for (const panel of dashboard.panels) {
      assert.ok(panel.gridPos && panel.type && panel.title, `panel ${JSON.stringify(panel.title)}`);
      for (const target of panel.targets) assert.ok(metricNamesIn(target.expr).length > 0, target.expr);
    }
  });

  it('reads BACKUP_FRESHNESS_OBJECTIVE_HOURS, 24 h by default, ignoring what is not a positive number', () => {
    assert.equal(freshnessObjectiveSeconds({}), 86_400);
    assert.equal(freshnessObjectiveSeconds({ BACKUP_FRESHNESS_OBJECTIVE_HOURS: '1.5' }), 5_400);
    assert.equal(freshnessObjectiveSeconds({ BACKUP_FRESHNESS_OBJECTIVE_HOURS: '48' }), 172_800);
    for (const bad of ['0', '-3', 'soon', 'Infinity', ' '])
      assert.equal(freshnessObjectiveSeconds({ BACKUP_FRESHNESS_OBJECTIVE_HOURS: bad }), 86_400, bad);
  });
});

/** Every metric name in the dashboard's queries and the alert rules' expressions. */
function namesUsedByDeployFiles(): Map<string, string> {
  const used = new Map<string, string>();
  const dashboard = JSON.parse(fs.readFileSync(DASHBOARD, 'utf8'));
  for (const panel of dashboard.panels)
    for (const target of panel.targets) for (const name of metricNamesIn(target.expr)) used.set(name, 'dashboard.json');
  for (const variable of dashboard.templating?.list ?? [])
    for (const name of metricNamesIn(variable.definition ?? '')) used.set(name, 'dashboard.json');
  for (const name of metricNamesIn(fs.readFileSync(RULES, 'utf8'))) used.set(name, 'alerts.yml');
  return used;
}

for (const [kind, storage] of [
  ['sqlite', 'fs'],
  ['postgresql', 's3'],
] as const) {
  describe(`/api/metrics through promtool: ${kind} + ${storage}`, () => {
    let meta: MetaStore;
    let token = '';
    before(async () => {
      const url = storage === 'fs' ? `fs://${freshDirectory()}` : await freshBucketUrl();
      meta = await seededMetaStore(kind, { url, directory: 'hummock_001/backup' }, { relations: 5, ssts: 20 });
      process.env.DATABASE_URL = meta.url;
      token = (await createToken(meta.prisma, { name: 'prometheus', scope: 'read' }, { actor: 'test' })).token;
    });
    after(async () => {
      await closeBackupManager();
      await meta.close();
    });

    async function scrape(): Promise<string> {
      const response = await metricsRoute.GET(
        new Request('http://console.test/api/metrics', { headers: { authorization: `Bearer ${token}` } }),
        { params: Promise.resolve({}) },
      );
      assert.equal(response.status, 200);
      assert.match(response.headers.get('content-type') ?? '', /^text\/plain/);
      return response.text();
    }

    it('after a successful and a failed job, promtool finds nothing and the figures are right', async () => {
      assertPromtoolClean(await scrape());

      const manager = getBackupManager();
      const ok = await manager.waitForJob(await manager.startBackupJob({ remarks: 'good' }), { pollMs: 20 });
      assert.equal(ok.status, 'SUCCEEDED');
      const failing = new BackupManager({
        meta,
        wrapStore: (store) => new FaultInjectingObjectStore(store).inject({ operation: 'upload' }),
      });
      try {
        const failed = await failing.waitForJob(await failing.startBackupJob({ remarks: 'bad' }), { pollMs: 20 });
        assert.equal(failed.status, 'FAILED');
      } finally {
        await failing.close();
      }

      const text = await scrape();
      assertPromtoolClean(text);
      assert.equal(sample(text, 'backup_job_count_total'), 2);
      assert.match(text, /^backup_job_latency_seconds_count\{state="success"\} 1$/m);
      assert.match(text, /^backup_job_latency_seconds_count\{state="failure"\} 1$/m);
      assert.equal(sample(text, 'backup_job_running'), 0);
      assert.equal(sample(text, 'backup_storage_up'), 1);
      assert.equal(sample(text, 'backup_snapshots'), 1);
      assert.equal(sample(text, 'backup_pinned_ssts'), 20);
      assert.ok(sample(text, 'backup_snapshot_size_bytes')! > 0);
      assert.equal(sample(text, 'backup_last_success_timestamp_seconds'), ok.finishedAt!.getTime() / 1000);
      assert.ok(sample(text, 'backup_last_failure_timestamp_seconds')! >= ok.finishedAt!.getTime() / 1000);
      assert.equal(sample(text, 'backup_freshness_objective_seconds'), 86_400);
      assert.equal(sample(text, 'backup_overdue'), 0);

      // The dashboard and the alert rules ask only for what is exported.
      const exported = sampleNames(text);
      const used = namesUsedByDeployFiles();
      assert.ok(used.size >= 8, [...used.keys()].join(', '));
      for (const [name, file] of used) assert.ok(exported.has(name), `${file} uses ${name}, which is not exported`);
    });

    it('with the storage unreachable, storage_up is 0, its gauges are left out and promtool finds nothing', async () => {
      const unreachable = new BackupManager({
        meta,
        wrapStore: (store) =>
          new FaultInjectingObjectStore(store)
            .inject({ operation: 'get' })
            .inject({ operation: 'getRange' })
            .inject({ operation: 'head' })
            .inject({ operation: 'stream' }),
      });
      try {
        const text = (await renderMetrics(unreachable, meta.prisma)).body;
        assertPromtoolClean(text);
        assert.equal(sample(text, 'backup_storage_up'), 0);
        for (const name of ['backup_snapshots', 'backup_snapshot_size_bytes', 'backup_pinned_ssts'])
          assert.doesNotMatch(text, new RegExp(`^${name} `, 'm'));
        assert.equal(sample(text, 'backup_job_count_total'), 2);
      } finally {
        await unreachable.close();
      }
    });
  });

  describe(`staleness gauges on a ManualClock: ${kind}`, () => {
    let meta: MetaStore;
    let manager: BackupManager;
    const clock = new ManualClock(new Date('2026-03-01T12:00:00Z'));
    const hoursAgo = (h: number) => new Date(clock.now().getTime() - h * HOUR_MS);
    before(async () => {
      const url = kind === 'sqlite' ? `fs://${freshDirectory()}` : await freshBucketUrl();
      meta = await seededMetaStore(kind, { url, directory: 'backup' }, { relations: 2, ssts: 5 });
      manager = new BackupManager({ meta, clock });
    });
    after(async () => {
      await manager.close();
      await meta.close();
    });
    const render = async (objectiveSeconds?: number) => {
      const text = (await renderMetrics(manager, meta.prisma, { objectiveSeconds })).body;
      assertPromtoolClean(text);
      return text;
    };

    it('is overdue with no successful backup, and with one finished 25 h before now; not within 48 h', async () => {
      let text = await render();
      assert.equal(sample(text, 'backup_overdue'), 1);
      assert.equal(sample(text, 'backup_last_success_timestamp_seconds'), undefined);
      assert.equal(sample(text, 'backup_freshness_objective_seconds'), 86_400);

      await insertJob(meta, 101n, 'SUCCEEDED', hoursAgo(25.5), hoursAgo(25));
      text = await render();
      assert.equal(sample(text, 'backup_last_success_timestamp_seconds'), hoursAgo(25).getTime() / 1000);
      assert.equal(sample(text, 'backup_overdue'), 1);

      text = await render(48 * 3600);
      assert.equal(sample(text, 'backup_freshness_objective_seconds'), 172_800);
      assert.equal(sample(text, 'backup_overdue'), 0);
    });

    it('a newer failure does not count; a newer success does, until the clock passes the objective', async () => {
      await insertJob(meta, 102n, 'FAILED', hoursAgo(1.5), hoursAgo(1));
      let text = await render();
      assert.equal(sample(text, 'backup_overdue'), 1);
      assert.equal(sample(text, 'backup_last_failure_timestamp_seconds'), hoursAgo(1).getTime() / 1000);
      assert.match(text, /^backup_job_latency_seconds_count\{state="failure"\} 1$/m);
      assert.match(text, /^backup_job_latency_seconds_sum\{state="failure"\} 1800$/m);

      const finished = hoursAgo(2);
      await insertJob(meta, 103n, 'SUCCEEDED', hoursAgo(2.25), finished);
      text = await render();
      assert.equal(sample(text, 'backup_last_success_timestamp_seconds'), finished.getTime() / 1000);
      assert.equal(sample(text, 'backup_overdue'), 0);

      clock.advance(22 * HOUR_MS); // the success is 24 h old: exactly the objective, still on time
      assert.equal(sample(await render(), 'backup_overdue'), 0);
      clock.advance(1_000);
      assert.equal(sample(await render(), 'backup_overdue'), 1);
    });
  });
}
