// A Clock that moves only when a test says: leases, heartbeats and retries without real sleeps.
import type { Clock, Repeating } from '../../lib/clock.ts';

interface Timer {
  at: number;
  every: number | null;
  fire: () => void;
  stopped: boolean;
}

export class ManualClock implements Clock {
  private time: number;
  private readonly timers: Timer[] = [];

  constructor(start = new Date('2026-01-01T00:00:00Z')) {
    this.time = start.getTime();
  }

  now(): Date {
    return new Date(this.time);
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const timer: Timer = { at: this.time + ms, every: null, fire: resolve, stopped: false };
      signal?.addEventListener('abort', () => {
        timer.stopped = true;
        reject(signal.reason);
      });
      this.timers.push(timer);
    });
  }

  every(ms: number, tick: () => void): Repeating {
    const timer: Timer = { at: this.time + ms, every: ms, fire: tick, stopped: false };
    this.timers.push(timer);
    return {
      stop: () => {
        timer.stopped = true;
      },
    };
  }

  /** Moves time forward, firing each timer due on the way in order. */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const due = this.timers.filter((t) => !t.stopped && t.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.time = due.at;
      if (due.every === null) due.stopped = true;
      else due.at += due.every;
      due.fire();
    }
    this.time = end;
    for (let i = this.timers.length - 1; i >= 0; i--) if (this.timers[i]!.stopped) this.timers.splice(i, 1);
  }

  /** Timers waiting (repeating ones included). */
  get pending(): number {
    return this.timers.filter((t) => !t.stopped).length;
  }
}
