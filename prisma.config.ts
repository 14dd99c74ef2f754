// Prisma CLI configuration: the database URL's scheme picks schema, migrations and adapter.
// Migrations run through the WASM schema engine (`engine: 'js'`), which works offline.
import { defineConfig } from 'prisma/config';
import { databaseKind, databaseUrl, sqliteFilePath } from './lib/meta/database-url.ts';

const url = databaseUrl();
const kind = databaseKind(url);

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: kind === 'postgresql' ? 'prisma/postgresql/schema.prisma' : 'prisma/schema.prisma',
  migrations: { path: kind === 'postgresql' ? 'prisma/postgresql/migrations' : 'prisma/migrations' },
  async adapter() {
    if (kind === 'postgresql') {
      // 6.19's pg adapter cannot serve the CLI (a known bug); 7.x under an alias can,
      // given separate fields: a connection string would override the shadow database name.
      const { PrismaPg } = await import('@prisma/adapter-pg-cli');
      const u = new URL(url);
      return new PrismaPg({
        host: u.hostname,
        port: Number(u.port || 5432),
        user: decodeURIComponent(u.username),
        password: decodeURIComponent(u.password),
        database: u.pathname.slice(1),
        // Let the CLI exit as soon as it is done instead of waiting out idle connections.
        allowExitOnIdle: true,
        idleTimeoutMillis: 100,
      });
    }
    const { PrismaBetterSQLite3 } = await import('@prisma/adapter-better-sqlite3');
    return new PrismaBetterSQLite3({ url: `file:${sqliteFilePath(url)}` });
  },
});
