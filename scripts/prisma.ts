// Runs the Prisma CLI offline: `npm run prisma -- migrate status`.
import { spawnSync } from 'node:child_process';
import { projectRoot } from '../lib/meta/database-url.ts';
import { prismaCliEnv, prismaCliPath } from '../lib/meta/migrate.ts';

const result = spawnSync(process.execPath, [prismaCliPath, ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: prismaCliEnv(),
  cwd: projectRoot,
});
process.exit(result.status ?? 1);
