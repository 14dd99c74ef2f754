// Reads meta tables from one consistent, read-only snapshot of the database, each row as
// canonical JSON produced by the database itself (64-bit integers exact, booleans as
// true/false, timestamps as ISO-8601 UTC with milliseconds, JSON columns embedded). The same
// row gives the same JSON on SQLite and PostgreSQL. Bypasses Prisma: this is the bulk path.
import Database from 'better-sqlite3';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { databaseKind, sqliteFilePath } from './database-url.ts';
import type { RowBatch } from '../format/item-frame.ts';
import { binaryColumnType, binaryCopyAsFramedJson, type BinaryColumn } from './pg-binary-json.ts';
import { copyBinaryValues } from './pg-copy-binary.ts';

export interface ConsistentReader {
  readonly kind: 'sqlite' | 'postgresql';
  count(table: string): Promise<number>;
  /** Each row's JSON, in primary key order, in batches (framed as snapshot items on the bulk path). */
  rows(table: string): AsyncIterable<RowBatch>;
  /** Ends the read transaction and the connection. */
  close(): Promise<void>;
  /**
   * Drops the connection now, failing a read in progress: a COPY whose consumer stopped (an
   * aborted upload) would otherwise wait forever, and a COMMIT queued behind it too.
   */
  abort(): void;
}

interface Column {
  name: string;
  type: 'integer' | 'boolean' | 'timestamp' | 'json' | 'text' | 'real';
  pk: number;
  /** PostgreSQL only: how its binary COPY value is read, or null when `row_to_json` must. */
  binary?: BinaryColumn['type'] | null;
}

const quote = (identifier: string) => `"${identifier.replaceAll('"', '""')}"`;

function columnType(declared: string): Column['type'] {
  const t = declared.toLowerCase();
  if (t.includes('bool')) return 'boolean';
  if (t.includes('time') || t.includes('date')) return 'timestamp';
  if (t.includes('json')) return 'json';
  if (t.includes('int')) return 'integer';
  if (t.includes('real') || t.includes('double') || t.includes('numeric') || t.includes('float')) return 'real';
  return 'text';
}

function orderBy(columns: Column[]): string {
  const keys = columns.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk);
  return (keys.length ? keys : columns).map((c) => quote(c.name)).join(', ');
}

const ROWS_PER_YIELD = 2_000;

async function openSqlite(url: string): Promise<ConsistentReader> {
  const db = new Database(sqliteFilePath(url), { readonly: true, fileMustExist: true, timeout: 10_000 });
  // A read transaction in WAL mode sees one snapshot while writers go on.
  db.prepare('BEGIN').run();
  db.prepare('SELECT count(*) FROM sqlite_master').get(); // starts the snapshot now
  const columnsOf = (table: string): Column[] => {
    const info = db.prepare(`PRAGMA table_info(${quote(table)})`).all() as { name: string; type: string; pk: number }[];
    if (!info.length) throw new Error(`table ${table} does not exist`);
    return info.map((c) => ({ name: c.name, type: columnType(c.type), pk: c.pk }));
  };
  const expression = (c: Column) => {
    const col = quote(c.name);
    switch (c.type) {
      case 'boolean':
        return `CASE WHEN ${col} IS NULL THEN NULL WHEN ${col} THEN json('true') ELSE json('false') END`;
      case 'timestamp':
        return `strftime('%Y-%m-%dT%H:%M:%fZ', ${col})`;
      case 'json':
        return `json(${col})`;
      default:
        return col;
    }
  };
  return {
    kind: 'sqlite',
    async count(table) {
      columnsOf(table);
      return (db.prepare(`SELECT count(*) AS n FROM ${quote(table)}`).get() as { n: number }).n;
    },
    async *rows(table) {
      const columns = columnsOf(table);
      const select = `SELECT json_object(${columns.map((c) => `'${c.name}', ${expression(c)}`).join(', ')}) FROM ${quote(table)} ORDER BY ${orderBy(columns)}`;
      let batch: Uint8Array[] = [];
      for (const text of db.prepare(select).pluck().iterate() as Iterable<string>) {
        batch.push(Buffer.from(text));
        if (batch.length === ROWS_PER_YIELD) {
          yield batch;
          batch = [];
          // Give timers (heartbeats, progress) a turn: better-sqlite3 is synchronous.
          await new Promise((resolve) => setImmediate(resolve));
        }
      }
      if (batch.length) yield batch;
    },
    async close() {
      if (!db.open) return;
      if (db.inTransaction) db.prepare('COMMIT').run();
      db.close();
    },
    abort() {
      // Reads are synchronous between batches: nothing can be waiting on the database.
    },
  };
}

