// The bad-input suite: every route handler and server action of the console, called over HTTP
// against `next start` by an admin (the caller who may do the most) with malformed ids, bodies,
// storage URLs and directories. Each call must be refused with a 4xx and a clear message (or,
// where the input names nothing, change nothing), and the console's state (manifest, storage
// objects, jobs, settings, users, tokens) must be exactly as before. Prints a table of input ×
// outcome.
import { expect, request as playwrightRequest, test, type APIRequestContext } from '@playwright/test';
import fs from 'node:fs';
import { createToken } from '../lib/auth/tokens.ts';
import { createUser } from '../lib/auth/users.ts';
import { openMetaStore } from '../lib/meta/client.ts';
import { MetaSnapshotStorage } from '../lib/backup/snapshot-storage.ts';
import { listAll, openObjectStore } from '../lib/object-store/index.ts';
import { snapshotBody, snapshotMetadata } from '../test/support/snapshots.ts';
import { actionsInApp, actionsInBuild, routesInApp } from './app-surface';
import { targetOf, type Target } from './support';

const U64_PLUS_ONE = '18446744073709551616';
const BAD_IDS = ['abc', '-1', '1.5', '0x10', '1e3', U64_PLUS_ONE, '9'.repeat(400), '%00', '%20%201', '1;DROP'];

/** Storage locations an outside tester tried (fs escapes, pseudo file systems, web ports, junk). */
function badLocations(consolePort: number, outside: string): { url: unknown; directory: unknown }[] {
  return [
    { url: 'fs:///etc', directory: 'x' },
    { url: 'fs:///', directory: 'etc/ssh' },
    { url: 'fs:///proc/self', directory: 'x' },
    { url: 'fs:///sys', directory: 'x' },
    { url: `fs://${outside}`, directory: 'x' },
    { url: 'fs://../../../../etc', directory: 'x' },
    { url: `minio://k:TOPSECRET@127.0.0.1:${consolePort}/bucket`, directory: 'x' },
    { url: 'minio://k:TOPSECRET@127.0.0.1:1/bucket', directory: 'x' },
    { url: 'minio://k:TOPSECRET@127.0.0.1:99999/bucket', directory: 'x' },
    { url: 'minio://127.0.0.1:9000/bucket', directory: 'x' },
    { url: 'http://example.com/bucket', directory: 'x' },
    { url: 's3://Bad_Bucket', directory: 'x' },
    { url: '', directory: 'x' },
    { url: 5, directory: 'x' },
    { url: 'fs://data', directory: '../escape' },
    { url: 'fs://data', directory: 'a//b' },
    { url: 'fs://data', directory: 'a/./b' },
    { url: 'fs://data', directory: 'a\u0000b' },
    { url: 'fs://data', directory: 'x'.repeat(600) },
    { url: 'fs://data', directory: '' },
  ];
}

/** Alert channels an outside tester tried: other schemes (SSRF), credentials, header injection, junk. */
function badAlertChannels(consolePort: number): unknown[] {
  return [
    { name: 'f', kind: 'webhook', target: 'file:///etc/passwd' },
    { name: 'g', kind: 'webhook', target: `gopher://127.0.0.1:${consolePort}/_GET` },
    { name: 'j', kind: 'slack', target: 'javascript:alert(1)' },
    { name: 'd', kind: 'webhook', target: 'data:text/plain,x' },
    { name: 'u', kind: 'webhook', target: `http://admin:pw@127.0.0.1:${consolePort}/` },
    { name: 'l', kind: 'webhook', target: `https://example.test/${'x'.repeat(3000)}` },
    { name: 's', kind: 'slack', target: 'https://hooks.example.test/x', secret: 'only for webhooks' },
    { name: 'w', kind: 'webhook', target: 'https://hooks.example.test/x', secret: 'short' },
    { name: 'e', kind: 'email', target: 'a@b.test\r\nBcc: everyone@b.test' },
    { name: 'e2', kind: 'email', target: 'not an address' },
    { name: 'bad name!', kind: 'email', target: 'a@b.test' },
    { name: '', kind: 'email', target: 'a@b.test' },
    { name: 'k', kind: 'pager', target: 'a@b.test' },
    { name: 'v', kind: 'email', target: 'a@b.test', events: ['job.exploded'] },
    { name: 'v2', kind: 'email', target: 'a@b.test', events: 'job.failed' },
    { name: 'x', kind: 'email', target: 'a@b.test', extra: true },
    {},
    null,
  ];
}

