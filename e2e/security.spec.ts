// The security suite: every page, route handler and server action of the console, enumerated
// from the app's files (and the build's action manifest), called over HTTP against `next start`
// by nobody, a viewer, an operator, an admin, a revoked token, an expired session and an admin
// from a foreign Origin. Each call must be refused or allowed as the tables below say; a page,
// route or action missing from them fails the suite.
import { expect, request as playwrightRequest, test, type APIRequestContext } from '@playwright/test';
import { createToken, revokeToken } from '../lib/auth/tokens.ts';
import { createUser } from '../lib/auth/users.ts';
import { roleAllows, type Role } from '../lib/auth/roles.ts';
import { openMetaStore } from '../lib/meta/client.ts';
import { actionsInApp, actionsInBuild, pagesInApp, routesInApp } from './app-surface';
import { targetOf } from './support';

type Need = Role | 'public';

/** Route handlers: "METHOD path" → least role, and a request that passes validation harmlessly or fails it after the role check. */
const ROUTES: Record<string, { need: Need; path?: string; body?: unknown }> = {
  'GET /api/health': { need: 'public' },
  'GET /api/openapi.json': { need: 'public' },
  'GET /api/storage/health': { need: 'viewer' },
  'GET /api/metrics': { need: 'viewer' },
  'GET /api/jobs': { need: 'viewer' },
  'POST /api/jobs': { need: 'operator', body: { remarks: 'x'.repeat(501) } },
  'GET /api/jobs/[id]': { need: 'viewer', path: '/api/jobs/999999' },
  'POST /api/jobs/[id]/cancel': { need: 'operator', path: '/api/jobs/999999/cancel' },
  'GET /api/snapshots': { need: 'viewer' },
  'GET /api/snapshots/[id]': { need: 'viewer', path: '/api/snapshots/999999' },
  'DELETE /api/snapshots/[id]': { need: 'admin', path: '/api/snapshots/abc' },
  'GET /api/snapshots/[id]/ssts': { need: 'viewer', path: '/api/snapshots/999999/ssts' },
  'GET /api/snapshots/[id]/download': { need: 'admin', path: '/api/snapshots/999999/download' },
  'POST /api/snapshots/[id]/drill': { need: 'operator', path: '/api/snapshots/abc/drill' },
  'GET /api/drills': { need: 'viewer' },
  'POST /api/snapshots/delete': { need: 'admin', body: { ids: [] } },
  'PUT /api/snapshots/[id]/keep': { need: 'admin', path: '/api/snapshots/abc/keep', body: { reason: 'x' } },
  'DELETE /api/snapshots/[id]/keep': { need: 'admin', path: '/api/snapshots/abc/keep' },
  'GET /api/retention': { need: 'viewer' },
  'PUT /api/retention': { need: 'admin', body: { keepLast: 0 } },
  'POST /api/retention/preview': { need: 'viewer', body: { keepLast: 0 } },
  // No rule is set where this suite runs: applying keeps everything.
  'POST /api/retention/apply': { need: 'admin' },
  'GET /api/pinned-ssts': { need: 'viewer' },
  'GET /api/pinned-ssts/csv': { need: 'viewer' },
  'POST /api/gc/deletable': { need: 'viewer', body: { candidates: [] } },
  'GET /api/config': { need: 'viewer' },
  'POST /api/config': { need: 'admin', body: { directory: '../escape' } },
  'POST /api/config/probe': { need: 'admin', body: { url: '', directory: '' } },
  'GET /api/schedules': { need: 'viewer' },
  'POST /api/schedules': { need: 'admin', body: { name: 'x', cron: 'not cron' } },
  'PATCH /api/schedules/[id]': { need: 'admin', path: '/api/schedules/999999', body: { cron: 'not cron' } },
  'DELETE /api/schedules/[id]': { need: 'admin', path: '/api/schedules/abc' },
  'GET /api/schedules/[id]/runs': { need: 'viewer', path: '/api/schedules/999999/runs' },
  'GET /api/audit': { need: 'admin' },
  'GET /api/audit/csv': { need: 'admin' },
  'GET /api/alerts/channels': { need: 'admin' },
  'POST /api/alerts/channels': { need: 'admin', body: { name: 'x', kind: 'webhook', target: 'file:///etc/passwd' } },
  'DELETE /api/alerts/channels/[id]': { need: 'admin', path: '/api/alerts/channels/abc' },
  'POST /api/alerts/channels/[id]/test': { need: 'admin', path: '/api/alerts/channels/999999/test' },
  'GET /api/alerts/deliveries': { need: 'admin' },
};

