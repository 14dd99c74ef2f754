// Parsing of backup and state store URLs, and the one function that masks their secrets.
import { isSealed, unsealSecret } from './sealed-secrets.ts';
import { ObjectStoreError } from './types.ts';

export type ObjectStoreLocation =
  | { scheme: 's3'; bucket: string }
  | { scheme: 'minio'; accessKey: string; secretKey: string; endpoint: string; bucket: string }
  | { scheme: 'fs'; path: string }
  | { scheme: 'memory' };

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

function invalid(message: string): never {
  throw new ObjectStoreError('INVALID_URL', message);
}

function checkBucket(bucket: string, url: string): string {
  if (!BUCKET.test(bucket) || bucket.includes('..')) {
    invalid(
      `invalid bucket name "${bucket}" in ${maskUrl(url)}: 3-63 characters of a-z, 0-9, '.' and '-', starting and ending with a letter or digit`,
    );
  }
  return bucket;
}

/** Parses `s3://bucket`, `minio://key:secret@host:port/bucket`, `fs://path` or `memory`. */
export function parseObjectStoreUrl(url: string): ObjectStoreLocation {
  const text = url.trim();
  if (text === '') invalid('the storage URL is empty');
  if (text === 'memory') return { scheme: 'memory' };
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text)?.[1]?.toLowerCase();
  if (!scheme)
    invalid(
      `"${maskUrl(text)}" is not a storage URL: expected s3://bucket, minio://key:secret@host:port/bucket, fs://path or memory`,
    );
  const rest = text.slice(scheme.length + 3);
  switch (scheme) {
    case 's3': {
      if (rest.includes('@') || rest.includes(':'))
        invalid(
          's3:// URLs take no credentials or endpoint: credentials and region come from the AWS environment (use minio:// for another endpoint)',
        );
      const bucket = rest.replace(/\/$/, '');
      if (bucket.includes('/'))
        invalid(`s3:// URLs name only a bucket, got "${rest}" (put the path in the storage directory)`);
      return { scheme: 's3', bucket: checkBucket(bucket, text) };
    }
    case 'minio': {
      const at = rest.lastIndexOf('@');
      if (at < 0) invalid(`minio:// URLs need credentials: minio://key:secret@host:port/bucket, got ${maskUrl(text)}`);
      const credentials = rest.slice(0, at);
      const colon = credentials.indexOf(':');
      if (colon <= 0 || colon === credentials.length - 1)
        invalid(
          `minio:// URLs need both an access key and a secret: minio://key:secret@host:port/bucket, got ${maskUrl(text)}`,
        );
      const hostAndBucket = rest.slice(at + 1);
      const slash = hostAndBucket.indexOf('/');
      if (slash < 0) invalid(`minio:// URL ${maskUrl(text)} names no bucket: minio://key:secret@host:port/bucket`);
      const host = hostAndBucket.slice(0, slash);
      const bucket = hostAndBucket.slice(slash + 1).replace(/\/$/, '');
      const hostMatch = /^(\[[0-9a-f:]+\]|[a-z0-9.-]+):(\d{1,5})$/i.exec(host);
      if (!hostMatch || Number(hostMatch[2]) < 1 || Number(hostMatch[2]) > 65535)
        invalid(`minio:// URL ${maskUrl(text)} needs host:port with a port from 1 to 65535, got "${host}"`);
      if (bucket.includes('/'))
        invalid(
          `minio:// URLs name only a bucket after the host, got "${bucket}" (put the path in the storage directory)`,
        );
      const secret = credentials.slice(colon + 1);
      return {
        scheme: 'minio',
        accessKey: decodeURIComponent(credentials.slice(0, colon)),
        // As the meta store and snapshots keep it: sealed (lib/object-store/sealed-secrets.ts).
        secretKey: isSealed(secret) ? unsealSecret(secret) : decodeURIComponent(secret),
        endpoint: `http://${host}`,
        bucket: checkBucket(bucket, text),
      };
    }
    case 'fs': {
      if (rest === '') invalid('fs:// URLs need a path: fs:///absolute/path or fs://relative/path');
      if (rest.includes('\0')) invalid('fs:// path contains a NUL byte');
      return { scheme: 'fs', path: rest };
    }
    default:
      return invalid(`unsupported storage scheme "${scheme}://": expected s3://, minio://, fs:// or memory`);
  }
}

/**
 * Masks every secret in a storage URL (the password in `user:password@`). Works on text that
 * is not a valid URL too, so it is safe on anything about to be shown or logged. The secret
 * runs to the last `@` before the next URL, whatever characters it holds (spaces included), as
 * the parser reads it: it may hide more than the secret, never less.
 */
export function maskUrl(text: string): string {
  const starts = [...text.matchAll(/[a-z][a-z0-9+.-]*:\/\//gi)].map((m) => m.index + m[0].length);
  let out = '';
  let pos = 0;
  starts.forEach((start, i) => {
    const limit = i + 1 < starts.length ? text.lastIndexOf(' ', starts[i + 1]!) : text.length;
    const segment = text.slice(start, Math.max(limit, start));
    const at = segment.lastIndexOf('@');
    const colon = segment.indexOf(':');
    if (at < 0 || colon < 0 || colon > at || /[/@]/.test(segment.slice(0, colon))) return;
    out += `${text.slice(pos, start)}${segment.slice(0, colon)}:${colon + 1 < at ? '****' : ''}@`;
    pos = start + at + 1;
  });
  return out + text.slice(pos);
}
