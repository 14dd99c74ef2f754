// Which meta store to use: DATABASE_URL, or the embedded SQLite file under ./data/.
import path from 'node:path';

export type DatabaseKind = 'sqlite' | 'postgresql';

// Inside Next's server bundle import.meta.dirname is undefined; `next start` runs in the root.
export const projectRoot = import.meta.dirname ? path.resolve(import.meta.dirname, '../..') : process.cwd();
export const defaultDatabaseUrl = `file:${path.join(projectRoot, 'data', 'meta.db')}`;

export function databaseUrl(env: NodeJS.ProcessEnv = process.env): string {
  return env.DATABASE_URL?.trim() || defaultDatabaseUrl;
}

export function databaseKind(url: string): DatabaseKind {
  if (url.startsWith('file:')) return 'sqlite';
  if (/^postgres(ql)?:\/\//.test(url)) return 'postgresql';
  throw new Error(
    `DATABASE_URL must start with file: (SQLite) or postgresql:// (PostgreSQL), got "${url.split(':')[0]}:..."`,
  );
}

/** Path of a `file:` URL, resolved against the project root like Prisma's CLI would against prisma/. */
export function sqliteFilePath(url: string): string {
  const file = url.slice('file:'.length).split('?')[0]!;
  return path.isAbsolute(file) ? file : path.resolve(projectRoot, file);
}
