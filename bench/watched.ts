// A child process run under a time limit and a memory limit, its peak RSS measured: a process
// that runs out of either is killed and reported as a failed figure, never a crashed bench.
import { spawn } from 'node:child_process';
import fs from 'node:fs';

export interface Watched {
  seconds: number;
  /** The highest resident set size seen (VmHWM of the process, polled), in MB. */
  peakRssMb: number | null;
  stdout: string;
  /** Why it failed (exit code, signal, time or memory limit), or null. */
  error: string | null;
}

/** What a failed process said last: the message of its last JSON error or log line, else its last line. */
function reason(stderr: string): string {
  const messages = [...stderr.matchAll(/"(?:message|msg)":\s*"((?:[^"\\]|\\.)*)"/g)];
  const text = messages.at(-1)?.[1] ?? stderr.trim().split('\n').at(-1) ?? '';
  return text.slice(0, 200);
}

/** A /proc/PID/status field in kB, or null once the process is gone. */
export function procStatusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number | null {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

/** The process and its descendants, from /proc (children of each thread). */
export function processTree(pid: number): number[] {
  const all = [pid];
  for (let i = 0; i < all.length; i++) {
    let tasks: string[] = [];
    try {
      tasks = fs.readdirSync(`/proc/${all[i]}/task`);
    } catch {
      continue;
    }
    for (const task of tasks) {
      try {
        const children = fs.readFileSync(`/proc/${all[i]}/task/${task}/children`, 'utf8').trim();
        if (children) all.push(...children.split(' ').map(Number));
      } catch {
        // gone meanwhile
      }
    }
  }
  return all;
}

/** The summed RSS of a process tree now, in MB. */
export function treeRssMb(pid: number): number {
  return processTree(pid).reduce((sum, p) => sum + (procStatusKb(p, 'VmRSS') ?? 0), 0) / 1024;
}

/**
 * Runs `command` until it exits, killing it (SIGKILL) after `limitSeconds` or once its RSS passes
 * `rssLimitMb`. RSS is polled every 20 ms; its VmHWM is the kernel's own high-water mark, so only
 * growth in the last 20 ms before an exit can be missed.
 */
export function runWatched(
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; limitSeconds: number; rssLimitMb: number },
): Promise<Watched> {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(command, args, { env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let peakKb = 0;
    let killedFor: string | null = null;
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
    const kill = (why: string) => {
      killedFor ??= why;
      child.kill('SIGKILL');
    };
    const poll = setInterval(() => {
      if (child.pid === undefined) return;
      peakKb = Math.max(peakKb, procStatusKb(child.pid, 'VmHWM') ?? 0);
      if (peakKb / 1024 > options.rssLimitMb) kill(`killed: RSS above ${options.rssLimitMb} MB`);
    }, 20);
    const timer = setTimeout(
      () => kill(`killed: no exit within ${options.limitSeconds} s`),
      options.limitSeconds * 1000,
    );
    const finish = (error: string | null) => {
      clearInterval(poll);
      clearTimeout(timer);
      resolve({
        seconds: (performance.now() - started) / 1000,
        peakRssMb: peakKb ? peakKb / 1024 : null,
        stdout,
        error,
      });
    };
    child.on('error', (error) => finish(`could not start: ${error.message}`));
    child.on('close', (code, signal) => {
      if (killedFor) return finish(killedFor);
      if (code === 0) return finish(null);
      finish(`${signal ? `killed by ${signal}` : `exit ${code}`}${reason(stderr) ? `: ${reason(stderr)}` : ''}`);
    });
  });
}
