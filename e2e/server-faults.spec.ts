// The console server under faults: `next start` processes of its own (beside the ones the other
// specs use), on one PostgreSQL meta store, with backups to the real S3 server through a TCP proxy
// that slows uploads so a fault lands mid-job. SIGTERM and SIGKILL of a server mid-job, then a
// restart; and two servers racing on start, delete and storage change for a number of rounds.
// After each, the invariants: no job left RUNNING past the lease, every succeeded job of the
// location in the manifest and every entry readable, manifest_id only growing, pages answering.
// Prints a table of fault × outcome.
import { expect, test } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createToken } from '../lib/auth/tokens.ts';
import { openMetaStore, type MetaStore } from '../lib/meta/client.ts';
import { installSstWindow } from '../test/support/meta-fixtures.ts';
import { seedDemoCluster } from '../lib/meta/demo-cluster.ts';
import { freshBucketUrl, freshPostgresUrl } from '../test/support/services.ts';
import { TcpProxy } from '../test/support/tcp-proxy.ts';

const root = path.resolve(import.meta.dirname, '..');
const LEASE_MS = 2_000;
const table: string[] = [];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function record(fault: string, outcome: string, started: number) {
  table.push(
    `${fault.padEnd(52)} ${outcome.slice(0, 130).padEnd(130)} ${((performance.now() - started) / 1000).toFixed(1).padStart(5)} s`,
  );
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

class Server {
  child: ChildProcess | undefined;
  output = '';
  constructor(
    readonly port: number,
    private readonly env: Record<string, string>,
  ) {}

  get origin() {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.child = spawn(
      process.execPath,
      [path.join(root, 'node_modules/next/dist/bin/next'), 'start', '-H', '127.0.0.1', '-p', String(this.port)],
      {
        cwd: root,
        env: {
          ...process.env,
          ...this.env,
          NEXT_MANUAL_SIG_HANDLE: '1',
          NEXT_TELEMETRY_DISABLED: '1',
          BACKUP_JOB_LEASE_MS: String(LEASE_MS),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    this.child.stdout!.on('data', (d: Buffer) => (this.output += d.toString()));
    this.child.stderr!.on('data', (d: Buffer) => (this.output += d.toString()));
    const until = Date.now() + 60_000;
    for (;;) {
      const ok = await fetch(`${this.origin}/api/health`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) return;
      if (this.child.exitCode !== null || Date.now() > until)
        throw new Error(`the server on ${this.port} did not start:\n${this.output}`);
      await sleep(200);
    }
  }

  /** Sends the signal and resolves with the seconds until the process exited. */
  async stop(signal: 'SIGTERM' | 'SIGKILL'): Promise<number> {
    const child = this.child!;
    const started = performance.now();
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
    return (performance.now() - started) / 1000;
  }
}

class Api {
  constructor(
    readonly server: Server,
    private readonly token: string,
  ) {}

  async call(method: string, p: string, body?: unknown): Promise<{ status: number; json: any }> {
    const response = await fetch(`${this.server.origin}${p}`, {
      method,
      headers: {
        authorization: `Bearer ${this.token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, json: text ? JSON.parse(text) : null };
  }

  async waitForJob(id: string, timeoutMs = 60_000): Promise<{ status: string; error: string | null }> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const { json } = await this.call('GET', `/api/jobs/${id}`);
      if (json.status !== 'RUNNING') return json;
      if (Date.now() > until) throw new Error(`job ${id} still RUNNING after ${timeoutMs} ms`);
      await sleep(100);
    }
  }
}

/** The invariants, read through one server's API and the meta store. */
async function checkInvariants(fault: string, api: Api, meta: MetaStore, last: { manifestId: bigint }): Promise<void> {
  const manifest = (await api.call('GET', '/api/snapshots')).json;
  const manifestId = BigInt(manifest.manifest_id);
  expect(manifestId >= last.manifestId, `${fault}: manifest_id went from ${last.manifestId} to ${manifestId}`).toBe(
    true,
  );
  last.manifestId = manifestId;
  const config = (await api.call('GET', '/api/config')).json;
  const listed = new Set((manifest.snapshot_metadata as { id: string }[]).map((s) => s.id));
  for (const job of await meta.prisma.backupJob.findMany()) {
    expect(
      job.state === 'RUNNING' && job.heartbeat_at.getTime() < Date.now() - LEASE_MS - 1_000,
      `${fault}: job ${job.id} RUNNING past the lease`,
    ).toBe(false);
    if (
      job.state === 'SUCCEEDED' &&
      job.storage_url === config.displayUrl &&
      job.storage_directory === config.directory
    ) {
      expect(listed.has(String(job.id)), `${fault}: succeeded job ${job.id} is not in the manifest`).toBe(true);
    }
  }
  expect(
    (await api.call('POST', '/api/gc/deletable', { candidates: ['1'] })).status,
    `${fault}: the GC filter answers`,
  ).toBe(200);
  for (const id of listed)
    expect((await api.call('GET', `/api/snapshots/${id}`)).status, `${fault}: snapshot ${id} answers`).toBe(200);
  for (const page of ['/', '/jobs', '/settings', '/pinned']) {
    const response = await fetch(`${api.server.origin}${page}`, { redirect: 'manual' });
    expect([200, 307], `${fault}: ${page} answers`).toContain(response.status);
  }
}

// biome-ignore lint/correctness/noEmptyPattern: Playwright reads the fixtures a test uses from this pattern.
test('the console server under SIGTERM, SIGKILL and a second server racing it', async ({}, info) => {
  test.setTimeout(600_000);
  test.skip(info.project.name !== 'postgresql-s3', 'one run is enough: it starts its own servers on PostgreSQL and S3');
  const direct = new URL((await freshBucketUrl()).replace(/^minio:/, 'http:'));
  const proxy = await TcpProxy.start({ host: direct.hostname, port: Number(direct.port) });
  const backupUrl = `minio://${direct.username}:${direct.password}@127.0.0.1:${proxy.port}${direct.pathname}`;
  const databaseUrl = await freshPostgresUrl();
  const meta = openMetaStore(databaseUrl);
  await seedDemoCluster(meta.prisma, {
    relations: 20,
    ssts: 100,
    backupStorageUrl: backupUrl,
    backupStorageDirectory: 'server-faults/backup',
  });
  await installSstWindow(meta, 80_000);
  const { token } = await createToken(
    meta.prisma,
    { name: 'server-faults', scope: 'admin' },
    { actor: 'server-faults-suite' },
  );
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mbc-server-faults-'));
  const env = { DATABASE_URL: databaseUrl, CONSOLE_DATA_DIR: dataDir, CONSOLE_ADMIN_PASSWORD: 'server-faults-admin-1' };
  const a = new Server(await freePort(), env);
  const b = new Server(await freePort(), env);
  const apiA = new Api(a, token);
  const apiB = new Api(b, token);
  const last = { manifestId: 0n };
  try {
    await a.start();
    let started = performance.now();
    let job = await apiA.call('POST', '/api/jobs', { remarks: 'baseline' });
    expect(job.status).toBe(202);
    expect((await apiA.waitForJob(job.json.job_id)).status).toBe('SUCCEEDED');
    await checkInvariants('baseline', apiA, meta, last);
    record('(baseline) a backup through a console server', 'SUCCEEDED', started);

    for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
      started = performance.now();
      // About 3 MB/s: the ~20 MB upload is still going when the signal comes.
      proxy.setMode({ delayMs: 25 });
      job = await apiA.call('POST', '/api/jobs', { remarks: `${signal} mid-job` });
      const id = job.json.job_id as string;
      await expect
        .poll(
          async () => BigInt((await apiA.call('GET', `/api/jobs/${id}`)).json.bytesWritten ?? 0) > 8n * 1024n * 1024n,
          { timeout: 30_000 },
        )
        .toBe(true);
      const exitSeconds = await a.stop(signal);
      proxy.setMode('forward');
      proxy.cutAll();
      const row = await meta.prisma.backupJob.findUniqueOrThrow({ where: { id: BigInt(id) } });
      await a.start();
      const ended = await apiA.waitForJob(id, LEASE_MS + 10_000);
      expect(ended.status).toBe('FAILED');
      if (signal === 'SIGTERM') {
        expect(row.state, 'ended before the process exited').toBe('FAILED');
        expect(exitSeconds).toBeLessThan(10);
      }
      const next = await apiA.call('POST', '/api/jobs', { remarks: `after ${signal}` });
      expect((await apiA.waitForJob(next.json.job_id)).status).toBe('SUCCEEDED');
      await checkInvariants(`${signal} mid-job`, apiA, meta, last);
      record(
        `console server ${signal} mid-job, then restarted`,
        `exited in ${exitSeconds.toFixed(1)} s; the job ${row.state === 'FAILED' ? 'was FAILED at once' : `was reaped after the lease`}: ${ended.error}`,
        started,
      );
    }

    // Two servers on one meta store, racing.
    await b.start();
    const rounds = 8;
    let oneJobEachTime = 0;
    started = performance.now();
    for (let round = 0; round < rounds; round++) {
      const [x, y] = await Promise.all([
        apiA.call('POST', '/api/jobs', { remarks: `race ${round} a` }),
        apiB.call('POST', '/api/jobs', { remarks: `race ${round} b` }),
      ]);
      const statuses = [x.status, y.status].sort();
      expect(statuses, `round ${round}: one job starts, the other is refused`).toEqual([202, 409]);
      oneJobEachTime++;
      const winner = x.status === 202 ? x : y;
      expect((await apiA.waitForJob(winner.json.job_id)).status).toBe('SUCCEEDED');
    }
    await checkInvariants('racing starts', apiB, meta, last);
    record(
      `two servers racing to start a job, ${rounds} rounds`,
      `exactly one job each round (${oneJobEachTime}/${rounds}), the other 409`,
      started,
    );

    started = performance.now();
    const ids = ((await apiA.call('GET', '/api/snapshots')).json.snapshot_metadata as { id: string }[]).map(
      (s) => s.id,
    );
    let deletes = 0;
    for (const id of ids.slice(0, 6)) {
      const [x, y] = await Promise.all([
        apiA.call('DELETE', `/api/snapshots/${id}`),
        apiB.call('DELETE', `/api/snapshots/${id}`),
      ]);
      expect(
        [x.status, y.status].every((s) => s === 200 || s === 404),
        `delete ${id}: ${x.status} ${y.status}`,
      ).toBe(true);
      deletes++;
    }
    const after = ((await apiB.call('GET', '/api/snapshots')).json.snapshot_metadata as { id: string }[]).map(
      (s) => s.id,
    );
    expect(after).toEqual(ids.slice(6));
    await checkInvariants('racing deletes', apiA, meta, last);
    record(
      `two servers deleting the same snapshot, ${deletes} rounds`,
      `each deleted once, the rest kept (${after.length} left)`,
      started,
    );

    started = performance.now();
    for (let round = 0; round < 4; round++) {
      const [x, y] = await Promise.all([
        apiA.call('POST', '/api/config', { directory: `server-faults/a${round}` }),
        apiB.call('POST', '/api/config', { directory: `server-faults/b${round}` }),
      ]);
      expect([x.status, y.status]).toEqual([200, 200]);
      const [ca, cb] = [(await apiA.call('GET', '/api/config')).json, (await apiB.call('GET', '/api/config')).json];
      expect(ca.directory, `round ${round}: both servers use one location`).toBe(cb.directory);
      expect([`server-faults/a${round}`, `server-faults/b${round}`]).toContain(ca.directory);
      const j = await apiB.call('POST', '/api/jobs', { remarks: `after config race ${round}` });
      expect((await apiB.waitForJob(j.json.job_id)).status).toBe('SUCCEEDED');
      last.manifestId = 0n; // another location, its own manifest ids
      await checkInvariants(`config race ${round}`, apiA, meta, last);
    }
    record(
      'two servers changing the storage at once, 4 rounds',
      'both agree on one location each round, and back it up',
      started,
    );
  } finally {
    console.log(
      `server fault suite: ${table.length} faults, each followed by the invariant checker\n${table.join('\n')}`,
    );
    for (const server of [a, b]) if (server.child && server.child.exitCode === null) await server.stop('SIGKILL');
    await proxy.close();
    await meta.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