interface Call {
  what: string;
  /** A route: method, path, and a body (a string is sent as is). */
  route?: { method: string; path: string; body?: unknown; contentType?: string };
  /** A server action: "file#export" and its argument. */
  action?: { key: string; input: unknown };
  /** A call whose input names nothing may answer OK as long as it changes nothing. */
  noOpAllowed?: boolean;
}

function routeCalls(consolePort: number, outside: string): Call[] {
  const calls: Call[] = [];
  const add = (
    what: string,
    method: string,
    p: string,
    body?: unknown,
    extra: Partial<Call> & { contentType?: string } = {},
  ) =>
    calls.push({
      what,
      route: { method, path: p, body, contentType: extra.contentType },
      noOpAllowed: extra.noOpAllowed,
    });
  for (const id of BAD_IDS) {
    add(`job id ${id}`, 'GET', `/api/jobs/${id}`);
    add(`cancel job ${id}`, 'POST', `/api/jobs/${id}/cancel`);
    add(`snapshot id ${id}`, 'GET', `/api/snapshots/${id}`);
    add(`SSTs of snapshot ${id}`, 'GET', `/api/snapshots/${id}/ssts`);
    add(`download snapshot ${id}`, 'GET', `/api/snapshots/${id}/download`);
    add(`drill snapshot ${id}`, 'POST', `/api/snapshots/${id}/drill`);
    add(`delete snapshot ${id}`, 'DELETE', `/api/snapshots/${id}`);
    add(`keep snapshot ${id}`, 'PUT', `/api/snapshots/${id}/keep`, { reason: 'x' });
    add(`unkeep snapshot ${id}`, 'DELETE', `/api/snapshots/${id}/keep`);
  }
  add('keep an unknown snapshot', 'PUT', '/api/snapshots/999999/keep', {});
  add('unkeep a snapshot never kept', 'DELETE', '/api/snapshots/999999/keep', undefined, { noOpAllowed: true });
  for (const body of [
    { reason: 'bell \u0007' },
    { reason: 'x'.repeat(501) },
    { reason: 'bad \ud800 surrogate' },
    { reason: 5 },
    { reason: 'x', extra: true },
    [],
    null,
  ])
    add(`keep with ${JSON.stringify(body)?.slice(0, 40)}`, 'PUT', '/api/snapshots/900001/keep', body);
  for (const body of [
    { keepLast: 0 },
    { keepDays: -1 },
    { keepDaily: 1.5 },
    { keepWeekly: '3' },
    { keepMonthly: 10_001 },
    { keepDays: 36_501 },
    { keep_last: 3 },
    [],
    null,
    'null',
    '{"keepLast":',
  ]) {
    add(`set retention ${JSON.stringify(body)?.slice(0, 40)}`, 'PUT', '/api/retention', body);
    add(`preview retention ${JSON.stringify(body)?.slice(0, 40)}`, 'POST', '/api/retention/preview', body);
  }
  add('set retention with a text/plain body', 'PUT', '/api/retention', '{"keepLast":1}', { contentType: 'text/plain' });
  add('a job id beyond the database (2^63)', 'GET', '/api/jobs/9223372036854775808');
  add('an unknown job id', 'POST', '/api/jobs/999999/cancel');
  add('an unknown snapshot id', 'GET', '/api/snapshots/999999');
  add('an unknown snapshot download', 'GET', '/api/snapshots/999999/download');
  for (const body of [
    { remarks: 'x'.repeat(501) },
    { remarks: 'bad \ud800 surrogate' },
    { remarks: 5 },
    { remarks: ['a'] },
    [],
    null,
    'null',
    '{"remarks":',
    '{"remarks":"a"}{}',
  ]) {
    add(`start a job with ${JSON.stringify(body)?.slice(0, 40)}`, 'POST', '/api/jobs', body);
  }
  add('start a job with a text/plain body', 'POST', '/api/jobs', '{"remarks":"x"}', { contentType: 'text/plain' });
  add('start a job with a 2 MiB body', 'POST', '/api/jobs', { remarks: 'x'.repeat(2 * 1024 * 1024) });
  add('list jobs with limit=-1', 'GET', '/api/jobs?limit=-1');
  add('list jobs with limit=1e9', 'GET', '/api/jobs?limit=1000000000');
  for (const ids of [[], ['abc'], [-1], [1.5], [U64_PLUS_ONE], ['1e3'], [null], 'all', [[1]]]) {
    add(`delete snapshots ${JSON.stringify(ids)}`, 'POST', '/api/snapshots/delete', { ids });
  }
  add('delete snapshots with no ids field', 'POST', '/api/snapshots/delete', {});
  add(
    'delete an id the manifest does not have',
    'POST',
    '/api/snapshots/delete',
    { ids: ['999999'] },
    { noOpAllowed: true },
  );
  add(
    'delete ids sent as JSON numbers beyond 2^53, none in the manifest',
    'POST',
    '/api/snapshots/delete',
    '{"ids":[9007199254740993]}',
    { noOpAllowed: true },
  );
  for (const candidates of [['x'], [-1], 5, [U64_PLUS_ONE], [1.5], null]) {
    add(`GC filter on ${JSON.stringify(candidates)}`, 'POST', '/api/gc/deletable', { candidates });
  }
  for (const q of ['snapshot=abc', 'snapshot=-1', 'limit=0', 'limit=201', `snapshot=${U64_PLUS_ONE}`])
    add(`drills ?${q}`, 'GET', `/api/drills?${q}`);
  for (const q of ['after=abc', 'limit=0', 'limit=100001', 'search=12a', `after=${U64_PLUS_ONE}`])
    add(`pinned SSTs ?${q}`, 'GET', `/api/pinned-ssts?${q}`);
  for (const q of ['from=yesterday', 'to=2026-13-01', 'limit=0', 'before=-1', `actor=${'x'.repeat(300)}`]) {
    add(`audit ?${q}`, 'GET', `/api/audit?${q}`);
    add(`audit CSV ?${q}`, 'GET', `/api/audit/csv?${q}`);
  }
  for (const body of [
    { name: 'x', cron: '0 2 * *' },
    { name: 'x', cron: '* * * * * *' },
    { name: 'x', cron: '61 * * * *' },
    { name: 'x', cron: '0 0 30 2 *' },
    { name: 'x', cron: '0 2 * * *', timeZone: 'Mars/Olympus' },
    { name: 'x', cron: '0 2 * * *', timeZone: '+01:00' },
    { name: 'x', cron: '0 2 * * *', remarks: '{nmae}' },
    { name: 'x', cron: '0 2 * * *', remarks: 'a\u0007b' },
    { name: '../x', cron: '0 2 * * *' },
    { name: 'x'.repeat(65), cron: '0 2 * * *' },
    { name: 'x', cron: '0 2 * * *', enabled: 'yes' },
    { name: 'x', cron: '0 2 * * *', extra: 1 },
    { cron: '0 2 * * *' },
    [],
    null,
  ]) {
    add(`add schedule ${JSON.stringify(body)?.slice(0, 50)}`, 'POST', '/api/schedules', body);
  }
  for (const id of ['abc', '0', '-1', '1.5', '99999999999', '1e3']) {
    add(`schedule id ${id}`, 'PATCH', `/api/schedules/${id}`, { enabled: false });
    add(`delete schedule ${id}`, 'DELETE', `/api/schedules/${id}`);
    add(`runs of schedule ${id}`, 'GET', `/api/schedules/${id}/runs`);
  }
  add('an unknown schedule', 'PATCH', '/api/schedules/999999', { enabled: false });
  add('delete an unknown schedule', 'DELETE', '/api/schedules/999999');
  for (const body of [{}, { cron: 'x' }, { name: 'renamed' }, { enabled: 1 }])
    add(`change a schedule with ${JSON.stringify(body)}`, 'PATCH', '/api/schedules/999999', body);
  add('schedule runs with limit=0', 'GET', '/api/schedules/999999/runs?limit=0');
  for (const channel of badAlertChannels(consolePort)) {
    add(`add alert channel ${JSON.stringify(channel)?.slice(0, 70)}`, 'POST', '/api/alerts/channels', channel);
  }
  for (const id of [...BAD_IDS, '0', '999999']) {
    add(`remove alert channel ${id}`, 'DELETE', `/api/alerts/channels/${id}`);
    add(`test alert channel ${id}`, 'POST', `/api/alerts/channels/${id}/test`);
  }
  for (const q of ['limit=0', 'limit=1001', 'limit=x'])
    add(`alert deliveries ?${q}`, 'GET', `/api/alerts/deliveries?${q}`);
  for (const location of badLocations(consolePort, outside)) {
    const label = `${JSON.stringify(location.url)?.slice(0, 60)} + ${JSON.stringify(location.directory)?.slice(0, 30)}`;
    add(`set storage ${label}`, 'POST', '/api/config', location);
    add(`probe storage ${label}`, 'POST', '/api/config/probe', location);
  }
  return calls;
}

