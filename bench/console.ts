// npm run bench (console part): 100 snapshots of 100,000 SSTs each in the real S3 server, made
// by real backups of a meta store whose SSTs churn 10% between backups (as compaction would),
// then the server time of the console's pages under `next start`, and the job-status route under
// 50 concurrent pollers (autocannon). Needs a built console (`next build`) and PG_URL.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import pg from 'pg';
import { createToken } from '../lib/auth/tokens.ts';
import { createUser } from '../lib/auth/users.ts';
import { BackupManager } from '../lib/backup/backup-manager.ts';
import { openMetaStore } from '../lib/meta/client.ts';
import { FIRST_OBJECT_ID } from '../lib/meta/demo-cluster.ts';
import { migrateMetaStore } from '../lib/meta/migrate.ts';
import { freshBucketUrl } from '../test/support/services.ts';
import { emptyDatabase } from './databases.ts';
import { seedAtScale } from './seed-fast.ts';
import { settle, settling } from './settle.ts';

// --snapshots N: fewer snapshots for a quick look (the figures are for 100). --keep: leave the
// snapshots and the meta store (bench_console) for a closer look at the console.
const { values: options } = parseArgs({
  options: { snapshots: { type: 'string', default: '100' }, keep: { type: 'boolean', default: false } },
});
const SNAPSHOTS = Number(options.snapshots);
const SSTS = 100_000;
const CHURN = 10_000;
const RELATIONS = 10_000;
const PORT = 3917;
const WARM_REQUESTS = 20;
const POLL_MS = 1000; // components/hooks/use-job.ts
const root = path.join(import.meta.dirname, '..');

async function buildSnapshots(url: string): Promise<{ first: bigint; last: bigint; seconds: number }> {
  await migrateMetaStore(url);
  await seedAtScale(url, RELATIONS, SSTS, { url: await freshBucketUrl(), directory: 'bench' });
  const meta = openMetaStore(url);
  const manager = new BackupManager({ meta });
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const started = performance.now();
  const ids: bigint[] = [];
  try {
    for (let i = 0; i < SNAPSHOTS; i++) {
      // Compaction replaces the oldest SSTs with new objects: the pinned union grows by CHURN.
      if (i > 0)
        await client.query(
          `UPDATE hummock_sstable_info SET sst_id = sst_id + ${SSTS}, object_id = object_id + ${SSTS} WHERE sst_id IN (SELECT sst_id FROM hummock_sstable_info ORDER BY sst_id LIMIT ${CHURN})`,
        );
      const id = await manager.startBackupJob({ remarks: `console bench ${i + 1}`, startedBy: 'bench' });
      const job = await manager.waitForJob(id, { pollMs: 20 });
      if (job.status !== 'SUCCEEDED') throw new Error(`backup ${id}: ${job.error ?? job.status}`);
      ids.push(id);
      if ((i + 1) % 10 === 0)
        console.error(`${i + 1} snapshots after ${((performance.now() - started) / 1000).toFixed(0)} s`);
    }
  } finally {
    await client.end();
    await manager.close();
    await meta.close();
  }
  return { first: ids[0]!, last: ids.at(-1)!, seconds: (performance.now() - started) / 1000 };
}

