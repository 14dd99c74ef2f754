// Typed errors of the backup core. Expected ones carry a code that callers map to a message
// shown as is; anything else is unexpected.
export type BackupErrorCode =
  | 'CONCURRENT_JOB'
  | 'TOO_MANY_SNAPSHOTS'
  | 'STORAGE_UNAVAILABLE'
  | 'META_STORE_UNAVAILABLE'
  | 'NOT_FOUND'
  | 'INVALID_CONFIG'
  | 'INVALID_INPUT'
  | 'CHECKSUM_MISMATCH'
  | 'CORRUPT_SNAPSHOT'
  | 'CORRUPT_MANIFEST'
  | 'MANIFEST_CONFLICT'
  | 'MANIFEST_REGRESSED'
  | 'UNSUPPORTED_FORMAT'
  | 'CONFLICT'
  | 'CANCELLED'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'RATE_LIMITED';

export class BackupError extends Error {
  override readonly name = 'BackupError';
  constructor(
    readonly code: BackupErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * By name and code rather than `instanceof`: a bundler may load this module more than once
 * (Next.js does, per server layer), and each copy has its own class.
 */
export function isBackupError(error: unknown, code?: BackupErrorCode): error is BackupError {
  const e = error as BackupError | undefined;
  return (
    e instanceof Error &&
    e.name === 'BackupError' &&
    typeof e.code === 'string' &&
    (code === undefined || e.code === code)
  );
}
