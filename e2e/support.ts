// What the browser tests do besides clicking: look at the meta store the console serves.
import type { Page, TestInfo } from '@playwright/test';
import Database from 'better-sqlite3';
import path from 'node:path';
import pg from 'pg';

export interface Target {
  name: string;
  databaseUrl: string;
  backupUrl: string;
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

/** Saves a screenshot; those of the first target go to docs/screenshots for the README. */
export async function screenshot(page: Page, info: TestInfo, name: string): Promise<void> {
  const file = info.project.name === 'sqlite-fs' ? path.join(import.meta.dirname, '..', 'docs', 'screenshots', `${name}.png`) : info.outputPath(`${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
}
