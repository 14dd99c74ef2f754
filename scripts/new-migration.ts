// npm run new-migration -- NAME: writes migrations for both databases from the difference
// between the committed canonical schema (git HEAD) and the working copy.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from '../lib/meta/database-url.ts';
import { prismaCliEnv, prismaCliPath } from '../lib/meta/migrate.ts';
import { derivePostgresSchema } from './derive-postgres-schema.ts';

const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error('usage: npm run new-migration -- NAME (lower case, digits, underscores)');
  process.exit(2);
}
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mbc-migration-'));
const committed = execFileSync('git', ['show', 'HEAD:prisma/schema.prisma'], { cwd: projectRoot, encoding: 'utf8' });
const current = fs.readFileSync(path.join(projectRoot, 'prisma/schema.prisma'), 'utf8');
const schemas = {
  sqlite: { old: committed, new: current, folder: 'prisma/migrations' },
  postgresql: {
    old: derivePostgresSchema(committed),
    new: derivePostgresSchema(current),
    folder: 'prisma/postgresql/migrations',
  },
};
for (const [kind, { old, new: next, folder }] of Object.entries(schemas)) {
  const from = path.join(tmp, `${kind}-old.prisma`);
  const to = path.join(tmp, `${kind}-new.prisma`);
  fs.writeFileSync(from, old);
  fs.writeFileSync(to, next);
  const sql = execFileSync(
    process.execPath,
    [prismaCliPath, 'migrate', 'diff', '--from-schema-datamodel', from, '--to-schema-datamodel', to, '--script'],
    {
      cwd: projectRoot,
      env: prismaCliEnv(),
      encoding: 'utf8',
    },
  );
  const existing = fs
    .readdirSync(path.join(projectRoot, folder))
    .filter((d) => /^\d{4}_/.test(d))
    .sort();
  const number = String(existing.length + 1).padStart(4, '0');
  const dir = path.join(projectRoot, folder, `${number}_${name}`);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'migration.sql'),
    sql
      .split('\n')
      .filter((l) => !l.startsWith('Loaded Prisma config'))
      .join('\n'),
  );
  console.log(`wrote ${path.relative(projectRoot, dir)}/migration.sql`);
}
