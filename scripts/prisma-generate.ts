// Derives the PostgreSQL schema from the canonical SQLite one and generates both clients.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { prismaCliEnv, prismaCliPath } from '../lib/meta/migrate.ts';

const root = path.resolve(import.meta.dirname, '..');
const canonical = path.join(root, 'prisma/schema.prisma');
const derived = path.join(root, 'prisma/postgresql/schema.prisma');

export function derivePostgresSchema(source: string): string {
  const out = source
    .replace('provider = "sqlite"', 'provider = "postgresql"')
    .replace('output       = "../lib/meta/generated/sqlite"', 'output       = "../../lib/meta/generated/postgresql"')
    .replace(/^\/\/ Canonical meta store schema[^\n]*\n(\/\/[^\n]*\n)*/, '// GENERATED from prisma/schema.prisma by scripts/prisma-generate.ts: do not edit.\n');
  if (!out.includes('provider = "postgresql"') || !out.includes('generated/postgresql')) {
    throw new Error('prisma/schema.prisma no longer has the provider/output lines this script rewrites');
  }
  return out;
}

fs.mkdirSync(path.dirname(derived), { recursive: true });
fs.writeFileSync(derived, derivePostgresSchema(fs.readFileSync(canonical, 'utf8')));
for (const schema of [canonical, derived]) {
  execFileSync(process.execPath, [prismaCliPath, 'generate', '--schema', schema], { stdio: 'inherit', env: prismaCliEnv(), cwd: root });
}
