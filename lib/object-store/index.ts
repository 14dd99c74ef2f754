// Builds the object store a URL names.
import path from 'node:path';
import { confineFsPath, fsStorageRoots } from './fs-roots.ts';
import { FsObjectStore } from './fs-store.ts';
import { MemoryObjectStore } from './memory-store.ts';
import { S3ObjectStore } from './s3-store.ts';
import type { ObjectStore } from './types.ts';
import { maskUrl, parseObjectStoreUrl } from './url.ts';

export * from './types.ts';
export { maskUrl, parseObjectStoreUrl, type ObjectStoreLocation } from './url.ts';

/**
 * `fs://` paths that are not absolute are resolved against `baseDir` (default: the working
 * directory) and must lie inside FS_STORAGE_ROOTS (lib/object-store/fs-roots.ts).
 */
export function openObjectStore(
  url: string,
  options: { baseDir?: string; fsRoots?: readonly string[] } = {},
): ObjectStore {
  const location = parseObjectStoreUrl(url);
  const displayUrl = maskUrl(url.trim());
  switch (location.scheme) {
    case 'memory':
      return new MemoryObjectStore();
    case 'fs':
      return new FsObjectStore(
        confineFsPath(
          path.resolve(options.baseDir ?? process.cwd(), location.path),
          options.fsRoots ?? fsStorageRoots(),
        ),
        displayUrl,
      );
    case 's3':
      return new S3ObjectStore({ bucket: location.bucket, displayUrl });
    case 'minio':
      return new S3ObjectStore({
        bucket: location.bucket,
        displayUrl,
        endpoint: location.endpoint,
        credentials: { accessKeyId: location.accessKey, secretAccessKey: location.secretKey },
        bareConditionalEtags: true,
      });
  }
}
