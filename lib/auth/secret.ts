// The key that signs session cookies and encrypts single sign-on tokens at rest:
// CONSOLE_AUTH_SECRET, or a random one made on first start in a file of the data folder that
// only its owner may read. Every process serving one meta store must share it.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { consoleDataDir } from './data-dir.ts';

type Env = Record<string, string | undefined>;

export function authSecret(env: Env = process.env): string {
  const configured = env.CONSOLE_AUTH_SECRET?.trim();
  if (configured) {
    if (configured.length < 32) throw new Error('CONSOLE_AUTH_SECRET must be at least 32 characters');
    return configured;
  }
  const file = path.join(consoleDataDir(env), 'auth-secret');
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const secret = randomBytes(48).toString('base64url');
  try {
    fs.writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
    return secret;
  } catch (error) {
    // Another process made it first: use theirs.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return fs.readFileSync(file, 'utf8').trim();
    throw error;
  }
}
