// The first admin: on the first start with no console user, `admin` is made with a random
// password, printed once and written to a file of the data folder that only its owner may read
// (as Argo CD and Jenkins do); CONSOLE_ADMIN_PASSWORD sets the password instead.
import fs from 'node:fs';
import path from 'node:path';
import { isBackupError } from '../backup/errors.ts';
import type { MetaClient } from '../meta/client.ts';
import { consoleDataDir } from './data-dir.ts';
import { countUsers, createUser } from './users.ts';

type Env = Record<string, string | undefined>;

export const FIRST_ADMIN = 'admin';

export function firstAdminPasswordFile(env: Env = process.env): { path: string; exists: boolean } {
  const file = path.join(consoleDataDir(env), 'admin-password');
  return { path: file, exists: fs.existsSync(file) };
}

export async function ensureFirstAdmin(
  prisma: MetaClient,
  env: Env = process.env,
  print: (line: string) => void = console.log,
): Promise<{ created: boolean }> {
  if ((await countUsers(prisma)) > 0) return { created: false };
  const configured = env.CONSOLE_ADMIN_PASSWORD || undefined;
  let password: string;
  try {
    ({ password } = await createUser(
      prisma,
      { username: FIRST_ADMIN, role: 'admin', password: configured },
      { actor: 'system:first-start' },
    ));
  } catch (error) {
    if (isBackupError(error, 'CONFLICT')) return { created: false }; // another process made it first
    throw error;
  }
  if (configured) {
    print(`Created the console user "${FIRST_ADMIN}" (admin) with the password from CONSOLE_ADMIN_PASSWORD.`);
    return { created: true };
  }
  const file = firstAdminPasswordFile(env).path;
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  fs.writeFileSync(file, `${password}\n`, { mode: 0o600 });
  fs.chmodSync(file, 0o600); // an existing file keeps its mode on write
  print(
    [
      '',
      '  Created the console user "admin" (role admin). Its password, shown this once:',
      '',
      `      ${password}`,
      '',
      `  It is also in ${file} (readable by its owner only). Sign in, then change it`,
      '  under Account; add users on the Users page or with `npm run ctl -- user add`.',
      '',
    ].join('\n'),
  );
  return { created: true };
}

/** Removes the first admin's password file once that password has been changed. */
export function forgetFirstAdminPassword(env: Env = process.env): void {
  fs.rmSync(firstAdminPasswordFile(env).path, { force: true });
}
