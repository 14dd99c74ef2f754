// Derives the PostgreSQL schema from the canonical SQLite one and generates both clients.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { prismaCliEnv, prismaCliPath } from '../lib/meta/migrate.ts';
import { derivePostgresSchema } from './derive-postgres-schema.ts';

const root = path.resolve(import.meta.dirname, '..');
const canonical = path.join(root, 'prisma/schema.prisma');
const derived = path.join(root, 'prisma/postgresql/schema.prisma');

fs.mkdirSync(path.dirname(derived), { recursive: true });
fs.writeFileSync(derived, derivePostgresSchema(fs.readFileSync(canonical, 'utf8')));
for (const schema of [canonical, derived]) {
  execFileSync(process.execPath, [prismaCliPath, 'generate', '--schema', schema], {
    stdio: 'inherit',
    env: prismaCliEnv(),
    cwd: root,
  });
}
