// Runs Prisma's CLI offline (WASM schema engine) and brings a meta store up to date; a restore
// into a never-migrated PostgreSQL database applies the same files inside its own transaction.
import { spawn } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { databaseKind, projectRoot, sqliteFilePath } from './database-url.ts';

export const prismaCliPath = path.join(projectRoot, 'node_modules/prisma/build/index.js');
const engineStub = path.join(projectRoot, 'scripts/prisma-engine-stub.cjs');

/** The CLI looks for native engines at start; the stub keeps it from downloading them. */
export function prismaCliEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    ...extra,
    PRISMA_SCHEMA_ENGINE_BINARY: engineStub,
    PRISMA_QUERY_ENGINE_LIBRARY: engineStub,
    PRISMA_ENGINES_CHECKSUM_IGNORE_MISSING: '1',
    CHECKPOINT_DISABLE: '1',
    PRISMA_HIDE_UPDATE_MESSAGE: '1',
  };
}

function migrationsFolder(url: string): string {
  return path.join(
    projectRoot,
    databaseKind(url) === 'postgresql' ? 'prisma/postgresql/migrations' : 'prisma/migrations',
  );
}

const APPLIED_SQL =
  'SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL';

async function appliedMigrations(url: string): Promise<Set<string>> {
  try {
    if (databaseKind(url) === 'sqlite') {
      const file = sqliteFilePath(url);
      if (!fs.existsSync(file)) return new Set();
      const db = new Database(file, { readonly: true, fileMustExist: true });
      try {
        return new Set(
          db
            .prepare(APPLIED_SQL)
            .all()
            .map((r) => (r as { migration_name: string }).migration_name),
        );
      } finally {
        db.close();
      }
    }
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return new Set((await client.query<{ migration_name: string }>(APPLIED_SQL)).rows.map((r) => r.migration_name));
    } finally {
      await client.end();
    }
  } catch {
    return new Set(); // no migrations table yet (or unreadable): let the CLI decide and report
  }
}

export async function pendingMigrations(url: string): Promise<string[]> {
  const applied = await appliedMigrations(url);
  const all = fs
    .readdirSync(migrationsFolder(url), { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name);
  return all.filter((name) => !applied.has(name)).sort();
}

/**
 * Applies pending migrations. Skips the CLI when none are pending: its schema engine holds
 * the process for about 10 s after a PostgreSQL run.
 */
export async function migrateMetaStore(url: string): Promise<void> {
  if (databaseKind(url) === 'sqlite') {
    fs.mkdirSync(path.dirname(sqliteFilePath(url)), { recursive: true });
    checkSqliteFile(sqliteFilePath(url));
  }
  if ((await pendingMigrations(url)).length > 0) await deployMigrations(url);
  if (databaseKind(url) === 'sqlite') {
    // WAL lets a backup read one consistent snapshot while the cluster keeps writing.
    const db = new Database(sqliteFilePath(url));
    try {
      db.pragma('journal_mode = WAL');
    } finally {
      db.close();
    }
  }
}

/**
 * An existing file must be a readable SQLite database: Prisma's schema engine reports an
 * unreadable or foreign file only as "External error id#0" under a page of output.
 */
function checkSqliteFile(file: string): void {
  if (!fs.existsSync(file)) return;
  try {
    const db = new Database(file, { fileMustExist: true });
    try {
      db.pragma('schema_version');
    } finally {
      db.close();
    }
  } catch (error) {
    throw new MetaStoreError(`cannot open the meta store ${file}: ${(error as Error).message}`, { cause: error });
  }
}

/** The meta store cannot be opened or migrated: a message to show as is, without a stack. */
export class MetaStoreError extends Error {
  override readonly name = 'MetaStoreError';
}

const APPLIED = /All migrations have been successfully applied|No pending migrations to apply/;

/**
 * `prisma migrate deploy`. Its WASM schema engine leaves a 10 s timer behind after a
 * PostgreSQL run, so the CLI is stopped once it has reported success: by then every
 * migration is committed and recorded.
 */
function deployMigrations(url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [prismaCliPath, 'migrate', 'deploy'], {
      cwd: projectRoot,
      env: prismaCliEnv({ DATABASE_URL: url }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let succeeded = false;
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      if (!succeeded && APPLIED.test(output)) {
        succeeded = true;
        child.kill('SIGTERM');
      }
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', reject);
    child.on('close', (code) => {
      if (succeeded || code === 0) resolve();
      else
        reject(
          new MetaStoreError(
            `migrating the meta store failed: ${
              output
                .split('\n')
                .find((line) => /^Error\b/.test(line.trim()))
                ?.trim() ?? `prisma migrate deploy exited with ${code}`
            }`,
            { cause: new Error(output) },
          ),
        );
    });
  });
}

/** Prisma's migration history table, exactly as `prisma migrate deploy` creates it on PostgreSQL. */
const PRISMA_HISTORY_TABLE = `CREATE TABLE "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT,
  "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

/** True when a PostgreSQL database has never been migrated (no Prisma history table). */
export async function isUnmigratedPostgres(client: pg.Client): Promise<boolean> {
  const { rows } = await client.query<{ missing: boolean }>(
    "SELECT to_regclass('public._prisma_migrations') IS NULL AS missing",
  );
  return rows[0]!.missing;
}

/**
 * Applies every migration to a never-migrated PostgreSQL database on `client`, inside the
 * caller's transaction, and records each in Prisma's history as `migrate deploy` does (the
 * checksum is the file's SHA-256), so Prisma finds nothing pending. A restore uses it: schema
 * and rows commit or roll back together, and the CLI's two-second start is saved.
 */
export async function applyMigrationsInTransaction(client: pg.Client): Promise<void> {
  const folder = path.join(projectRoot, 'prisma/postgresql/migrations');
  const names = fs
    .readdirSync(folder, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  await client.query(PRISMA_HISTORY_TABLE);
  for (const name of names) {
    const sql = fs.readFileSync(path.join(folder, name, 'migration.sql'));
    await client.query(sql.toString('utf8'));
    await client.query(
      'INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, started_at, applied_steps_count) VALUES ($1, $2, now(), $3, now(), 1)',
      [randomUUID(), createHash('sha256').update(sql).digest('hex'), name],
    );
  }
}
