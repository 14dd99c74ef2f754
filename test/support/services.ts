// The real services the integration tests run against, started by `npm test`
// (scripts/test.sh): a private PostgreSQL and Ceph's radosgw, both on loopback.
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

function required(name: string): string {
  const value = process.env[name];
  if (!value)
    throw new Error(`${name} is not set: run the tests with \`npm test\`, which starts PostgreSQL and the S3 server`);
  return value;
}

export function s3Endpoint(): string {
  return required('S3_ENDPOINT');
}

/** A new, empty bucket on the test S3 server, as a minio:// URL. */
export async function freshBucketUrl(): Promise<string> {
  const endpoint = new URL(s3Endpoint());
  const accessKeyId = required('S3_ACCESS_KEY');
  const secretAccessKey = required('S3_SECRET_KEY');
  const bucket = `test-${randomUUID().slice(0, 18)}`;
  const client = new S3Client({
    endpoint: endpoint.origin,
    forcePathStyle: true,
    region: 'us-east-1',
    credentials: { accessKeyId, secretAccessKey },
  });
  try {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
  } finally {
    client.destroy();
  }
  return `minio://${accessKeyId}:${secretAccessKey}@${endpoint.host}/${bucket}`;
}

export function freshDirectory(prefix = 'mbc-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A new PostgreSQL database copied from the migrated template that `npm test` prepares. */
export async function freshPostgresUrl(): Promise<string> {
  const admin = new URL(required('TEST_POSTGRES_URL'));
  const name = `test_${randomUUID().replaceAll('-', '').slice(0, 20)}`;
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name} TEMPLATE ${required('TEST_POSTGRES_TEMPLATE')}`);
  } finally {
    await client.end();
  }
  admin.pathname = `/${name}`;
  return admin.toString();
}

/** A new SQLite meta store copied from the migrated template that `npm test` prepares. */
export function freshSqliteUrl(): string {
  const file = path.join(freshDirectory('mbc-sqlite-'), 'meta.db');
  fs.copyFileSync(required('TEST_SQLITE_TEMPLATE'), file);
  return `file:${file}`;
}

/** One fresh, migrated, empty meta store of each kind. */
export async function freshMetaStoreUrls(): Promise<{ kind: 'sqlite' | 'postgresql'; url: string }[]> {
  return [
    { kind: 'sqlite', url: freshSqliteUrl() },
    { kind: 'postgresql', url: await freshPostgresUrl() },
  ];
}

/** Runs `use` with a connected client on `url`, and closes it whatever happens. */
export async function withPgClient<T>(url: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

/** The tables in a PostgreSQL database's public schema, sorted. */
export function postgresTableNames(url: string): Promise<string[]> {
  return withPgClient(url, async (client) =>
    (
      await client.query<{ name: string }>(
        "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY 1",
      )
    ).rows.map((r) => r.name),
  );
}
