// Every page declares to requirePageRole the same role the root layout enforces for its path,
// and sign-in is the only page anyone may see.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { pageRole } from '../app/_lib/page-roles.ts';

const app = path.resolve(import.meta.dirname, '../app');

function pages(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory() ? pages(path.join(dir, e.name)) : e.name === 'page.tsx' ? [path.join(dir, e.name)] : [],
    );
}

describe('page roles', () => {
  it('match between each page and the layout', () => {
    const seen: string[] = [];
    for (const file of pages(app)) {
      // Route groups, "(name)", are not part of the path.
      const route =
        `/${path.relative(app, path.dirname(file))}`.replace(/\/\([^)]+\)/g, '').replace(/\[(\w+)\]/g, '1') || '/';
      const declared = /requirePageRole\('(\w+)'\)/.exec(fs.readFileSync(file, 'utf8'))?.[1] ?? 'public';
      assert.equal(
        declared,
        pageRole(route),
        `${path.relative(app, file)} declares ${declared}, the layout enforces ${pageRole(route)}`,
      );
      seen.push(route);
    }
    assert.deepEqual(
      seen.filter((r) => pageRole(r) === 'public'),
      ['/sign-in'],
    );
    assert.ok(seen.length >= 12);
  });

  it('fall back to viewer for a path no rule names, and match paths with a query or trailing slash', () => {
    assert.equal(pageRole('/something-new'), 'viewer');
    assert.equal(pageRole('/users/'), 'admin');
    assert.equal(pageRole('/snapshots/diff/'), 'operator');
    assert.equal(pageRole('/sign-in-elsewhere'), 'viewer');
  });
});
