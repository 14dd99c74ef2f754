import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Prisma } from './generated/sqlite/client.ts';
import { EXCLUDED_MODELS, SNAPSHOT_SECTIONS } from './models.ts';

describe('model backup list', () => {
  it('lists every Prisma model exactly once, as backed up or excluded', () => {
    const backedUp = SNAPSHOT_SECTIONS.map((s) => s.model as string);
    const excluded = Object.keys(EXCLUDED_MODELS);
    const listed = [...backedUp, ...excluded];
    assert.equal(new Set(listed).size, listed.length, 'a model is listed twice');
    const models = Object.values(Prisma.ModelName) as string[];
    assert.deepEqual(
      models.filter((m) => !listed.includes(m)),
      [],
      'models neither backed up nor excluded',
    );
    assert.deepEqual(
      listed.filter((m) => !models.includes(m)),
      [],
      'listed models that do not exist',
    );
  });

  it('names each table once', () => {
    const tables = [...SNAPSHOT_SECTIONS.map((s) => s.table), ...Object.values(EXCLUDED_MODELS).map((e) => e.table)];
    assert.equal(new Set(tables).size, tables.length);
  });
});