function actionCalls(consolePort: number, outside: string): Call[] {
  const calls: Call[] = [];
  const add = (key: string, input: unknown, extra: Partial<Call> = {}) =>
    calls.push({
      what: `${key.split('#')[1]}(${JSON.stringify(input)?.slice(0, 60)})`,
      action: { key: `app/${key}`, input },
      ...extra,
    });
  for (const input of [{ remarks: 'x'.repeat(501) }, { remarks: 'bad \ud800' }, { remarks: 5 }, null, 'text', []])
    add('actions.ts#startBackupAction', input);
  for (const id of [...BAD_IDS, '999999']) {
    add('actions.ts#cancelJobAction', { id });
    add('actions.ts#verifySnapshotAction', { id });
    add('actions.ts#drillSnapshotAction', { id });
  }
  for (const ids of [[], ['abc'], ['-1'], [U64_PLUS_ONE], 'all', null]) {
    add('actions.ts#previewDeleteAction', { ids });
    add('actions.ts#deleteSnapshotsAction', { ids });
  }
  add('actions.ts#deleteSnapshotsAction', { ids: ['999999'] }, { noOpAllowed: true });
  for (const id of [...BAD_IDS, '999999']) {
    add('actions.ts#keepSnapshotAction', { id, reason: 'x' });
    add('actions.ts#unkeepSnapshotAction', { id }, id === '999999' ? { noOpAllowed: true } : {});
  }
  for (const reason of ['bell \u0007', 'x'.repeat(501), 'bad \ud800', 5])
    add('actions.ts#keepSnapshotAction', { id: '900001', reason });
  for (const input of [{ keepLast: 0 }, { keepDays: 1.5 }, { keepWeekly: '3' }, { keep_last: 1 }, null, []]) {
    add('retention/actions.ts#previewRetentionAction', input);
    add('retention/actions.ts#saveRetentionAction', input);
  }
  for (const input of [{ all: true }, null, 'now']) add('retention/actions.ts#applyRetentionAction', input);
  for (const keys of [[], [''], 'all', null]) add('actions.ts#deleteOrphansAction', { keys });
  for (const keys of [['../../etc/passwd'], ['/etc/passwd'], ['.mbc-tmp/../../x'], ['x [upload y]']])
    add('actions.ts#deleteOrphansAction', { keys }, { noOpAllowed: true });
  for (const input of [
    { name: 'x', cron: '0 2 * *' },
    { name: 'x', cron: '0 2 * * *', timeZone: 'Mars/Olympus' },
    { name: 'x', cron: '0 2 * * *', remarks: '{nmae}' },
    { name: '../x', cron: '0 2 * * *' },
    null,
  ])
    add('schedules/actions.ts#createScheduleAction', input);
  for (const input of [{ cron: '61 * * * *' }, { cron: '0 2 * * *', timeZone: '+01:00' }, { cron: 5 }, null])
    add('schedules/actions.ts#previewCronAction', input);
  for (const input of [
    { id: 0, enabled: true },
    { id: 'x', enabled: true },
    { id: 1, enabled: 'yes' },
    { id: 999999, enabled: false },
  ])
    add('schedules/actions.ts#setScheduleEnabledAction', input);
  for (const input of [{ id: -1 }, { id: 1.5 }, { id: 999999 }, null])
    add('schedules/actions.ts#deleteScheduleAction', input);
  for (const input of [
    { id: 1, change: {} },
    { id: 1, change: { cron: '0 2 * *' } },
    { id: 1, change: { timeZone: 'Mars/Olympus' } },
    { id: 1, change: { remarks: '{nmae}' } },
    { id: 1, change: { kind: 'drill' } },
    { id: 'x', change: { enabled: false } },
    { id: 999999, change: { enabled: false } },
    null,
  ])
    add('schedules/actions.ts#updateScheduleAction', input);
  for (const location of badLocations(consolePort, outside)) {
    add('settings/actions.ts#probeStorageAction', location);
    add('settings/actions.ts#saveStorageConfigAction', location);
  }
  for (const input of [
    { username: '', role: 'viewer' },
    { username: 'x!', role: 'viewer' },
    { username: 'a'.repeat(200), role: 'viewer' },
    { username: 'new-one', role: 'king' },
    null,
  ]) {
    add('users/actions.ts#addUserAction', input);
  }
  add('users/actions.ts#setUserRoleAction', { username: 'no-such-user', role: 'viewer' });
  add('users/actions.ts#setUserRoleAction', { username: 'admin', role: 'king' });
  add('users/actions.ts#setUserDisabledAction', { username: '', disabled: true });
  add('users/actions.ts#setUserDisabledAction', { username: 'no-such-user', disabled: 'yes' });
  add('users/actions.ts#resetPasswordAction', { username: '' });
  add('users/actions.ts#resetPasswordAction', { username: 'no-such-user' });
  for (const input of [
    { name: '', scope: 'read' },
    { name: 'x', scope: 'root' },
    { name: 'x', scope: 'read', expiresIn: 'soon' },
    { name: 'x'.repeat(300), scope: 'read' },
  ]) {
    add('tokens/actions.ts#createTokenAction', input);
  }
  add('tokens/actions.ts#revokeTokenAction', { name: '' });
  add('tokens/actions.ts#revokeTokenAction', { name: 'no-such-token' });
  for (const channel of badAlertChannels(consolePort)) add('alerts/actions.ts#addAlertChannelAction', channel);
  for (const id of [0, -1, 1.5, '1', 2 ** 31, 999999, null]) {
    add('alerts/actions.ts#removeAlertChannelAction', { id });
    add('alerts/actions.ts#testAlertChannelAction', { id });
  }
  return calls;
}

