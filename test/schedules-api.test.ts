// The schedules routes, called as Next.js calls them, on SQLite and PostgreSQL: admins change
// schedules (each change audited), viewers read them, bad input changes nothing.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as one from '../app/api/schedules/[id]/route.ts';
import * as runs from '../app/api/schedules/[id]/runs/route.ts';
import * as list from '../app/api/schedules/route.ts';
import { createToken } from '../lib/auth/tokens.ts';
import { closeBackupManager } from '../lib/backup/process-manager.ts';
import { openMetaStore } from '../lib/meta/client.ts';
import { seededMetaStore } from './support/meta-fixtures.ts';
import { freshDirectory } from './support/services.ts';

type Handler<P> = (request: Request, context: { params: Promise<P> }) => Promise<Response>;

process.env.CONSOLE_ORIGIN = 'http://console.test';

async function call<P = Record<string, never>>(
  handler: Handler<P>,
  token: string,
  options: { method?: string; path?: string; body?: unknown; params?: P } = {},
) {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  const init: RequestInit = { method: options.method ?? 'GET', headers };
  if (options.body !== undefined) {
    init.body = JSON.stringify(options.body);
    headers['content-type'] = 'application/json';
  }
  const response = await handler(new Request(`http://console.test${options.path ?? '/'}`, init), {
    params: Promise.resolve((options.params ?? {}) as P),
  });
  return { status: response.status, body: (await response.json()) as any };
}

for (const kind of ['sqlite', 'postgresql'] as const) {
  describe(`schedules API: ${kind}`, () => {
    let admin = '';
    let viewer = '';
    let url = '';
    before(async () => {
      const meta = await seededMetaStore(
        kind,
        { url: `fs://${freshDirectory()}`, directory: 'backup' },
        { relations: 2, ssts: 5 },
      );
      url = meta.url;
      process.env.DATABASE_URL = url;
      admin = (await createToken(meta.prisma, { name: 'admin', scope: 'admin' }, { actor: 'test' })).token;
      viewer = (await createToken(meta.prisma, { name: 'viewer', scope: 'read' }, { actor: 'test' })).token;
      await meta.close();
    });
    after(() => closeBackupManager());

    it('adds, lists with next runs, changes and removes a schedule, each change audited', async () => {
      const created = await call(list.POST, admin, {
        method: 'POST',
        body: { name: 'nightly', cron: '0 2 * * *', timeZone: 'Europe/Berlin', verify: true },
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assert.equal(created.body.name, 'nightly');
      assert.equal(created.body.remarks, 'scheduled {name} {date} {time}');
      assert.equal(created.body.nextRuns.length, 5);
      for (const at of created.body.nextRuns) assert.match(at, /T0[01]:00:00\.000Z$/, '02:00 in Berlin');
      const id = String(created.body.id);

      const listed = await call(list.GET, viewer);
      assert.equal(listed.status, 200);
      assert.deepEqual(
        listed.body.schedules.map((s: { name: string; lastRun: unknown }) => [s.name, s.lastRun]),
        [['nightly', null]],
      );

      const paused = await call(one.PATCH, admin, { method: 'PATCH', params: { id }, body: { enabled: false } });
      assert.equal(paused.status, 200);
      assert.equal(paused.body.enabled, false);
      assert.deepEqual(paused.body.nextRuns, [], 'a disabled schedule has no next runs');
      assert.deepEqual((await call(runs.GET, viewer, { params: { id } })).body, { runs: [] });

      const removed = await call(one.DELETE, admin, { method: 'DELETE', params: { id } });
      assert.deepEqual([removed.status, removed.body], [200, { ok: true }]);
      assert.equal((await call(runs.GET, viewer, { params: { id } })).status, 404);

      const meta = openMetaStore(url);
      const audit = await meta.prisma.auditEvent.findMany({
        where: { action: { startsWith: 'schedule.' } },
        orderBy: { id: 'asc' },
      });
      await meta.close();
      assert.deepEqual(
        audit.map((a) => [a.action, a.result, a.actor]),
        [
          ['schedule.create', 'ok', 'token:admin'],
          ['schedule.update', 'ok', 'token:admin'],
          ['schedule.delete', 'ok', 'token:admin'],
        ],
      );
    });

    it('refuses viewers, bad cron expressions, zones, templates and duplicates, changing nothing', async () => {
      const refused = await call(list.POST, viewer, { method: 'POST', body: { name: 'v', cron: '0 2 * * *' } });
      assert.equal(refused.status, 403);
      for (const [body, message] of [
        [{ name: 'x', cron: '0 2 * *' }, /^cron: a cron expression has five fields/],
        [{ name: 'x', cron: '0 2 * * *', timeZone: 'Mars/Olympus' }, /^timeZone: .*not a time zone/],
        [{ name: 'x', cron: '0 2 * * *', remarks: '{nmae}' }, /^remarks: unknown placeholder \{nmae\}/],
        [{ name: '../x', cron: '0 2 * * *' }, /^name: /],
      ] as const) {
        const answer = await call(list.POST, admin, { method: 'POST', body });
        assert.equal(answer.status, 400, JSON.stringify(body));
        assert.match(answer.body.error.message, message);
      }
      assert.equal(
        (await call(list.POST, admin, { method: 'POST', body: { name: 'dup', cron: '@daily' } })).status,
        201,
      );
      const duplicate = await call(list.POST, admin, { method: 'POST', body: { name: 'dup', cron: '@hourly' } });
      assert.deepEqual([duplicate.status, duplicate.body.error.code], [409, 'CONFLICT']);
      const bad = await call(one.PATCH, admin, { method: 'PATCH', params: { id: 'abc' }, body: { enabled: true } });
      assert.equal(bad.status, 400);
      const unknown = await call(one.PATCH, admin, {
        method: 'PATCH',
        params: { id: '999999' },
        body: { enabled: true },
      });
      assert.equal(unknown.status, 404);
      const schedules = (await call(list.GET, viewer)).body.schedules;
      assert.deepEqual(
        schedules.map((s: { name: string; cron: string }) => [s.name, s.cron]),
        [['dup', '@daily']],
      );
    });
  });
}
