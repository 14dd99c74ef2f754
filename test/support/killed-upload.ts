// A process that starts uploading a snapshot object and never finishes, to be SIGKILLed by the
// test: what a killed job leaves behind. node --import tsx killed-upload.ts URL KEY
import { openObjectStore } from '../../lib/object-store/index.ts';

const [url, key] = process.argv.slice(2);
const store = openObjectStore(url!);
async function* endless() {
  // Five 8 MiB parts: with four in flight at most, the fifth waits until one has finished.
  // Then the body waits for the kill.
  for (let i = 0; i < 40; i++) yield new Uint8Array(1024 * 1024).fill(i);
  process.stdout.write('uploading\n');
  await new Promise(() => undefined);
}
await store.upload(key!, endless());
