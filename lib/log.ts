// The structured log of the core: one JSON line per event on standard error (pino). Job events
// carry `jobId` and the `requestId` of the call that started the job; LOG_LEVEL sets the level.
import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

export function createLogger(options: { level?: string; destination?: DestinationStream } = {}): Logger {
  return pino(
    {
      level: options.level ?? process.env.LOG_LEVEL ?? 'info',
      base: { pid: process.pid },
      // Errors keep their message and code, not only "[object Object]".
      serializers: { err: pino.stdSerializers.err },
    },
    options.destination ?? pino.destination({ fd: 2, sync: true }),
  );
}

let shared: Logger | undefined;

/** This process's logger, made on first use. */
export function processLogger(): Logger {
  shared ??= createLogger();
  return shared;
}

/** The one-line text of an error, for log fields and job rows. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