async function openPostgres(url: string): Promise<ConsistentReader> {
  const client = new pg.Client({ connectionString: url });
  let ended = false;
  // A dropped connection fails the query or COPY in progress, which reports it; without a
  // listener the client's 'error' event would end the whole process.
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    // A backup runs beside the live cluster: no parallel workers on the database's other cores.
    // They did not pay here either: count(*) over 1M SSTs 140 ms serial, 183-312 ms parallel.
    await client.query('SET LOCAL max_parallel_workers_per_gather = 0');
    await client.query('SELECT 1'); // the snapshot is taken at the first statement
  } catch (error) {
    await client.end();
    throw error;
  }
  const columnsOf = async (table: string): Promise<Column[]> => {
    const { rows } = await client.query<{ name: string; type: string; pk: number | null }>(
      `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, array_position(i.indkey::int2[], a.attnum) AS pk
         FROM pg_attribute a
         LEFT JOIN pg_index i ON i.indrelid = a.attrelid AND i.indisprimary
        WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped
        ORDER BY a.attnum`,
      [`public.${quote(table)}`],
    );
    if (!rows.length) throw new Error(`table ${table} does not exist`);
    return rows.map((c) => ({
      name: c.name,
      type: columnType(c.type),
      pk: c.pk ?? 0,
      binary: binaryColumnType(c.type),
    }));
  };
  const expression = (c: Column) => {
    const col = quote(c.name);
    if (c.type === 'timestamp') return `to_char(${col}, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS ${col}`;
    return col;
  };
  return {
    kind: 'postgresql',
    async count(table) {
      await columnsOf(table);
      const { rows } = await client.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${quote(table)}`);
      return Number(rows[0]!.n);
    },
    async *rows(table) {
      const columns = await columnsOf(table);
      if (columns.every((c) => c.binary)) {
        // The common case: the columns' binary values, made into JSON here. This moves the JSON
        // work off the live database, and reads 64-bit integers and instants without any
        // session setting (TimeZone) in between.
        const select = `SELECT ${columns.map((c) => quote(c.name)).join(', ')} FROM ${quote(table)} ORDER BY ${orderBy(columns)}`;
        const stream = client.query(copyTo(`COPY (${select}) TO STDOUT (FORMAT binary)`));
        yield* binaryCopyAsFramedJson(
          stream,
          columns.map((c) => ({ name: c.name, type: c.binary! })),
        );
        return;
      }
      const select = `SELECT row_to_json(x) FROM (SELECT ${columns.map(expression).join(', ')} FROM ${quote(table)} ORDER BY ${orderBy(columns)}) x`;
      const stream = client.query(copyTo(`COPY (${select}) TO STDOUT (FORMAT binary)`));
      yield* copyBinaryValues(stream);
    },
    async close() {
      if (ended) return;
      try {
        await client.query('COMMIT');
      } finally {
        ended = true;
        await client.end();
      }
    },
    abort() {
      if (ended) return;
      ended = true;
      client.end().catch(() => undefined);
    },
  };
}

export function openConsistentReader(url: string): Promise<ConsistentReader> {
  return databaseKind(url) === 'sqlite' ? openSqlite(url) : openPostgres(url);
}