const PAGES: Record<string, { need: Need; path?: string }> = {
  '/sign-in': { need: 'public' },
  '/': { need: 'viewer' },
  '/jobs': { need: 'viewer' },
  '/schedules': { need: 'viewer' },
  '/schedules/[id]': { need: 'viewer', path: '/schedules/999999' },
  '/retention': { need: 'viewer' },
  '/pinned': { need: 'viewer' },
  '/settings': { need: 'viewer' },
  '/account': { need: 'viewer' },
  '/forbidden': { need: 'viewer' },
  '/snapshots/[id]': { need: 'viewer', path: '/snapshots/999999' },
  '/snapshots/diff': { need: 'operator' },
  '/users': { need: 'admin' },
  '/tokens': { need: 'admin' },
  '/audit': { need: 'admin' },
  '/alerts': { need: 'admin' },
  '/api-reference': { need: 'viewer' },
};

/** Server actions: "file#export" → least role, and an argument the action refuses as invalid (after the role check). */
const ACTIONS: Record<string, { need: Role; input: unknown }> = {
  'app/actions.ts#startBackupAction': { need: 'operator', input: { remarks: 'x'.repeat(501) } },
  'app/actions.ts#cancelJobAction': { need: 'operator', input: { id: 'x' } },
  'app/actions.ts#previewDeleteAction': { need: 'admin', input: { ids: [] } },
  'app/actions.ts#deleteSnapshotsAction': { need: 'admin', input: { ids: [] } },
  'app/actions.ts#verifySnapshotAction': { need: 'operator', input: { id: 'x' } },
  'app/actions.ts#drillSnapshotAction': { need: 'operator', input: { id: 'x' } },
  'app/actions.ts#deleteOrphansAction': { need: 'admin', input: { keys: [] } },
  'app/actions.ts#keepSnapshotAction': { need: 'admin', input: { id: 'x' } },
  'app/actions.ts#unkeepSnapshotAction': { need: 'admin', input: { id: 'x' } },
  'app/retention/actions.ts#previewRetentionAction': { need: 'viewer', input: { keepLast: 0 } },
  'app/retention/actions.ts#saveRetentionAction': { need: 'admin', input: { keepLast: 0 } },
  'app/retention/actions.ts#applyRetentionAction': { need: 'admin', input: { all: true } },
  'app/settings/actions.ts#probeStorageAction': { need: 'admin', input: { url: null, directory: '' } },
  'app/settings/actions.ts#saveStorageConfigAction': { need: 'admin', input: { directory: '../escape' } },
  'app/schedules/actions.ts#previewCronAction': { need: 'viewer', input: { cron: 'not cron' } },
  'app/schedules/actions.ts#createScheduleAction': { need: 'admin', input: { name: 'x', cron: 'not cron' } },
  'app/schedules/actions.ts#setScheduleEnabledAction': { need: 'admin', input: { id: 0, enabled: true } },
  'app/schedules/actions.ts#deleteScheduleAction': { need: 'admin', input: { id: 'x' } },
  'app/schedules/actions.ts#updateScheduleAction': { need: 'admin', input: { id: 1, change: { cron: 'not cron' } } },
  'app/users/actions.ts#addUserAction': { need: 'admin', input: { username: '', role: 'viewer' } },
  'app/users/actions.ts#setUserRoleAction': { need: 'admin', input: { username: 'admin', role: 'king' } },
  'app/users/actions.ts#setUserDisabledAction': { need: 'admin', input: { username: '', disabled: true } },
  'app/users/actions.ts#resetPasswordAction': { need: 'admin', input: { username: '' } },
  'app/tokens/actions.ts#createTokenAction': { need: 'admin', input: { name: '', scope: 'read' } },
  'app/tokens/actions.ts#revokeTokenAction': { need: 'admin', input: { name: '' } },
  'app/alerts/actions.ts#addAlertChannelAction': {
    need: 'admin',
    input: { name: 'x', kind: 'webhook', target: 'file:///etc/passwd' },
  },
  'app/alerts/actions.ts#removeAlertChannelAction': { need: 'admin', input: { id: 0 } },
  'app/alerts/actions.ts#testAlertChannelAction': { need: 'admin', input: { id: 0 } },
};

