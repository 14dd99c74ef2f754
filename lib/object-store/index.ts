// Builds the object store a URL names.
import path from 'node:path';
import { FsObjectStore } from './fs-store.ts';
import { MemoryObjectStore } from './memory-store.ts';
import { S3ObjectStore } from './s3-store.ts';
import type { ObjectStore } from './types.ts';
import { maskUrl, parseObjectStoreUrl } from './url.ts';

export * from './types.ts';
export { maskUrl, parseObjectStoreUrl, type ObjectStoreLocation } from './url.ts';

/** `fs://` paths that are not absolute are resolved against `baseDir` (default: the working directory). */
export function openObjectStore(url: string, options: { baseDir?: string } = {}): ObjectStore {
  const location = parseObjectStoreUrl(url);
  const displayUrl = maskUrl(url.trim());
  switch (location.scheme) {
    case 'memory':
      return new MemoryObjectStore();
    case 'fs':
      return new FsObjectStore(path.resolve(options.baseDir ?? process.cwd(), location.path), displayUrl);
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
