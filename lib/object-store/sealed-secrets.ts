// Storage secrets at rest. The secret of a storage URL (minio://key:SECRET@host:port/bucket, and
// hummock+minio:// state stores) is written to the meta store and into snapshots only sealed:
// `mbcsealed.v1.<base64url(iv | ciphertext | tag)>`, AES-256-GCM under STORAGE_SECRET_KEY (any
// text; when unset, a random key the console keeps in its data directory, readable by its owner
// only). A sealed URL is still a valid URL; the parser unseals it where a store is opened, so a
// snapshot restored elsewhere carries the reference and works wherever the same key is set.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { consoleDataDir } from '../auth/data-dir.ts';
import { ObjectStoreError } from './types.ts';

const PREFIX = 'mbcsealed.v1.';
const KEY_FILE = 'storage-secret-key';
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Schemes whose URLs carry a secret in `key:secret@`. */
const WITH_SECRET = /^((?:hummock\+)?minio):\/\//i;

type Env = Record<string, string | undefined>;

let cachedFileKey: { file: string; key: Buffer } | undefined;

/** The sealing key: STORAGE_SECRET_KEY hashed to 256 bits, or the data directory's key file (made on first use). */
export function storageSecretKey(env: Env = process.env, options: { create?: boolean } = {}): Buffer | null {
  const configured = env.STORAGE_SECRET_KEY;
  if (configured) return createHash('sha256').update(configured).digest();
  const file = path.join(consoleDataDir(env), KEY_FILE);
  if (cachedFileKey?.file === file) return cachedFileKey.key;
  let text: string | null = null;
  try {
    text = fs.readFileSync(file, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (text === null) {
    if (!options.create) return null;
    fs.mkdirSync(path.dirname(file), { recursive: true });
    try {
      fs.writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error; // another process made it first
    }
    text = fs.readFileSync(file, 'utf8').trim();
  }
  const key = createHash('sha256').update(text).digest();
  cachedFileKey = { file, key };
  return key;
}

export const isSealed = (secret: string): boolean => secret.startsWith(PREFIX);

export function sealSecret(secret: string, key: Buffer = storageSecretKey(process.env, { create: true })!): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const sealed = Buffer.concat([iv, cipher.update(secret, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return PREFIX + sealed.toString('base64url');
}

export function unsealSecret(sealed: string, key: Buffer | null = storageSecretKey()): string {
  const cannot = (why: string) =>
    new ObjectStoreError(
      'INVALID_URL',
      `cannot decrypt the storage secret: ${why}. Set STORAGE_SECRET_KEY to the key it was sealed with, or enter the storage URL with its secret again`,
    );
  if (!key) throw cannot('no STORAGE_SECRET_KEY is set and the console has no key file');
  const bytes = Buffer.from(sealed.slice(PREFIX.length), 'base64url');
  if (bytes.length < IV_BYTES + TAG_BYTES) throw cannot('the sealed value is too short');
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, IV_BYTES));
    decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
    return Buffer.concat([
      decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)),
      decipher.final(),
    ]).toString('utf8');
  } catch {
    throw cannot('it was sealed with another key, or altered');
  }
}

/** Where a URL's secret sits (as the parser reads it: up to the last '@'), or null when it has none. */
function secretSpan(url: string): { start: number; end: number } | null {
  const scheme = WITH_SECRET.exec(url);
  if (!scheme) return null;
  const restStart = scheme[0].length;
  const at = url.lastIndexOf('@');
  if (at < restStart) return null;
  const colon = url.indexOf(':', restStart);
  if (colon < 0 || colon > at || colon + 1 === at) return null;
  return { start: colon + 1, end: at };
}

/** The URL with its secret sealed (a URL without one, or already sealed, is returned as is). */
export function sealStorageUrl(url: string): string {
  const span = secretSpan(url);
  if (!span || isSealed(url.slice(span.start, span.end))) return url;
  return url.slice(0, span.start) + sealSecret(url.slice(span.start, span.end)) + url.slice(span.end);
}

/** The URL with a sealed secret opened again, for the code that connects with it. */
export function unsealStorageUrl(url: string): string {
  const span = secretSpan(url);
  if (!span || !isSealed(url.slice(span.start, span.end))) return url;
  return url.slice(0, span.start) + unsealSecret(url.slice(span.start, span.end)) + url.slice(span.end);
}

/** Whether a URL holds a secret in clear (what must never be written to the meta store or a snapshot). */
export function hasClearSecret(url: string): boolean {
  const span = secretSpan(url);
  return span !== null && !isSealed(url.slice(span.start, span.end));
}
