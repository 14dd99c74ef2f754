// The Prisma client for the configured meta store. SQLite and PostgreSQL clients are
// generated from one schema, so they share one model API; the SQLite client's type names it.
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient as SqliteClient } from './generated/sqlite/client.ts';
import { PrismaClient as PostgresClient } from './generated/postgresql/client.ts';
import { databaseKind, databaseUrl, sqliteFilePath, type DatabaseKind } from './database-url.ts';

export type MetaClient = SqliteClient;
export { Prisma } from './generated/sqlite/client.ts';

export interface MetaStore {
  readonly url: string;
  readonly kind: DatabaseKind;
  readonly prisma: MetaClient;
  close(): Promise<void>;
}

export function openMetaStore(url: string = databaseUrl()): MetaStore {
  const kind = databaseKind(url);
  const prisma =
    kind === 'sqlite'
      ? new SqliteClient({ adapter: new PrismaBetterSQLite3({ url: `file:${sqliteFilePath(url)}` }) })
      : (new PostgresClient({ adapter: new PrismaPg({ connectionString: url }) }) as unknown as MetaClient);
  return { url, kind, prisma, close: () => prisma.$disconnect() };
}
