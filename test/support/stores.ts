// The object store backends every storage test runs on: memory, fs:// and the real S3 server.
import { randomUUID } from 'node:crypto';
import { MemoryObjectStore } from '../../lib/object-store/memory-store.ts';
import { openObjectStore, type ObjectStore } from '../../lib/object-store/index.ts';
import { freshBucketUrl, freshDirectory } from './services.ts';

export interface StoreBackend {
  name: string;
  /** A URL for a fresh, empty location (memory: a fresh private store is returned by `open`). */
  freshUrl(): Promise<string>;
  open(url: string): ObjectStore;
}

const memoryStores = new Map<string, ObjectStore>();

export const storeBackends: StoreBackend[] = [
  {
    name: 'memory',
    freshUrl: async () => `memory#${randomUUID()}`,
    open: (url) => {
      let store = memoryStores.get(url);
      if (!store) {
        store = new MemoryObjectStore(new Map());
        memoryStores.set(url, store);
      }
      return store;
    },
  },
  { name: 'fs', freshUrl: async () => `fs://${freshDirectory()}`, open: (url) => openObjectStore(url) },
  { name: 's3 (radosgw)', freshUrl: freshBucketUrl, open: (url) => openObjectStore(url) },
];