async function startConsole(url: string): Promise<() => void> {
  const server = spawn(
    process.execPath,
    [path.join(root, 'node_modules/next/dist/bin/next'), 'start', '-H', '127.0.0.1', '-p', String(PORT)],
    {
      cwd: root,
      env: { ...process.env, DATABASE_URL: url, NEXT_TELEMETRY_DISABLED: '1' },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  for (let waited = 0; waited < 60_000; waited += 250) {
    if (
      await fetch(`http://127.0.0.1:${PORT}/api/health`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return () => server.kill();
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  server.kill();
  throw new Error('the console did not start within 60 s');
}

/** How the bench signs in: a viewer's session cookie for pages, a read token for the API. */
interface Credentials {
  cookie: string;
  token: string;
}

/** A viewer and a read token in the meta store, and a session of that viewer from the console. */
async function signIn(url: string): Promise<Credentials> {
  const meta = openMetaStore(url);
  const audit = { actor: 'bench', requestId: randomUUID() };
  try {
    const { password } = await createUser(meta.prisma, { username: 'bench', role: 'viewer' }, { ...audit });
    const { token } = await createToken(meta.prisma, { name: 'bench', scope: 'read' }, { ...audit });
    const origin = `http://127.0.0.1:${PORT}`;
    const response = await fetch(`${origin}/api/auth/sign-in/username`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin },
      body: JSON.stringify({ username: 'bench', password }),
    });
    const cookie = response.headers
      .getSetCookie()
      .find((c) => c.startsWith('mbc.session_token='))
      ?.split(';')[0];
    if (!cookie) throw new Error(`the bench's viewer could not sign in: HTTP ${response.status}`);
    return { cookie, token };
  } finally {
    await meta.close();
  }
}

const authHeaders = (pathname: string, credentials: Credentials): Record<string, string> =>
  pathname.startsWith('/api/') ? { authorization: `Bearer ${credentials.token}` } : { cookie: credentials.cookie };

async function timedGet(pathname: string, credentials: Credentials): Promise<number> {
  const started = performance.now();
  // A redirect (to sign-in) is a failure: timing it would time the sign-in page.
  const response = await fetch(`http://127.0.0.1:${PORT}${pathname}`, {
    headers: authHeaders(pathname, credentials),
    redirect: 'manual',
  });
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`GET ${pathname}: ${response.status}`);
  return performance.now() - started;
}

/** A number in [0, 1) from a seed, so a run's poller phases can be replayed. */
function seededRandom(seed: number): number {
  let x = (seed + 1) * 0x9e3779b1;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return ((x ^ (x >>> 16)) >>> 0) / 2 ** 32;
}

const POLL_SECONDS = 30;

/** Responses in the first seconds are not counted: starting 50 autocannon instances blocks
 * this process's event loop for most of a second, which would be measured as server latency. */
const POLL_WARM_UP_MS = 2500;

/**
 * Pollers asking once per POLL_MS each: one autocannon instance per entry of `instances`, with
 * that many connections (autocannon starts an instance's connections together), the i-th
 * instance starting after `delayOf(i)` ms. Returns the latency of every response after the
 * warm-up, sorted.
 */
async function pollers(
  url: string,
  token: string,
  instances: number[],
  delayOf: (i: number) => number,
): Promise<number[]> {
  const latencies: number[] = [];
  const started = performance.now();
  await Promise.all(
    instances.map(async (connections, i) => {
      await new Promise((resolve) => setTimeout(resolve, delayOf(i)));
      let failed = 0;
      const result = await new Promise<autocannon.Result>((resolve, reject) => {
        const instance = autocannon(
          {
            url,
            headers: { authorization: `Bearer ${token}` },
            connections,
            connectionRate: 1000 / POLL_MS,
            duration: POLL_SECONDS,
          },
          (error, done) => (error ? reject(error) : resolve(done)),
        );
        instance.on('response', (_client, statusCode, _bytes, ms) => {
          if (statusCode !== 200) failed++;
          else if (performance.now() - started > POLL_WARM_UP_MS) latencies.push(ms);
        });
      });
      if (failed || result.errors)
        throw new Error(`job-status poll: ${failed} responses other than 200, ${result.errors} errors`);
    }),
  );
  return latencies.sort((a, b) => a - b);
}

/** Runs `use` with the id of a RUNNING job row owned by no process here, then deletes the row. */
async function withRunningJob<T>(url: string, use: (id: bigint) => Promise<T>): Promise<T> {
  const meta = openMetaStore(url);
  const id = 1_000_000_000n;
  await meta.prisma.backupJob.create({
    data: {
      id,
      state: 'RUNNING',
      remarks: 'bench: polled while running',
      started_by: 'bench',
      runner: 'bench-elsewhere',
      heartbeat_at: new Date(Date.now() + 3_600_000),
      storage_url: 'fs://bench',
      storage_directory: 'bench',
    },
  });
  try {
    return await use(id);
  } finally {
    await meta.prisma.backupJob.delete({ where: { id } });
    await meta.close();
  }
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

async function main() {
  const url = await emptyDatabase(process.env.PG_URL!, 'bench_console');
  console.error(`making ${SNAPSHOTS} snapshots of ${SSTS.toLocaleString('en-US')} SSTs…`);
  const built = await buildSnapshots(url);
  const stop = await startConsole(url);
  const credentials = await signIn(url);
  try {
    const pages = [
      { what: 'snapshots page (`/`)', path: '/' },
      { what: 'pinned-SST page (`/pinned`)', path: '/pinned' },
      { what: 'pinned-SST list, first 1,000 (`/api/pinned-ssts`)', path: '/api/pinned-ssts' },
      {
        what: 'pinned-SST list, a page from the middle',
        path: `/api/pinned-ssts?after=${BigInt(FIRST_OBJECT_ID) + BigInt((SSTS + SNAPSHOTS * CHURN) / 2)}&limit=1000`,
      },
      { what: "newest snapshot's detail page", path: `/snapshots/${built.last}` },
      { what: "oldest snapshot's detail page", path: `/snapshots/${built.first}` },
    ];
    const rows: string[] = [];
    for (const page of pages) {
      await settle();
      const cold = await timedGet(page.path, credentials);
      const warm: number[] = [];
      for (let i = 0; i < WARM_REQUESTS; i++) warm.push(await timedGet(page.path, credentials));
      warm.sort((a, b) => a - b);
      rows.push(
        `| ${page.what} | ${cold.toFixed(0)} | ${percentile(warm, 50).toFixed(0)} | ${percentile(warm, 95).toFixed(0)} |`,
      );
    }
    const jobUrl = `http://127.0.0.1:${PORT}/api/jobs/${built.last}`;
    await autocannon({
      url: jobUrl,
      headers: { authorization: `Bearer ${credentials.token}` },
      connections: 10,
      duration: 3,
    }); // warm-up, not counted
    // Browsers poll once a second from whenever their page opened: independent phases.
    await settle();
    const independent = await pollers(jobUrl, credentials.token, Array(50).fill(1), (i) => seededRandom(i) * POLL_MS);
    // The worst case: every poller in step, 50 requests arriving together each second.
    await settle();
    const inStep = await pollers(jobUrl, credentials.token, [50], () => 0);
    // The same 50 connections with no pause between requests: the route's capacity.
    await settle();
    const flat = await autocannon({
      url: jobUrl,
      headers: { authorization: `Bearer ${credentials.token}` },
      connections: 50,
      duration: 10,
    });
    if (flat.non2xx || flat.errors)
      throw new Error(`job-status load (flat out): ${flat.non2xx} non-2xx responses, ${flat.errors} errors`);
    // A running job, as a job run by another process (the CLI's worker) looks to the console:
    // read from the meta store on every poll. Its heartbeat is set ahead so it is not reaped.
    await settle();
    const running = await withRunningJob(url, (id) =>
      pollers(
        `http://127.0.0.1:${PORT}/api/jobs/${id}`,
        credentials.token,
        Array(50).fill(1),
        (i) => seededRandom(i) * POLL_MS,
      ),
    );
    console.log(
      `\n### Console with ${SNAPSHOTS} snapshots × ${SSTS.toLocaleString('en-US')} SSTs (PostgreSQL, S3), ${new Date().toISOString().slice(0, 10)}\n`,
    );
    console.log(
      `${SNAPSHOTS} backups with ${CHURN.toLocaleString('en-US')} SSTs replaced between them took ${built.seconds.toFixed(0)} s. Server time is the time to the last byte over loopback, in ms: the first request after start, then the median and 95th percentile of ${WARM_REQUESTS} more.\n`,
    );
    console.log('| page | first ms | p50 ms | p95 ms |');
    console.log('|---|---|---|---|');
    for (const row of rows) console.log(row);
    console.log(
      `\nBefore each measurement the machine settled (at least 90% idle for a second): ${(settling.waitedMs / 1000).toFixed(0)} s in all${settling.timeouts ? `, ${settling.timeouts} times not within 30 s` : ''}.`,
    );
    console.log(
      `\njob-status route (\`/api/jobs/${built.last}\`, a finished job, unless said otherwise), 50 pollers (autocannon; latencies of every response):\n`,
    );
    console.log('| load | requests | requests/s | p50 ms | p99 ms | max ms |');
    console.log('|---|---|---|---|---|---|');
    for (const [name, result] of [
      [
        `50 pollers, one request a second each (the console's ${POLL_MS} ms interval), independent phases (an autocannon instance each), ${POLL_SECONDS} s (the first ${POLL_WARM_UP_MS / 1000} s not counted)`,
        independent,
      ],
      [
        `50 pollers in step (one autocannon instance, 50 connections: all 50 requests at once each second), ${POLL_SECONDS} s (the first ${POLL_WARM_UP_MS / 1000} s not counted)`,
        inStep,
      ],
      [
        `a running job (another process's): 50 pollers, independent phases, ${POLL_SECONDS} s (the first ${POLL_WARM_UP_MS / 1000} s not counted)`,
        running,
      ],
    ] as const) {
      console.log(
        `| ${name} | ${result.length} | ${(result.length / (POLL_SECONDS - POLL_WARM_UP_MS / 1000)).toFixed(0)} | ${percentile(result, 50).toFixed(1)} | ${percentile(result, 99).toFixed(1)} | ${result.at(-1)!.toFixed(1)} |`,
      );
    }
    console.log(
      `| 50 connections flat out, 10 s | ${flat.requests.total} | ${flat.requests.average.toFixed(0)} | ${flat.latency.p50} | ${flat.latency.p99} | ${flat.latency.max} |`,
    );
  } finally {
    stop();
  }
  if (options.keep) {
    console.log(`\nkept the snapshots; the meta store is ${url}`);
    return;
  }
  // Leaves the S3 server as it was: the snapshots go through the product's delete.
  const meta = openMetaStore(url);
  const manager = new BackupManager({ meta });
  const started = performance.now();
  const manifest = await manager.manifest();
  await manager.deleteSnapshots(manifest.snapshot_metadata.map((s) => s.id));
  console.log(
    `\ndeleting all ${manifest.snapshot_metadata.length} snapshots in one call took ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  await manager.close();
  await meta.close();
}

await main();