/** Everything a bad input must leave alone, as text. */
async function stateOf(target: Target, api: APIRequestContext, outside: string): Promise<Record<string, string>> {
  const meta = openMetaStore(target.databaseUrl);
  const store = openObjectStore(target.backupUrl);
  try {
    const objects: string[] = [];
    for await (const o of listAll(store, '')) objects.push(`${o.key} ${o.size} ${o.etag}`);
    const unfinished = await store.listIncompleteUploads('bad-input/backup/', { idleMs: 0 });
    const users = await meta.prisma.consoleUser.findMany({
      select: { username: true, role: true, disabled: true },
      orderBy: { username: 'asc' },
    });
    const tokens = await meta.prisma.consoleApiToken.findMany({
      select: { name: true, revoked_at: true, expires_at: true },
      orderBy: { name: 'asc' },
    });
    const params = await meta.prisma.systemParameter.findMany({ orderBy: { name: 'asc' } });
    const jobs = await meta.prisma.backupJob.findMany({ select: { id: true, state: true }, orderBy: { id: 'asc' } });
    const retention = await meta.prisma.retentionRule.findMany({ orderBy: { id: 'asc' } });
    const keeps = await meta.prisma.snapshotKeep.findMany({ orderBy: { id: 'asc' } });
    const alertChannels = await meta.prisma.alertChannel.findMany({ orderBy: { id: 'asc' } });
    const state: Record<string, unknown> = {
      manifest: await (await api.get('/api/snapshots')).text(),
      objects,
      unfinished: unfinished.map((u) => u.handle),
      users,
      tokens,
      params,
      jobs: jobs.map((j) => `${j.id}:${j.state}`),
      retention: retention.map((r) => ({ ...r, updated_at: r.updated_at.toISOString() })),
      keeps: keeps.map((k) => `${k.storage_url} ${k.storage_directory} ${k.snapshot_id} ${k.reason}`),
      alertChannels,
      outside: fs.readdirSync(outside),
      etcTmp: fs.existsSync('/etc/.mbc-tmp') || fs.existsSync('/etc/.mbc-locks'),
    };
    return Object.fromEntries(
      Object.entries(state).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
    );
  } finally {
    await store.close();
    await meta.close();
  }
}

