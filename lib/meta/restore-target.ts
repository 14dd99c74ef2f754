// Writes meta rows into an empty meta store inside one transaction, from the JSON each row was
// backed up as. 64-bit values never pass through JavaScript numbers: SQLite parses the JSON
// itself (json_each); for PostgreSQL each row becomes a line of COPY text, its numbers copied as
// digits, streamed while the next rows are decoded.
import Database from 'better-sqlite3';
import { once } from 'node:events';
import fs from 'node:fs';
import type { Writable } from 'node:stream';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { databaseKind, sqliteFilePath } from './database-url.ts';
import { applyMigrationsInTransaction, isUnmigratedPostgres } from './migrate.ts';
import { copyTextEncoder, CopyTextBuffer, type CopyColumn } from './pg-copy-text.ts';

export interface RestoreTarget {
  readonly kind: 'sqlite' | 'postgresql';
  /** Row counts of the given tables; a table that does not exist counts as empty. */
  rowCounts(tables: readonly string[]): Promise<Record<string, number>>;
  /** True when begin() creates the schema itself: a PostgreSQL database never migrated. */
  createsSchema(): Promise<boolean>;
  /**
   * Starts the transaction. PostgreSQL applies the migrations in it when the database was never
   * migrated, and sets indexes and constraints aside until the commit.
   */
  begin(): Promise<void>;
  /**
   * Inserts rows (each one JSON object of column values) into a table. Rows may still be in
   * flight when it returns; their errors surface by the next call that needs them done.
   */
  insert(table: string, rows: readonly Uint8Array[]): Promise<void>;
  deleteAll(table: string): Promise<void>;
  /** Sets a system parameter's value; false when no such row exists. */
  setSystemParameter(name: string, value: string): Promise<boolean>;
  /** Moves serial sequences past the restored ids (PostgreSQL; SQLite tracks AUTOINCREMENT itself). */
  fixSerialSequences(): Promise<void>;
  /** Rebuilds what begin() set aside (checking every row against it), then commits. */
  commit(): Promise<void>;
  rollback(): Promise<void>;
  close(): Promise<void>;
}

