// Runs Prisma's CLI offline (WASM schema engine) and brings a meta store up to date.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { databaseKind, projectRoot, sqliteFilePath } from './database-url.ts';

const run = promisify(execFile);
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

export async function migrateMetaStore(url: string): Promise<void> {
  if (databaseKind(url) === 'sqlite') fs.mkdirSync(path.dirname(sqliteFilePath(url)), { recursive: true });
  try {
    await run(process.execPath, [prismaCliPath, 'migrate', 'deploy'], { cwd: projectRoot, env: prismaCliEnv({ DATABASE_URL: url }) });
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`migrating the meta store failed:\n${stderr || stdout}`.trim());
  }
}
