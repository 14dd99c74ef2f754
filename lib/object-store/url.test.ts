import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isObjectStoreError } from './types.ts';
import { maskUrl, parseObjectStoreUrl } from './url.ts';

function rejects(url: string, pattern: RegExp) {
  assert.throws(
    () => parseObjectStoreUrl(url),
    (error: unknown) =>
      isObjectStoreError(error, 'INVALID_URL') && pattern.test(error.message) && !error.message.includes('s3cr3t'),
  );
}

describe('parseObjectStoreUrl', () => {
  it('parses the four schemes', () => {
    assert.deepEqual(parseObjectStoreUrl('s3://my-bucket'), { scheme: 's3', bucket: 'my-bucket' });
    assert.deepEqual(parseObjectStoreUrl('minio://key:s3cr3t@127.0.0.1:9000/hummock001'), {
      scheme: 'minio',
      accessKey: 'key',
      secretKey: 's3cr3t',
      endpoint: 'http://127.0.0.1:9000',
      bucket: 'hummock001',
    });
    assert.deepEqual(parseObjectStoreUrl('minio://key:p%40ss%2Fw@minio.local:9000/b-1/'), {
      scheme: 'minio',
      accessKey: 'key',
      secretKey: 'p@ss/w',
      endpoint: 'http://minio.local:9000',
      bucket: 'b-1',
    });
    assert.deepEqual(parseObjectStoreUrl('fs:///var/backups'), { scheme: 'fs', path: '/var/backups' });
    assert.deepEqual(parseObjectStoreUrl('fs://data/backup'), { scheme: 'fs', path: 'data/backup' });
    assert.deepEqual(parseObjectStoreUrl(' memory '), { scheme: 'memory' });
  });

  it('gives a precise error for each kind of bad URL, without the secret', () => {
    rejects('', /empty/);
    rejects('backup', /not a storage URL/);
    rejects('gcs://bucket', /unsupported storage scheme "gcs:\/\/"/);
    rejects('s3://', /invalid bucket name ""/);
    rejects('s3://Bad_Bucket', /invalid bucket name "Bad_Bucket"/);
    rejects('s3://bucket/path', /name only a bucket/);
    rejects('s3://key:s3cr3t@bucket', /take no credentials/);
    rejects('minio://127.0.0.1:9000/bucket', /need credentials/);
    rejects('minio://key@127.0.0.1:9000/bucket', /both an access key and a secret/);
    rejects('minio://key:s3cr3t@127.0.0.1/bucket', /host:port/);
    rejects('minio://key:s3cr3t@127.0.0.1:70000/bucket', /port from 1 to 65535/);
    rejects('minio://key:s3cr3t@127.0.0.1:9000', /names no bucket/);
    rejects('minio://key:s3cr3t@127.0.0.1:9000/a/b', /name only a bucket/);
    rejects('fs://', /need a path/);
  });
});

describe('maskUrl', () => {
  it('masks the secret and keeps everything else', () => {
    assert.equal(maskUrl('minio://key:s3cr3t@127.0.0.1:9000/bucket'), 'minio://key:****@127.0.0.1:9000/bucket');
    assert.equal(
      maskUrl('hummock+minio://hummockadmin:hummockadmin@minio:9301/hummock001'),
      'hummock+minio://hummockadmin:****@minio:9301/hummock001',
    );
    assert.equal(maskUrl('s3://bucket'), 's3://bucket');
    assert.equal(maskUrl('fs:///data/backup'), 'fs:///data/backup');
    assert.equal(maskUrl('memory'), 'memory');
  });

  it('masks secrets containing @, / and : and inside longer text', () => {
    assert.equal(maskUrl('minio://k:a@b/c:d@host:1/bucket'), 'minio://k:****@host:1/bucket');
    assert.equal(
      maskUrl('failed to reach minio://k:pw@h:1/b and postgresql://u:pw2@db:5432/x'),
      'failed to reach minio://k:****@h:1/b and postgresql://u:****@db:5432/x',
    );
  });

  it('masks a secret whatever characters it holds, spaces and line breaks included', () => {
    for (const secret of [
      'SEC RET',
      'a\tb',
      'line\nbreak',
      ' lead',
      'trail ',
      'ünï cödé',
      'p@ss word',
      '%40enc',
      'x:y z',
    ]) {
      const url = `minio://KEY:${secret}@127.0.0.1:9000/bucket`;
      const masked = maskUrl(url);
      assert.equal(masked, 'minio://KEY:****@127.0.0.1:9000/bucket', JSON.stringify(secret));
      assert.equal(parseObjectStoreUrl(url).scheme, 'minio');
      assert.ok(
        !maskUrl(`backup storage: cannot read manifest.json in ${url}: connect ECONNREFUSED`).includes(secret.trim()),
        JSON.stringify(secret),
      );
    }
  });
});