test('every route and action refuses bad input with a 4xx and a clear message, and changes nothing', async ({
  baseURL,
}, info) => {
  test.setTimeout(600_000);
  const target = targetOf(info);
  const origin = baseURL!;
  const consolePort = Number(new URL(origin).port);
  // Outside every FS_STORAGE_ROOTS entry (the tests' temporary directories are inside one).
  const outside = fs.mkdtempSync('/var/tmp/mbc-outside-');

  const meta = openMetaStore(target.databaseUrl);
  const suffix = Date.now().toString(36);
  const username = `bad_admin_${suffix}`;
  const { password } = await createUser(meta.prisma, { username, role: 'admin' }, { actor: 'bad-input-suite' });
  const { token } = await createToken(
    meta.prisma,
    { name: `bad-input-${suffix}`, scope: 'admin' },
    { actor: 'bad-input-suite' },
  );
  await meta.close();
  const api = await playwrightRequest.newContext({
    baseURL: origin,
    maxRedirects: 0,
    extraHTTPHeaders: { authorization: `Bearer ${token}` },
  });
  const session = await playwrightRequest.newContext({ baseURL: origin, maxRedirects: 0 });
  expect(
    (await session.post('/api/auth/sign-in/username', { data: { username, password }, headers: { origin } })).status(),
  ).toBe(200);

  // A storage directory of its own (the other specs expect theirs as they left it), with
  // something to leave alone in it: a snapshot, written directly so that no job id is used up.
  const original = (await (await api.get('/api/config')).json()) as { directory: string };
  expect((await api.post('/api/config', { data: { directory: 'bad-input/backup' } })).status()).toBe(200);
  const snapshotId = '900001';
  const store = openObjectStore(target.backupUrl);
  try {
    await (await MetaSnapshotStorage.open(store, 'bad-input/backup')).create(
      BigInt(snapshotId),
      snapshotBody(BigInt(snapshotId)),
      snapshotMetadata(BigInt(snapshotId)),
    );
  } finally {
    await store.close();
  }

  // Every route and action has bad inputs here.
  const calls = [...routeCalls(consolePort, outside), ...actionCalls(consolePort, outside)];
  const routeCalled = (route: string) => {
    const [method, pattern] = route.split(' ') as [string, string];
    const shape = new RegExp(`^${pattern.replace(/\[\w+\]/g, '[^/]+')}$`);
    return calls.some((c) => c.route?.method === method && shape.test(c.route.path.split('?')[0]!));
  };
  const inputless = [
    'GET /api/health',
    'GET /api/openapi.json',
    'GET /api/storage/health',
    'GET /api/metrics',
    'GET /api/snapshots',
    'GET /api/pinned-ssts/csv',
    'GET /api/config',
    'GET /api/retention',
    'GET /api/schedules',
    'GET /api/alerts/channels',
    // No rule is set in this suite's directory: applying keeps everything.
    'POST /api/retention/apply',
  ];
  expect(
    routesInApp().filter((r) => !inputless.includes(r) && !routeCalled(r)),
    'routes without bad inputs here',
  ).toEqual([]);
  const actionsCovered = new Set(calls.flatMap((c) => (c.action ? [c.action.key] : [])));
  expect(
    actionsInApp().filter((a) => !actionsCovered.has(a)),
    'actions without bad inputs here',
  ).toEqual([]);
  const actionIds = actionsInBuild();

  const before = await stateOf(target, api, outside);
  const rows: string[] = [];
  const wrong: string[] = [];
  let refused = 0;
  let noOps = 0;
  for (const call of calls) {
    let status: number;
    let code: string;
    let message: string;
    const started = performance.now();
    if (call.route) {
      const { method, path: p, body, contentType } = call.route;
      const response = await api.fetch(p, {
        method,
        headers: body === undefined ? {} : { 'content-type': contentType ?? 'application/json' },
        data: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
        timeout: 30_000,
      });
      status = response.status();
      const text = await response.text();
      const error = (() => {
        try {
          return (JSON.parse(text) as { error?: { code: string; message: string } }).error;
        } catch {
          return undefined;
        }
      })();
      code = error?.code ?? (status < 300 ? 'OK' : `HTTP ${status}`);
      message = error?.message ?? '';
    } else {
      const { key, input } = call.action!;
      const response = await session.post('/', {
        headers: {
          'next-action': actionIds.get(key)!,
          'content-type': 'text/plain;charset=UTF-8',
          accept: 'text/x-component',
          origin,
        },
        data: JSON.stringify([input]),
        timeout: 30_000,
      });
      const text = await response.text();
      const result = /"ok":(true|false)/.exec(text)?.[1];
      code = result === 'true' ? 'OK' : (/"code":"([A-Z_]+)"/.exec(text)?.[1] ?? `HTTP ${response.status()}`);
      message = /"message":"((?:[^"\\]|\\.)*)"/.exec(text)?.[1] ?? '';
      status = code === 'OK' ? 200 : 400;
    }
    const ms = Math.round(performance.now() - started);
    const ok = code === 'OK' && status < 300;
    const problems: string[] = [];
    if (ok && !call.noOpAllowed) problems.push('accepted');
    if (!ok && !(status >= 400 && status < 500)) problems.push(`HTTP ${status}`);
    if (!ok && (code === 'INTERNAL' || code.startsWith('HTTP') || message.trim() === ''))
      problems.push(`no clear error (${code}: "${message}")`);
    if (message.includes('TOPSECRET')) problems.push(`a secret in the message: ${message}`);
    const after = await stateOf(target, api, outside);
    const changed = Object.keys(before).filter((k) => after[k] !== before[k]);
    if (changed.length) problems.push(`the state changed: ${changed.join(', ')}`);
    if (ok) noOps++;
    else refused++;
    rows.push(
      `${problems.length ? 'FAIL' : 'ok  '} ${call.what.padEnd(72).slice(0, 72)} ${String(status).padStart(3)} ${code.padEnd(20)} ${String(ms).padStart(5)} ms  ${message.slice(0, 110)}`,
    );
    if (problems.length) wrong.push(`${call.what}: ${problems.join('; ')}`);
  }
  console.log(
    `bad-input suite (${info.project.name}): ${calls.length} calls; ${refused} refused with a 4xx, ${noOps} changed nothing and said so; ${wrong.length} wrong`,
  );
  console.log(rows.join('\n'));

  // Pages: a snapshot that is not there is a 404, not a 200 with a not-found text.
  for (const p of ['/snapshots/999999', '/snapshots/abc', `/snapshots/${U64_PLUS_ONE}`]) {
    expect((await session.get(p)).status(), p).toBe(404);
  }
  expect(wrong).toEqual([]);
  expect((await api.post('/api/snapshots/delete', { data: { ids: [snapshotId] } })).status()).toBe(200);
  expect((await api.post('/api/config', { data: { directory: original.directory } })).status()).toBe(200);
  await api.dispose();
  await session.dispose();
  fs.rmSync(outside, { recursive: true, force: true });
});