type Caller = { name: string; role: Role | null; context: APIRequestContext; origin?: string };
type Outcome = 'allowed' | 'refused';

test('every page, route and action refuses or allows each caller as its role says', async ({ baseURL }, info) => {
  test.setTimeout(300_000);
  const target = targetOf(info);
  const origin = baseURL!;

  // The tables cover exactly what the app has.
  expect(routesInApp().sort(), 'a route handler without an expected role (add it to ROUTES)').toEqual(
    Object.keys(ROUTES).sort(),
  );
  expect(pagesInApp().sort(), 'a page without an expected role (add it to PAGES)').toEqual(Object.keys(PAGES).sort());
  expect(actionsInApp().sort(), 'a server action without an expected role (add it to ACTIONS)').toEqual(
    Object.keys(ACTIONS).sort(),
  );
  const actionIds = actionsInBuild();
  for (const key of Object.keys(ACTIONS)) expect(actionIds.has(key), `${key} is in the build`).toBe(true);

  // The callers.
  const meta = openMetaStore(target.databaseUrl);
  const suffix = Date.now().toString(36);
  const passwords: Record<string, string> = {};
  for (const [who, role] of [
    ['viewer', 'viewer'],
    ['operator', 'operator'],
    ['admin', 'admin'],
    ['expired', 'viewer'],
  ] as const) {
    const username = `sec_${who}_${suffix}`;
    passwords[username] = (await createUser(meta.prisma, { username, role }, { actor: 'security-suite' })).password;
  }
  const { token } = await createToken(
    meta.prisma,
    { name: `sec-revoked-${suffix}`, scope: 'admin' },
    { actor: 'security-suite' },
  );
  await revokeToken(meta.prisma, `sec-revoked-${suffix}`, { actor: 'security-suite' });

  const signedIn = async (username: string): Promise<APIRequestContext> => {
    const context = await playwrightRequest.newContext({ baseURL: origin, maxRedirects: 0 });
    const response = await context.post('/api/auth/sign-in/username', {
      data: { username, password: passwords[username] },
      headers: { origin },
    });
    expect(response.status(), `sign-in of ${username}`).toBe(200);
    return context;
  };
  const expiredContext = await signedIn(`sec_expired_${suffix}`);
  await meta.prisma.consoleSession.updateMany({
    where: { user: { username: `sec_expired_${suffix}` } },
    data: { expiresAt: new Date(Date.now() - 1000) },
  });
  const callers: Caller[] = [
    { name: 'nobody', role: null, context: await playwrightRequest.newContext({ baseURL: origin, maxRedirects: 0 }) },
    { name: 'viewer', role: 'viewer', context: await signedIn(`sec_viewer_${suffix}`) },
    { name: 'operator', role: 'operator', context: await signedIn(`sec_operator_${suffix}`) },
    { name: 'admin', role: 'admin', context: await signedIn(`sec_admin_${suffix}`) },
    {
      name: 'revoked token',
      role: null,
      context: await playwrightRequest.newContext({
        baseURL: origin,
        maxRedirects: 0,
        extraHTTPHeaders: { authorization: `Bearer ${token}` },
      }),
    },
    { name: 'expired session', role: null, context: expiredContext },
    {
      name: 'admin, foreign Origin',
      role: 'admin',
      context: await signedIn(`sec_admin_${suffix}`),
      origin: 'http://evil.example',
    },
  ];
  await meta.close();

  const counts = { refused: 0, allowed: 0 };
  const wrong: string[] = [];
  const check = (what: string, caller: Caller, expected: Outcome, actual: Outcome, detail: string) => {
    if (expected === actual) counts[actual]++;
    else wrong.push(`${what} by ${caller.name}: expected ${expected}, got ${actual} (${detail})`);
  };
  const expectedFor = (caller: Caller, need: Need, mutating: boolean): Outcome => {
    if (need === 'public') return 'allowed';
    if (caller.role === null || !roleAllows(caller.role, need)) return 'refused';
    return caller.origin && mutating ? 'refused' : 'allowed';
  };

  for (const [key, spec] of Object.entries(ROUTES)) {
    const [method, route] = key.split(' ') as [string, string];
    for (const caller of callers) {
      const response = await caller.context.fetch(spec.path ?? route, {
        method,
        headers: {
          origin: caller.origin ?? origin,
          ...(spec.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        data: spec.body === undefined ? undefined : JSON.stringify(spec.body),
      });
      const status = response.status();
      const actual: Outcome = status === 401 || status === 403 ? 'refused' : 'allowed';
      if (actual === 'refused')
        expect((await response.json()).error.code, `${key} by ${caller.name}`).toMatch(/^(UNAUTHORIZED|FORBIDDEN)$/);
      check(key, caller, expectedFor(caller, spec.need, method !== 'GET'), actual, `HTTP ${status}`);
    }
  }

  for (const [key, spec] of Object.entries(PAGES)) {
    for (const caller of callers) {
      const response = await caller.context.get(spec.path ?? key, { headers: { origin: caller.origin ?? origin } });
      const location = response.headers().location ?? '';
      const refused =
        response.status() >= 300 &&
        response.status() < 400 &&
        /^\/(sign-in|forbidden)/.test(location.replace(origin, ''));
      const expected = key === '/sign-in' ? 'allowed' : expectedFor(caller, spec.need, false);
      // The sign-in page sends a signed-in user on; for it "allowed" means it answers at all.
      check(
        `GET ${key}`,
        caller,
        expected,
        key === '/sign-in' ? 'allowed' : refused ? 'refused' : 'allowed',
        `HTTP ${response.status()} ${location}`,
      );
    }
  }

  for (const [key, spec] of Object.entries(ACTIONS)) {
    for (const caller of callers) {
      const response = await caller.context.post('/', {
        headers: {
          'next-action': actionIds.get(key)!,
          'content-type': 'text/plain;charset=UTF-8',
          accept: 'text/x-component',
          origin: caller.origin ?? origin,
        },
        data: JSON.stringify([spec.input]),
      });
      const text = await response.text();
      const code = /"code":"([A-Z_]+)"/.exec(text)?.[1] ?? `HTTP ${response.status()}`;
      // Past the role check an action answers with its own error (invalid input, config, not found).
      const actual: Outcome =
        code === 'UNAUTHORIZED' || code === 'FORBIDDEN' || code.startsWith('HTTP') ? 'refused' : 'allowed';
      check(key, caller, expectedFor(caller, spec.need, true), actual, code);
    }
  }

  const total = counts.refused + counts.allowed + wrong.length;
  console.log(
    `security suite (${info.project.name}): ${total} calls; ${counts.refused} refused and ${counts.allowed} allowed as expected; ${wrong.length} not`,
  );
  expect(wrong).toEqual([]);
  for (const caller of callers) await caller.context.dispose();
});
