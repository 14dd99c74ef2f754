// npm run migrate: applies pending migrations to the meta store named by DATABASE_URL.
import { databaseUrl } from '../lib/meta/database-url.ts';
import { migrateMetaStore, pendingMigrations } from '../lib/meta/migrate.ts';

const url = databaseUrl();
const pending = await pendingMigrations(url);
await migrateMetaStore(url);
console.log(pending.length ? `applied ${pending.join(', ')}` : 'the meta store is up to date');
