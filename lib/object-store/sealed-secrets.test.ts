// Sealed storage secrets: what the meta store and snapshots keep instead of a clear secret.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import {
  hasClearSecret,
  isSealed,
  sealSecret,
  sealStorageUrl,
  storageSecretKey,
  unsealSecret,
  unsealStorageUrl,
} from './sealed-secrets.ts';
import { isObjectStoreError } from './types.ts';
import { maskUrl, parseObjectStoreUrl } from './url.ts';

const key = storageSecretKey({ STORAGE_SECRET_KEY: 'unit test key' })!;
const otherKey = storageSecretKey({ STORAGE_SECRET_KEY: 'another key' })!;

describe('sealed storage secrets', () => {
  it('seal and unseal round trip, with a fresh IV each time and nothing of the secret left', () => {
    for (const secret of [
      'short-secret',
      'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      'with space:colon@at',
      'ünïcødé 🔑',
    ]) {
      const a = sealSecret(secret, key);
      const b = sealSecret(secret, key);
      assert.ok(isSealed(a) && a !== b, 'random IV');
      assert.ok(!a.includes(secret));
      assert.match(a, /^mbcsealed\.v1\.[A-Za-z0-9_-]+$/, 'safe in a URL, no ":" or "@"');
      assert.equal(unsealSecret(a, key), secret);
    }
  });

  it('refuses another key, an altered value and a missing key, saying what to do', () => {
    const sealed = sealSecret('topsecret', key);
    const refused = (why: RegExp) => (e: unknown) =>
      isObjectStoreError(e, 'INVALID_URL') &&
      why.test((e as Error).message) &&
      /STORAGE_SECRET_KEY/.test((e as Error).message);
    assert.throws(() => unsealSecret(sealed, otherKey), refused(/another key, or altered/));
    // A character in the middle carries only data bits (the last may carry padding bits, and
    // changing those alone changes nothing: this test failed now and then when it did).
    const at = Math.floor((sealed.length + 'mbcsealed.v1.'.length) / 2);
    const altered = sealed.slice(0, at) + (sealed[at] === 'A' ? 'B' : 'A') + sealed.slice(at + 1);
    assert.throws(() => unsealSecret(altered, key), refused(/another key, or altered/));
    assert.throws(() => unsealSecret('mbcsealed.v1.AAAA', key), refused(/too short/));
    assert.throws(() => unsealSecret(sealed, null), refused(/no STORAGE_SECRET_KEY/));
  });

  it('keeps a key file in the data directory, readable by its owner only, when no key is set', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mbc-key-'));
    const env = { CONSOLE_DATA_DIR: dir };
    assert.equal(storageSecretKey(env), null, 'not made by a reader');
    const made = storageSecretKey(env, { create: true })!;
    const file = path.join(dir, 'storage-secret-key');
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    assert.deepEqual(storageSecretKey(env), made, 'the same key next time');
    assert.deepEqual(
      storageSecretKey({ ...env, STORAGE_SECRET_KEY: 'set' }),
      storageSecretKey({ STORAGE_SECRET_KEY: 'set' }),
      'the environment wins',
    );
    fs.rmSync(dir, { recursive: true });
  });

  it('seals the secret of minio:// and hummock+minio:// URLs only, and the parser opens it again', () => {
    process.env.STORAGE_SECRET_KEY ??= 'unit test key';
    const url = 'minio://AKIA:p@ss:w rd@127.0.0.1:9000/bucket';
    const sealed = sealStorageUrl(url);
    assert.ok(!sealed.includes('p@ss:w rd') && !hasClearSecret(sealed) && hasClearSecret(url));
    assert.equal(sealStorageUrl(sealed), sealed, 'sealing twice changes nothing');
    assert.equal(unsealStorageUrl(sealed), url);
    assert.equal(maskUrl(sealed), 'minio://AKIA:****@127.0.0.1:9000/bucket');
    const parsed = parseObjectStoreUrl(sealed);
    assert.ok(parsed.scheme === 'minio' && parsed.secretKey === 'p@ss:w rd' && parsed.accessKey === 'AKIA');
    const state = sealStorageUrl('hummock+minio://k:s3cr3t@host:9000/hummock');
    assert.ok(state.startsWith('hummock+minio://k:mbcsealed.v1.') && state.endsWith('@host:9000/hummock'));
    for (const plain of ['fs:///data/x', 's3://bucket', 'memory', 'hummock+fs:///data', 'minio://k:@h:1/b'])
      assert.equal(sealStorageUrl(plain), plain);
  });
});
