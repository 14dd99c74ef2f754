// Writes meta rows into an empty meta store inside one transaction, from the JSON each row was
// backed up as. The database parses the JSON (PostgreSQL's json_populate_recordset, SQLite's
// json_each), so 64-bit values never pass through JavaScript numbers.
import Database from 'better-sqlite3';
import fs from 'node:fs';
import pg from 'pg';
import { databaseKind, sqliteFilePath } from './database-url.ts';

export interface RestoreTarget {
  readonly kind: 'sqlite' | 'postgresql';
  /** Row counts of the given tables; a table that does not exist counts as empty. */
  rowCounts(tables: readonly string[]): Promise<Record<string, number>>;
  begin(): Promise<void>;
  /** Inserts rows (each one JSON object of column values) into a table. */
  insert(table: string, rows: readonly Uint8Array[]): Promise<void>;
  deleteAll(table: string): Promise<void>;
  /** Sets a system parameter's value; false when no such row exists. */
  setSystemParameter(name: string, value: string): Promise<boolean>;
  /** Moves serial sequences past the restored ids (PostgreSQL; SQLite tracks AUTOINCREMENT itself). */
  fixSerialSequences(): Promise<void>;
  commit(): Promise<void>;
  rollback(): Promise<void>;
  close(): Promise<void>;
}

const quote = (identifier: string) => `"${identifier.replaceAll('"', '""')}"`;
const joinRows = (rows: readonly Uint8Array[]) => `[${rows.map((r) => Buffer.from(r.buffer, r.byteOffset, r.byteLength).toString('utf8')).join(',')}]`;

function openSqlite(url: string): RestoreTarget {
  const file = sqliteFilePath(url);
  // Opening creates the file: a target that does not exist yet is empty, and stays untouched.
  const existed = fs.existsSync(file);
  let opened: Database.Database | undefined;
  const open = () => (opened ??= new Database(file, { timeout: 10_000 }));
  const columns = new Map<string, { name: string; type: string }[]>();
  const columnsOf = (table: string) => {
    let list = columns.get(table);
    if (!list) {
      list = open().prepare(`PRAGMA table_info(${quote(table)})`).all() as { name: string; type: string }[];
      columns.set(table, list);
    }
    return list;
  };
  return {
    kind: 'sqlite',
    async rowCounts(tables) {
      const out: Record<string, number> = {};
      if (!existed && !opened) return Object.fromEntries(tables.map((t) => [t, 0]));
      const db = open();
      for (const table of tables) {
        const exists = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(table);
        out[table] = exists ? (db.prepare(`SELECT count(*) AS n FROM ${quote(table)}`).get() as { n: number }).n : 0;
      }
      return out;
    },
    async begin() {
      open().exec('BEGIN IMMEDIATE');
    },
    async insert(table, rows) {
      if (!rows.length) return;
      const cols = columnsOf(table);
      const values = cols.map((c) => {
        const path = `'$.${c.name.replaceAll("'", "''")}'`;
        // JSON columns keep their JSON text (`->`); `json_extract` would unwrap a JSON string.
        return /json/i.test(c.type) ? `CASE WHEN json_type(value, ${path}) = 'null' THEN NULL ELSE value -> ${path} END` : `json_extract(value, ${path})`;
      });
      open().prepare(`INSERT INTO ${quote(table)} (${cols.map((c) => quote(c.name)).join(', ')}) SELECT ${values.join(', ')} FROM json_each(?)`).run(joinRows(rows));
    },
    async deleteAll(table) {
      open().prepare(`DELETE FROM ${quote(table)}`).run();
    },
    async setSystemParameter(name, value) {
      return open().prepare('UPDATE system_parameter SET value = ? WHERE name = ?').run(value, name).changes > 0;
    },
    async fixSerialSequences() {},
    async commit() {
      open().exec('COMMIT');
    },
    async rollback() {
      if (opened?.inTransaction) opened.exec('ROLLBACK');
    },
    async close() {
      opened?.close();
      opened = undefined;
    },
  };
}

async function openPostgres(url: string): Promise<RestoreTarget> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return {
    kind: 'postgresql',
    async rowCounts(tables) {
      const out: Record<string, number> = {};
      for (const table of tables) {
        const { rows } = await client.query<{ exists: boolean }>('SELECT to_regclass($1) IS NOT NULL AS exists', [`public.${quote(table)}`]);
        out[table] = rows[0]!.exists ? Number((await client.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${quote(table)}`)).rows[0]!.n) : 0;
      }
      return out;
    },
    async begin() {
      await client.query('BEGIN');
    },
    async insert(table, rows) {
      if (!rows.length) return;
      await client.query(`INSERT INTO ${quote(table)} SELECT * FROM json_populate_recordset(NULL::${quote(table)}, $1::json)`, [joinRows(rows)]);
    },
    async deleteAll(table) {
      await client.query(`DELETE FROM ${quote(table)}`);
    },
    async setSystemParameter(name, value) {
      return ((await client.query('UPDATE system_parameter SET value = $1 WHERE name = $2', [value, name])).rowCount ?? 0) > 0;
    },
    async fixSerialSequences() {
      const { rows } = await client.query<{ table_name: string; column_name: string; sequence: string }>(
        `SELECT c.table_name, c.column_name, pg_get_serial_sequence(quote_ident(c.table_name), c.column_name) AS sequence
           FROM information_schema.columns c
          WHERE c.table_schema = 'public' AND pg_get_serial_sequence(quote_ident(c.table_name), c.column_name) IS NOT NULL`,
      );
      for (const row of rows) {
        // is_called = false when the table is empty, so the next id is 1 again.
        await client.query(`SELECT setval($1, COALESCE((SELECT max(${quote(row.column_name)}) FROM ${quote(row.table_name)}), 1), (SELECT count(*) > 0 FROM ${quote(row.table_name)}))`, [row.sequence]);
      }
    },
    async commit() {
      await client.query('COMMIT');
    },
    async rollback() {
      await client.query('ROLLBACK').catch(() => undefined);
    },
    async close() {
      await client.end();
    },
  };
}

export function openRestoreTarget(url: string): Promise<RestoreTarget> {
  return databaseKind(url) === 'sqlite' ? Promise.resolve(openSqlite(url)) : openPostgres(url);
}