const quote = (identifier: string) => `"${identifier.replaceAll('"', '""')}"`;
const joinRows = (rows: readonly Uint8Array[]) =>
  `[${rows.map((r) => Buffer.from(r.buffer, r.byteOffset, r.byteLength).toString('utf8')).join(',')}]`;

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
      list = open()
        .prepare(`PRAGMA table_info(${quote(table)})`)
        .all() as { name: string; type: string }[];
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
    async createsSchema() {
      return false;
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
        if (/json/i.test(c.type))
          return `CASE WHEN json_type(value, ${path}) = 'null' THEN NULL ELSE value -> ${path} END`;
        // DATETIME is text here: written as Prisma writes it ('…+00:00', not the snapshot's '…Z'),
        // so restored rows and rows written later sort and compare as one form.
        if (c.type === 'DATETIME')
          return `(SELECT CASE WHEN t LIKE '%Z' THEN substr(t, 1, length(t) - 1) || '+00:00' ELSE t END FROM (SELECT json_extract(value, ${path}) AS t))`;
        return `json_extract(value, ${path})`;
      });
      open()
        .prepare(
          `INSERT INTO ${quote(table)} (${cols.map((c) => quote(c.name)).join(', ')}) SELECT ${values.join(', ')} FROM json_each(?)`,
        )
        .run(joinRows(rows));
    },
    async deleteAll(table) {
      open()
        .prepare(`DELETE FROM ${quote(table)}`)
        .run();
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

interface OpenCopy {
  table: string;
  stream: Writable;
  encode: (row: Uint8Array, out: CopyTextBuffer) => void;
  done: Promise<void>;
}

async function openPostgres(url: string): Promise<RestoreTarget> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  let copy: OpenCopy | null = null;
  const text = new CopyTextBuffer();
  let setAside: string[] = [];

  const startCopy = async (table: string): Promise<OpenCopy> => {
    const { rows } = await client.query<{ column_name: string; data_type: string }>(
      "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position",
      [table],
    );
    const columns: CopyColumn[] = rows.map((r) => ({
      name: r.column_name,
      json: r.data_type === 'json' || r.data_type === 'jsonb',
    }));
    const stream = client.query(
      copyFrom(`COPY ${quote(table)} (${columns.map((c) => quote(c.name)).join(', ')}) FROM STDIN`),
    );
    const done = new Promise<void>((resolve, reject) => {
      stream.on('finish', resolve);
      stream.on('error', reject);
    });
    done.catch(() => undefined); // awaited by finishCopy or the next write
    return { table, stream, encode: copyTextEncoder(table, columns), done };
  };
  const finishCopy = async () => {
    if (!copy) return;
    const open = copy;
    copy = null;
    open.stream.end();
    await open.done;
  };
  // Every other statement waits for the open COPY: the connection runs one at a time.
  const query = async (sql: string, values?: unknown[]) => {
    await finishCopy();
    return client.query(sql, values);
  };

  return {
    kind: 'postgresql',
    async rowCounts(tables) {
      const out: Record<string, number> = {};
      for (const table of tables) {
        const { rows } = await query('SELECT to_regclass($1) IS NOT NULL AS exists', [`public.${quote(table)}`]);
        out[table] = rows[0]!.exists
          ? Number((await query(`SELECT count(*)::text AS n FROM ${quote(table)}`)).rows[0]!.n)
          : 0;
      }
      return out;
    },
    async createsSchema() {
      await finishCopy();
      return isUnmigratedPostgres(client);
    },
    async begin() {
      await query('BEGIN');
      if (await isUnmigratedPostgres(client)) await applyMigrationsInTransaction(client);
      // As pg_restore does: load into bare tables, then build each index in one sort and check
      // each foreign key in one join, instead of per row. Transactional DDL keeps it atomic.
      const { rows } = await query(
        `SELECT c.conrelid::regclass::text AS table_name, c.conname, c.contype, pg_get_constraintdef(c.oid) AS definition
           FROM pg_constraint c
          WHERE c.connamespace = 'public'::regnamespace AND c.contype IN ('p', 'u', 'f') AND c.conrelid <> 'public._prisma_migrations'::regclass
          ORDER BY c.contype = 'f' DESC`,
      );
      const { rows: indexes } = await query(
        `SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS definition
           FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
          WHERE t.relnamespace = 'public'::regnamespace AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)`,
      );
      for (const c of rows) await query(`ALTER TABLE ${c.table_name} DROP CONSTRAINT ${quote(c.conname)}`);
      for (const index of indexes) await query(`DROP INDEX ${index.name}`);
      // Rebuilt keys first, then plain indexes, then the foreign keys that need the keys.
      setAside = [
        ...rows
          .filter((c) => c.contype !== 'f')
          .map((c) => `ALTER TABLE ${c.table_name} ADD CONSTRAINT ${quote(c.conname)} ${c.definition}`),
        ...indexes.map((index) => index.definition as string),
        ...rows
          .filter((c) => c.contype === 'f')
          .map((c) => `ALTER TABLE ${c.table_name} ADD CONSTRAINT ${quote(c.conname)} ${c.definition}`),
      ];
    },
    async insert(table, rows) {
      if (!rows.length) return;
      if (copy?.table !== table) {
        await finishCopy();
        copy = await startCopy(table);
      }
      for (const row of rows) copy.encode(row, text);
      if (!copy.stream.write(text.take())) await Promise.race([once(copy.stream, 'drain'), copy.done]);
    },
    async deleteAll(table) {
      await query(`DELETE FROM ${quote(table)}`);
    },
    async setSystemParameter(name, value) {
      return ((await query('UPDATE system_parameter SET value = $1 WHERE name = $2', [value, name])).rowCount ?? 0) > 0;
    },
    async fixSerialSequences() {
      const { rows } = await query(
        `SELECT c.table_name, c.column_name, pg_get_serial_sequence(quote_ident(c.table_name), c.column_name) AS sequence
           FROM information_schema.columns c
          WHERE c.table_schema = 'public' AND pg_get_serial_sequence(quote_ident(c.table_name), c.column_name) IS NOT NULL`,
      );
      for (const row of rows) {
        // is_called = false when the table is empty, so the next id is 1 again.
        await query(
          `SELECT setval($1, COALESCE((SELECT max(${quote(row.column_name)}) FROM ${quote(row.table_name)}), 1), (SELECT count(*) > 0 FROM ${quote(row.table_name)}))`,
          [row.sequence],
        );
      }
    },
    async commit() {
      for (const statement of setAside) await query(statement);
      setAside = [];
      await query('COMMIT');
    },
    async rollback() {
      setAside = [];
      await finishCopy().catch(() => undefined); // its error is what is being rolled back
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
