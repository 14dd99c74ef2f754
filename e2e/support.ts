// What the browser tests do besides clicking: look at the meta store the console serves.
import type { Page, TestInfo } from '@playwright/test';
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';

export interface Target {
  name: string;
  databaseUrl: string;
  backupUrl: string;
  dataDir: string;
}

export const targetOf = (info: TestInfo) => info.project.metadata as Target;

/** Changes a system parameter behind the console's back, as another process (or an operator) would. */
export async function setSystemParameter(target: Target, name: string, value: string): Promise<void> {
  if (target.databaseUrl.startsWith('file:')) {
    const db = new Database(target.databaseUrl.slice('file:'.length));
    try {
      db.prepare('UPDATE system_parameter SET value = ? WHERE name = ?').run(value, name);
    } finally {
      db.close();
    }
    return;
  }
  const client = new pg.Client({ connectionString: target.databaseUrl });
  await client.connect();
  try {
    await client.query('UPDATE system_parameter SET value = $1 WHERE name = $2', [value, name]);
  } finally {
    await client.end();
  }
}

/** The id the next backup job (and its snapshot) will get: the meta store's `meta_backup` sequence. */
export async function nextBackupId(target: Target): Promise<bigint> {
  const sql = "SELECT seq FROM hummock_sequence WHERE name = 'meta_backup'";
  if (target.databaseUrl.startsWith('file:')) {
    const db = new Database(target.databaseUrl.slice('file:'.length), { readonly: true });
    try {
      return BigInt((db.prepare(sql).safeIntegers().get() as { seq: bigint }).seq);
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: target.databaseUrl });
  await client.connect();
  try {
    return BigInt((await client.query(sql)).rows[0].seq);
  } finally {
    await client.end();
  }
}

/** Saves a screenshot; those of the first target go to docs/screenshots for the README. */
export async function screenshot(page: Page, info: TestInfo, name: string): Promise<void> {
  const file =
    info.project.name === 'sqlite-fs'
      ? path.join(import.meta.dirname, '..', 'docs', 'screenshots', `${name}.png`)
      : info.outputPath(`${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
}

/** The password the console printed for its first admin, as an operator reads it off the server. */
export function firstAdminPassword(target: Target): string {
  return fs.readFileSync(path.join(target.dataDir, 'admin-password'), 'utf8').trim();
}

/** Signs in through the sign-in page and lands on `next`. */
export async function signIn(page: Page, username: string, password: string): Promise<void> {
  await page.getByLabel('User name').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByTestId('user-menu').waitFor();
}
