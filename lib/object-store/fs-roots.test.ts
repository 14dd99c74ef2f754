// fs:// stores stay inside FS_STORAGE_ROOTS: absolute paths, `..`, symbolic links and pseudo
// file systems are refused before anything is written.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { confineFsPath, fsStorageRoots } from './fs-roots.ts';
import { openObjectStore } from './index.ts';
import { isObjectStoreError } from './types.ts';

const refused = (e: unknown) => isObjectStoreError(e, 'INVALID_URL');

describe('fs:// storage roots', () => {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'mbc-roots-')));
  const roots = fsStorageRoots({ FS_STORAGE_ROOTS: root });

  it('opens a store inside a root, however the path is written', () => {
    assert.equal(confineFsPath(path.join(root, 'backup'), roots), path.join(root, 'backup'));
    assert.equal(confineFsPath(path.join(root, 'a/../backup'), roots), path.join(root, 'backup'));
    assert.equal(confineFsPath(root, roots), root);
  });

  it('refuses /etc, the file system root, .. out of the root and a prefix look-alike, writing nothing', () => {
    for (const target of ['/etc', '/', path.join(root, '..'), path.join(root, '../etc'), `${root}-sibling`]) {
      assert.throws(() => confineFsPath(target, roots), refused, target);
    }
    assert.throws(() => openObjectStore('fs:///etc', { fsRoots: roots }), refused);
    assert.throws(() => openObjectStore(`fs://${root}/../../etc`, { fsRoots: roots }), refused);
    assert.equal(fs.existsSync('/etc/.mbc-tmp'), false);
  });

  it('follows symbolic links before deciding: a link out of the root is refused', () => {
    fs.symlinkSync('/etc', path.join(root, 'etc-link'));
    assert.throws(() => confineFsPath(path.join(root, 'etc-link'), roots), refused);
    assert.throws(() => confineFsPath(path.join(root, 'etc-link/ssh'), roots), refused);
    fs.mkdirSync(path.join(root, 'inside'));
    fs.symlinkSync(path.join(root, 'inside'), path.join(root, 'inside-link'));
    assert.equal(confineFsPath(path.join(root, 'inside-link'), roots), path.join(root, 'inside'));
  });

  it('refuses a key of an open store that a symbolic link leads outside it', async () => {
    const storeDir = path.join(root, 'store');
    fs.mkdirSync(storeDir);
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'mbc-outside-'));
    fs.symlinkSync(outside, path.join(storeDir, 'escape'));
    const store = openObjectStore(`fs://${storeDir}`, { fsRoots: roots });
    await assert.rejects(store.put('escape/manifest.json', 'x'), (e: unknown) => isObjectStoreError(e, 'INVALID_KEY'));
    await assert.rejects(store.deleteMany(['escape/victim']), (e: unknown) => isObjectStoreError(e, 'INVALID_KEY'));
    assert.deepEqual(fs.readdirSync(outside), []);
    await store.put('ok/manifest.json', 'x');
    assert.equal(new TextDecoder().decode((await store.get('ok/manifest.json')).body), 'x');
    await store.close();
  });

  it('refuses pseudo file systems at once, as a location or as a root', () => {
    const started = Date.now();
    for (const target of ['/proc/self', '/proc/self/fd', '/sys/kernel', '/dev/shm/x'])
      assert.throws(() => confineFsPath(target, [...roots, '/proc', '/sys', '/dev']), refused, target);
    assert.throws(() => fsStorageRoots({ FS_STORAGE_ROOTS: '/proc/self' }), refused);
    assert.throws(() => fsStorageRoots({ FS_STORAGE_ROOTS: '/' }), refused);
    assert.ok(Date.now() - started < 2000);
  });

  it('defaults to ./data of the working directory, and takes a colon-separated list', () => {
    assert.deepEqual(fsStorageRoots({}, root), [path.join(root, 'data')]);
    const second = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'mbc-roots2-')));
    assert.deepEqual(fsStorageRoots({ FS_STORAGE_ROOTS: `${root}:${second}` }), [root, second]);
  });
});
