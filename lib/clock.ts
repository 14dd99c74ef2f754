// Time, injected: the core asks a Clock for "now", for waits and for repeating timers, so tests
// of leases, heartbeats and retries move time forward instead of sleeping.

export interface Repeating {
  stop(): void;
}

export interface Clock {
  now(): Date;
  /** Resolves after `ms`; rejects with the signal's reason once it aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Calls `tick` every `ms` until stopped. */
  every(ms: number, tick: () => void): Repeating;
}

export const systemClock: Clock = {
  now: () => new Date(),
  sleep: (ms, signal) =>
    new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
  every: (ms, tick) => {
    const timer = setInterval(tick, ms);
    return { stop: () => clearInterval(timer) };
  },
};
