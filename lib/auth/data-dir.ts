// Where the console keeps its own files (the first admin's password, the auth secret):
// CONSOLE_DATA_DIR, or ./data beside the embedded meta store.
import path from 'node:path';
import { projectRoot } from '../meta/database-url.ts';

type Env = Record<string, string | undefined>;

export function consoleDataDir(env: Env = process.env): string {
  const configured = env.CONSOLE_DATA_DIR?.trim();
  return configured ? path.resolve(configured) : path.join(projectRoot, 'data');
}
