// The console's pages and GC routes timed under `next start` (a built console) on a meta store and
// its storage, signed in as a viewer for pages and with a read token for the API; the server's
// RSS (its process tree) polled meanwhile.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { processTree, treeRssMb } from './watched.ts';

const root = path.join(import.meta.dirname, '..');
const WARM_REQUESTS = 20;

export interface TimedFigure {
  name: string;
  /** The first request after the server started, ms. */
  firstMs: number | null;
  p95Ms: number | null;
  /** Its target for p95, ms. */
  targetMs: number;
  error: string | null;
}

export interface ConsoleFigures {
  figures: TimedFigure[];
  peakRssMb: number | null;
  error: string | null;
}

export interface ConsoleRequest {
  name: string;
  path: string;
  targetMs: number;
  /** A JSON body: POSTed with the token; otherwise a GET with the session cookie (pages) or the token (`/api/`). */
  body?: unknown;
}

/** An error response's or page's message, short: a JSON error's, the product's storage error in a page, or the kind of page. */
function errorOf(text: string): string {
  try {
    const { error } = JSON.parse(text) as { error: { code: string; message: string } };
    return `${error.code}: ${error.message}`.slice(0, 200);
  } catch {
    const storage = /backup storage: [^<"\\]{0,160}/.exec(text);
    return storage ? storage[0] : text.startsWith('<') ? 'an error page' : text.slice(0, 120);
  }
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

export async function measureConsole(options: {
  env: NodeJS.ProcessEnv;
  port: number;
  user: { username: string; password: string };
  token: string;
  requests: ConsoleRequest[];
  limitSeconds: number;
  rssLimitMb: number;
}): Promise<ConsoleFigures> {
  const origin = `http://127.0.0.1:${options.port}`;
  const server = spawn(
    process.execPath,
    [path.join(root, 'node_modules/next/dist/bin/next'), 'start', '-H', '127.0.0.1', '-p', String(options.port)],
    { cwd: root, env: options.env, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  server.stderr!.on('data', (d) => (stderr = (stderr + d).slice(-2000)));
  let exited = false;
  server.on('exit', () => (exited = true));
  let peakRssMb = 0;
  let overLimit = false;
  const poll = setInterval(() => {
    if (server.pid === undefined || exited) return;
    peakRssMb = Math.max(peakRssMb, treeRssMb(server.pid));
    if (peakRssMb > options.rssLimitMb) {
      overLimit = true;
      server.kill('SIGKILL');
    }
  }, 100);
  const failure = () =>
    overLimit
      ? `killed: RSS above ${options.rssLimitMb} MB`
      : exited
        ? `server exited: ${stderr.trim().split('\n').at(-1) ?? ''}`
        : null;
  try {
    let up = false;
    for (let waited = 0; waited < 60_000 && !exited; waited += 250) {
      up = await fetch(`${origin}/api/health`).then(
        (r) => r.ok,
        () => false,
      );
      if (up) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    if (!up) return { figures: [], peakRssMb: peakRssMb || null, error: failure() ?? 'did not start within 60 s' };
    const signIn = await fetch(`${origin}/api/auth/sign-in/username`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin },
      body: JSON.stringify(options.user),
    });
    const cookie = signIn.headers
      .getSetCookie()
      .find((c) => c.startsWith('mbc.session_token='))
      ?.split(';')[0];
    if (!cookie) return { figures: [], peakRssMb, error: `sign-in: HTTP ${signIn.status}` };
    const timed = async (request: ConsoleRequest): Promise<number> => {
      const api = request.path.startsWith('/api/');
      const started = performance.now();
      const response = await fetch(`${origin}${request.path}`, {
        method: request.body === undefined ? 'GET' : 'POST',
        headers: {
          ...(api ? { authorization: `Bearer ${options.token}` } : { cookie }),
          ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        // A redirect (to sign-in) is a failure, not a page to time.
        redirect: 'manual',
        signal: AbortSignal.timeout(options.limitSeconds * 1000),
      });
      const text = await response.text();
      if (response.status !== 200) throw new Error(`HTTP ${response.status}: ${errorOf(text)}`);
      // A page that cannot read the manifest still answers 200, with the error in a callout (or,
      // thrown while streaming, as an error boundary's digest): timing it would time the error.
      if (!api && /callout-error|data-dgst=/.test(text)) throw new Error(`the page shows an error: ${errorOf(text)}`);
      return performance.now() - started;
    };
    const figures: TimedFigure[] = [];
    for (const request of options.requests) {
      const figure: TimedFigure = {
        name: request.name,
        firstMs: null,
        p95Ms: null,
        targetMs: request.targetMs,
        error: null,
      };
      figures.push(figure);
      try {
        figure.firstMs = await timed(request);
        const warm: number[] = [];
        for (let i = 0; i < WARM_REQUESTS; i++) warm.push(await timed(request));
        figure.p95Ms = percentile(
          warm.sort((a, b) => a - b),
          95,
        );
      } catch (error) {
        figure.error = failure() ?? (error as Error).message.split('\n')[0]!.slice(0, 160);
      }
      if (exited) break;
    }
    return { figures, peakRssMb, error: failure() };
  } finally {
    clearInterval(poll);
    if (!exited) {
      // `next start` may run the server in a child: every process of the tree is stopped.
      const tree = server.pid === undefined ? [] : processTree(server.pid).slice(1);
      server.kill('SIGTERM');
      setTimeout(() => {
        for (const pid of tree) {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            // already gone
          }
        }
      }, 10_000).unref();
      await new Promise((resolve) => {
        const force = setTimeout(() => server.kill('SIGKILL'), 10_000);
        server.once('exit', () => resolve(clearTimeout(force)));
      });
    }
  }
}
