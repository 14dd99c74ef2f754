// Writes one object to standard output, as an operator's `download | pg_restore` would read it.
// Usage: node --import tsx bench/download-stdout.ts MINIO_URL KEY
import { pipeline } from 'node:stream/promises';
import { openObjectStore } from '../lib/object-store/index.ts';

const [url, key] = process.argv.slice(2);
const store = openObjectStore(url!);
await pipeline(await store.stream(key!), process.stdout);
await store.close();
