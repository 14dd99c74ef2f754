// One meta store connection per server process, kept on globalThis so that development
// reloads do not open a new pool each time.
import { openMetaStore, type MetaStore } from './client.ts';

const holder = globalThis as typeof globalThis & { __metaStore?: MetaStore };

export function getMetaStore(): MetaStore {
  holder.__metaStore ??= openMetaStore();
  return holder.__metaStore;
}

export async function closeMetaStore(): Promise<void> {
  const store = holder.__metaStore;
  holder.__metaStore = undefined;
  await store?.close();
}
