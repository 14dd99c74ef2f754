// Sign-in, sessions, users, tokens and the audit log on a real meta store of each kind:
// better-auth's own handler answers the sign-in requests, as it does under `next start`.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { resolveActor } from '../lib/auth/actor.ts';
import { createConsoleAuth, USER_SIGN_IN_LIMIT, type ConsoleAuth } from '../lib/auth/auth.ts';
import { ensureFirstAdmin } from '../lib/auth/first-admin.ts';
import type { ConsoleOrigins } from '../lib/auth/origins.ts';
import { sessionPolicy } from '../lib/auth/session-policy.ts';
import { checkToken, createToken, revokeToken } from '../lib/auth/tokens.ts';
import { createUser, resetPassword, setUserDisabled, setUserRole } from '../lib/auth/users.ts';
import { BackupManager } from '../lib/backup/backup-manager.ts';
import { isBackupError } from '../lib/backup/errors.ts';
import { listAuditEvents, type PendingAudit } from '../lib/meta/audit-log.ts';
import { openMetaStore, type MetaStore } from '../lib/meta/client.ts';
import { seedDemoCluster } from '../lib/meta/demo-cluster.ts';
import { readBackupStorageParams } from '../lib/meta/system-params.ts';
import { ctlOn } from './support/ctl.ts';
import { freshDirectory, freshMetaStoreUrls } from './support/services.ts';

const ORIGIN = 'http://console.test';
const origins: ConsoleOrigins = { hosts: ['console.test'], https: false, origins: [] };
const policy = sessionPolicy({ CONSOLE_SESSION_IDLE_MINUTES: '60', CONSOLE_SESSION_MAX_HOURS: '12' });
const by = (actor = 'test'): PendingAudit => ({
  actor,
  address: '192.0.2.1',
  userAgent: 'auth.test',
  requestId: 'req-1',
});
/** An audit context whose row the database refuses: the change it goes with must roll back. */
const poisoned = (): PendingAudit => ({ actor: 'test', requestId: 42 as unknown as string });

async function signIn(
  auth: ConsoleAuth,
  username: string,
  password: string,
  address = '198.51.100.7',
): Promise<{ status: number; cookie: string | null; body: any }> {
  const response = await auth.handler(
    new Request(`${ORIGIN}/api/auth/sign-in/username`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: ORIGIN, 'x-forwarded-for': address },
      body: JSON.stringify({ username, password }),
    }),
  );
  const cookie = response.headers.getSetCookie().find((c) => c.startsWith('mbc.session_token='));
  return {
    status: response.status,
    cookie: cookie ? cookie.split(';')[0]! : null,
    body: await response.json().catch(() => null),
  };
}

const cookieHeaders = (cookie: string) => new Headers({ cookie, host: 'console.test' });

/** Every text value in the console's tables and the audit log, to look for a secret in clear. */
async function everyStoredText(meta: MetaStore): Promise<string> {
  const p = meta.prisma;
  const rows = await Promise.all([
    p.consoleUser.findMany(),
    p.consoleAccount.findMany(),
    p.consoleSession.findMany(),
    p.consoleApiToken.findMany(),
    p.auditEvent.findMany(),
    p.consoleVerification.findMany(),
  ]);
  return JSON.stringify(rows, (_, v) => (typeof v === 'bigint' ? v.toString() : v));
}

for (const { kind, url } of await freshMetaStoreUrls()) {
  describe(`sign-in, users, tokens and audit: ${kind}`, () => {
    let meta: MetaStore;
    let auth: ConsoleAuth;
    before(async () => {
      meta = openMetaStore(url);
      auth = createConsoleAuth({ meta, secret: 'a-test-secret-of-at-least-thirty-two-characters', origins, policy });
    });
    after(() => meta.close());

    it('stores passwords only as hashes, and signs in with them', async () => {
      const { password } = await createUser(meta.prisma, { username: 'Alice', role: 'operator' }, by());
      assert.equal(password.length, 24);
      const account = await meta.prisma.consoleAccount.findFirstOrThrow({ where: { user: { username: 'alice' } } });
      assert.notEqual(account.password, password);
      assert.match(account.password!, /^[0-9a-f]{32}:[0-9a-f]{128}$/, 'a scrypt salt:key');
      assert.ok(!(await everyStoredText(meta)).includes(password), 'the password appears in clear');

      const wrong = await signIn(auth, 'alice', 'not-her-password');
      assert.equal(wrong.status, 401);
      assert.equal(wrong.cookie, null);
      const right = await signIn(auth, 'ALICE', password);
      assert.equal(right.status, 200);
      assert.ok(right.cookie);
      const resolved = await resolveActor(cookieHeaders(right.cookie!), { auth, prisma: meta.prisma, policy });
      assert.deepEqual(
        resolved.actor && { name: resolved.actor.name, role: resolved.actor.role, kind: resolved.actor.kind },
        { name: 'alice', role: 'operator', kind: 'user' },
      );
      const audit = await listAuditEvents(meta.prisma, { action: 'auth.sign-in' });
      assert.deepEqual(
        audit.map((e) => [e.actor, e.result, e.address]),
        [
          ['alice', 'ok', '198.51.100.7'],
          ['alice', 'INVALID_USERNAME_OR_PASSWORD', '198.51.100.7'],
        ],
      );
    });

    it("ends a disabled user's existing session at once, and refuses their sign-in", async () => {
      const { password } = await createUser(meta.prisma, { username: 'bob', role: 'viewer' }, by());
      const { cookie } = await signIn(auth, 'bob', password);
      const headers = cookieHeaders(cookie!);
      assert.equal((await resolveActor(headers, { auth, prisma: meta.prisma, policy })).actor?.name, 'bob');
      await setUserDisabled(meta.prisma, 'bob', true, by('admin'));
      const after = await resolveActor(headers, { auth, prisma: meta.prisma, policy });
      assert.equal(after.actor, null);
      assert.equal(await meta.prisma.consoleSession.count({ where: { user: { username: 'bob' } } }), 0);
      const again = await signIn(auth, 'bob', password);
      assert.notEqual(again.status, 200);
      assert.equal(again.cookie, null);
      // Even a session row that survived (another process made it) is refused while disabled.
      const user = await meta.prisma.consoleUser.findUniqueOrThrow({ where: { username: 'bob' } });
      await meta.prisma.consoleUser.update({ where: { id: user.id }, data: { disabled: false } });
      const fresh = await signIn(auth, 'bob', password);
      await meta.prisma.consoleUser.update({ where: { id: user.id }, data: { disabled: true } });
      const refused = await resolveActor(cookieHeaders(fresh.cookie!), { auth, prisma: meta.prisma, policy });
      assert.deepEqual(refused, { actor: null, refusal: 'user-disabled' });
    });

    it('ends a session after its idle time and after its absolute lifetime', async () => {
      const { password } = await createUser(meta.prisma, { username: 'carol', role: 'viewer' }, by());
      const idle = await signIn(auth, 'carol', password);
      const start = Date.now();
      const at = (minutes: number) => new Date(start + minutes * 60_000);
      const resolveAt = (cookie: string, minutes: number) =>
        resolveActor(cookieHeaders(cookie), { auth, prisma: meta.prisma, policy, now: at(minutes) });
      // Used every 50 minutes, it lives on; then 61 minutes without use end it.
      assert.ok((await resolveAt(idle.cookie!, 50)).actor);
      assert.ok((await resolveAt(idle.cookie!, 100)).actor);
      assert.deepEqual(await resolveAt(idle.cookie!, 162), { actor: null, refusal: 'session-idle' });
      assert.deepEqual(
        await resolveAt(idle.cookie!, 163),
        { actor: null, refusal: 'none' },
        'the ended session is gone',
      );

      const busy = await signIn(auth, 'carol', password);
      for (let minutes = 50; minutes < 12 * 60; minutes += 50)
        assert.ok((await resolveAt(busy.cookie!, minutes)).actor, `in use at ${minutes} min`);
      const late = await resolveAt(busy.cookie!, 12 * 60 + 1);
      assert.equal(late.actor, null);
    });

    it('locks a user name after repeated failures, whatever the address', async () => {
      const { password } = await createUser(meta.prisma, { username: 'dave', role: 'viewer' }, by());
      for (let i = 0; i < USER_SIGN_IN_LIMIT.failures; i++)
        assert.equal((await signIn(auth, 'dave', `guess-number-${i}`, `203.0.113.${i}`)).status, 401);
      const locked = await signIn(auth, 'dave', password, '203.0.113.99');
      assert.equal(locked.status, 429);
      assert.equal(locked.cookie, null);
      const rows = await listAuditEvents(meta.prisma, { action: 'auth.sign-in', actor: 'dave' });
      assert.equal(rows[0]!.result, 'RATE_LIMITED');
      assert.equal(rows.filter((r) => r.result !== 'ok').length, USER_SIGN_IN_LIMIT.failures + 1);
      // Another user is not locked by dave's failures.
      const { password: erinPassword } = await createUser(meta.prisma, { username: 'erin', role: 'viewer' }, by());
      assert.equal((await signIn(auth, 'erin', erinPassword)).status, 200);
    });

    it('limits sign-in attempts per address, whatever the user name', async () => {
      const address = '203.0.113.250';
      const statuses: number[] = [];
      for (let i = 0; i < 31; i++)
        statuses.push((await signIn(auth, `nobody${i}`, 'wrong-password-here', address)).status);
      assert.deepEqual(statuses.slice(0, 30), Array(30).fill(401));
      assert.equal(statuses[30], 429);
      assert.equal(
        (await signIn(auth, 'nobody99', 'wrong-password-here', '203.0.113.251')).status,
        401,
        'another address is not limited',
      );
    });

    it('stores API tokens only as hashes; a revoked or expired token is refused and its use audited', async () => {
      const now = new Date();
      const { token } = await createToken(meta.prisma, { name: 'gc', scope: 'read' }, by('admin'), now);
      assert.match(token, /^mbc_[A-Za-z0-9_-]{43}$/);
      const row = await meta.prisma.consoleApiToken.findUniqueOrThrow({ where: { name: 'gc' } });
      assert.equal(row.token_hash, createHash('sha256').update(token).digest('hex'));
      assert.ok(!(await everyStoredText(meta)).includes(token), 'the token appears in clear');
      assert.deepEqual(await checkToken(meta.prisma, token), { ok: true, name: 'gc', role: 'viewer' });
      assert.ok((await meta.prisma.consoleApiToken.findUniqueOrThrow({ where: { name: 'gc' } })).last_used_at);
      assert.deepEqual(await checkToken(meta.prisma, `${token}x`), { ok: false, name: null, reason: 'unknown' });

      const short = await createToken(
        meta.prisma,
        { name: 'short', scope: 'admin', expiresInMs: 60_000 },
        by('admin'),
        now,
      );
      assert.deepEqual(await checkToken(meta.prisma, short.token, new Date(now.getTime() + 61_000)), {
        ok: false,
        name: 'short',
        reason: 'expired',
      });

      await revokeToken(meta.prisma, 'gc', by('admin'));
      const headers = new Headers({ authorization: `Bearer ${token}`, host: 'console.test' });
      assert.deepEqual(await resolveActor(headers, { auth, prisma: meta.prisma, policy }), {
        actor: null,
        refusal: 'token-revoked',
        tokenName: 'gc',
      });
      await assert.rejects(createToken(meta.prisma, { name: 'short', scope: 'read' }, by('admin')), (e) =>
        isBackupError(e, 'CONFLICT'),
      );
      await assert.rejects(createToken(meta.prisma, { name: 'bad name!', scope: 'read' }, by('admin')), (e) =>
        isBackupError(e, 'INVALID_INPUT'),
      );
    });

    it('writes each change and its audit row in one transaction: a refused audit row undoes the change', async () => {
      await assert.rejects(createUser(meta.prisma, { username: 'mallory', role: 'admin' }, poisoned()));
      assert.equal(await meta.prisma.consoleUser.count({ where: { username: 'mallory' } }), 0);
      await assert.rejects(createToken(meta.prisma, { name: 'ghost', scope: 'admin' }, poisoned()));
      assert.equal(await meta.prisma.consoleApiToken.count({ where: { name: 'ghost' } }), 0);
      await assert.rejects(setUserRole(meta.prisma, 'alice', 'admin', poisoned()));
      assert.equal(
        (await meta.prisma.consoleUser.findUniqueOrThrow({ where: { username: 'alice' } })).role,
        'operator',
      );
      const hashBefore = (await meta.prisma.consoleAccount.findFirstOrThrow({ where: { user: { username: 'alice' } } }))
        .password;
      await assert.rejects(resetPassword(meta.prisma, 'alice', poisoned()));
      assert.equal(
        (await meta.prisma.consoleAccount.findFirstOrThrow({ where: { user: { username: 'alice' } } })).password,
        hashBefore,
      );

      // And the other way round: a change that commits has exactly one ok row with it.
      const audit = by('admin');
      await setUserRole(meta.prisma, 'alice', 'viewer', audit);
      assert.equal(audit.recorded, true);
      const [row] = await listAuditEvents(meta.prisma, { action: 'user.set-role', limit: 1 });
      assert.deepEqual(
        [row!.actor, row!.target, row!.result, row!.address, row!.requestId],
        ['admin', 'alice (operator -> viewer)', 'ok', '192.0.2.1', 'req-1'],
      );
    });

    it('starts a backup job, cancels it and changes the storage in the same transaction as their audit rows', async () => {
      const store = openMetaStore(url);
      const backupDir = freshDirectory();
      await seedDemoCluster(store.prisma, {
        relations: 5,
        ssts: 10,
        backupStorageUrl: `fs://${backupDir}`,
        backupStorageDirectory: 'backup',
      });
      const manager = new BackupManager({ meta: store });
      try {
        await assert.rejects(manager.startBackupJob({ detach: true, audit: poisoned() }));
        assert.equal(await store.prisma.backupJob.count(), 0, 'no job without its audit row');
        const audit: PendingAudit = { ...by('alice'), action: 'job.start' };
        const id = await manager.startBackupJob({ detach: true, audit });
        assert.equal(audit.recorded, true);
        assert.equal((await listAuditEvents(store.prisma, { action: 'job.start' }))[0]!.target, `job ${id}`);

        await assert.rejects(manager.cancelJob(id, poisoned()));
        assert.equal((await store.prisma.backupJob.findUniqueOrThrow({ where: { id } })).cancel_requested, false);
        await manager.cancelJob(id, { ...by('alice'), action: 'job.cancel' });
        assert.equal((await store.prisma.backupJob.findUniqueOrThrow({ where: { id } })).cancel_requested, true);

        const before = await readBackupStorageParams(store.prisma);
        await assert.rejects(manager.setConfig({ directory: 'elsewhere' }, poisoned()));
        assert.deepEqual(await readBackupStorageParams(store.prisma), before);
        await manager.setConfig({ directory: 'elsewhere' }, { ...by('admin'), action: 'storage.set' });
        assert.equal((await readBackupStorageParams(store.prisma)).directory, 'elsewhere');
        assert.equal(
          (await listAuditEvents(store.prisma, { action: 'storage.set' }))[0]!.target,
          `fs://${backupDir} elsewhere`,
        );
      } finally {
        await manager.close({ cancelRunning: true });
        await store.close();
      }
    });

    it('keeps the audit log append-only in the database itself', async () => {
      const count = await meta.prisma.auditEvent.count();
      assert.ok(count > 0);
      await assert.rejects(meta.prisma.auditEvent.updateMany({ data: { result: 'ok' } }), /append-only/);
      await assert.rejects(meta.prisma.auditEvent.deleteMany({}), /append-only/);
      if (kind === 'postgresql')
        await assert.rejects(meta.prisma.$executeRawUnsafe('TRUNCATE audit_event'), /append-only/);
      assert.equal(await meta.prisma.auditEvent.count(), count);
    });

    it('makes the first admin once, with a password printed and kept in an owner-only file', async () => {
      const fresh = openMetaStore((await freshMetaStoreUrls()).find((s) => s.kind === kind)!.url);
      const dataDir = path.join(freshDirectory(), 'data');
      const printed: string[] = [];
      try {
        assert.deepEqual(
          await ensureFirstAdmin(fresh.prisma, { CONSOLE_DATA_DIR: dataDir }, (line) => printed.push(line)),
          { created: true },
        );
        const file = path.join(dataDir, 'admin-password');
        const password = fs.readFileSync(file, 'utf8').trim();
        assert.equal(fs.statSync(file).mode & 0o777, 0o600);
        assert.ok(printed.join('\n').includes(password), 'the password is printed once');
        const freshAuth = createConsoleAuth({
          meta: fresh,
          secret: 'a-test-secret-of-at-least-thirty-two-characters',
          origins,
          policy,
        });
        const session = await signIn(freshAuth, 'admin', password);
        assert.equal(session.status, 200);
        assert.deepEqual(
          await ensureFirstAdmin(fresh.prisma, { CONSOLE_DATA_DIR: dataDir }, (line) => printed.push(line)),
          { created: false },
        );
        assert.equal(printed.length, 1);
        // Once the admin chose a password, the printed one's file goes.
        process.env.CONSOLE_DATA_DIR = dataDir;
        try {
          const changed = await freshAuth.handler(
            new Request(`${ORIGIN}/api/auth/change-password`, {
              method: 'POST',
              headers: { 'content-type': 'application/json', origin: ORIGIN, cookie: session.cookie! },
              body: JSON.stringify({
                currentPassword: password,
                newPassword: 'a-password-of-my-own',
                revokeOtherSessions: true,
              }),
            }),
          );
          assert.equal(changed.status, 200);
        } finally {
          delete process.env.CONSOLE_DATA_DIR;
        }
        assert.ok(!fs.existsSync(file));
        assert.equal((await signIn(freshAuth, 'admin', 'a-password-of-my-own')).status, 200);
        assert.deepEqual(
          (await listAuditEvents(fresh.prisma, { action: 'auth.change-password' })).map((e) => [e.actor, e.result]),
          [['admin', 'ok']],
        );
      } finally {
        await fresh.close();
      }
      const configured = openMetaStore((await freshMetaStoreUrls()).find((s) => s.kind === kind)!.url);
      try {
        const quiet: string[] = [];
        await ensureFirstAdmin(
          configured.prisma,
          { CONSOLE_DATA_DIR: `${dataDir}2`, CONSOLE_ADMIN_PASSWORD: 'chosen-by-the-operator' },
          (line) => quiet.push(line),
        );
        assert.ok(!quiet.join('\n').includes('chosen-by-the-operator'));
        assert.ok(!fs.existsSync(path.join(`${dataDir}2`, 'admin-password')));
        const configuredAuth = createConsoleAuth({
          meta: configured,
          secret: 'a-test-secret-of-at-least-thirty-two-characters',
          origins,
          policy,
        });
        assert.equal((await signIn(configuredAuth, 'admin', 'chosen-by-the-operator')).status, 200);
      } finally {
        await configured.close();
      }
    });

    it('manages users and tokens from ctl, audited as cli:<os user>, and lists the audit log', async () => {
      const ctl = ctlOn(url);
      const added = await ctl('user', 'add', 'Frank', '--role', 'operator', '--json');
      assert.equal(added.code, 0, added.stderr);
      const { username, role, password } = JSON.parse(added.stdout);
      assert.deepEqual([username, role], ['frank', 'operator']);
      assert.equal((await signIn(auth, 'frank', password)).status, 200);
      assert.equal((await ctl('user', 'add', 'frank', '--role', 'viewer')).code, 1, 'a second frank is refused');
      assert.equal((await ctl('user', 'add', 'grace')).code, 2, '--role is needed');
      assert.equal((await ctl('user', 'add', 'x!', '--role', 'viewer')).code, 1);
      const users = JSON.parse((await ctl('user', 'list', '--json')).stdout) as {
        username: string;
        role: string;
        disabled: boolean;
      }[];
      assert.deepEqual(
        users.find((u) => u.username === 'frank'),
        { ...users.find((u) => u.username === 'frank'), role: 'operator', disabled: false },
      );
      assert.equal((await ctl('user', 'disable', 'frank')).code, 0);
      assert.notEqual((await signIn(auth, 'frank', password)).status, 200);
      assert.equal((await ctl('user', 'enable', 'frank')).code, 0);
      const reset = JSON.parse((await ctl('user', 'reset-password', 'frank', '--json')).stdout);
      assert.notEqual(reset.password, password);
      assert.equal((await signIn(auth, 'frank', reset.password)).status, 200);
      assert.equal((await ctl('user', 'set-role', 'frank', '--role', 'admin')).code, 0);

      const created = await ctl('token', 'create', '--name', 'ci-token', '--scope', 'operate', '--expires-in', '7d');
      assert.equal(created.code, 0, created.stderr);
      const token = created.stdout.trim();
      assert.match(token, /^mbc_[A-Za-z0-9_-]{43}$/, 'only the token is printed');
      assert.deepEqual(await checkToken(meta.prisma, token), { ok: true, name: 'ci-token', role: 'operator' });
      assert.equal((await ctl('token', 'create', '--name', 'x', '--scope', 'root')).code, 1);
      assert.equal((await ctl('token', 'create', '--name', 'y', '--scope', 'read', '--expires-in', 'soon')).code, 1);
      const listed = JSON.parse((await ctl('token', 'list', '--json')).stdout) as {
        name: string;
        scope: string;
        revokedAt: string | null;
      }[];
      assert.equal(listed.find((t) => t.name === 'ci-token')?.scope, 'operate');
      assert.ok(!JSON.stringify(listed).includes(token));
      assert.equal((await ctl('token', 'revoke', 'ci-token')).code, 0);
      assert.equal((await ctl('token', 'revoke', 'ci-token')).code, 1);
      assert.deepEqual(await checkToken(meta.prisma, token), { ok: false, name: 'ci-token', reason: 'revoked' });

      const audit = JSON.parse((await ctl('audit', '--limit', '200', '--json')).stdout) as {
        actor: string;
        action: string;
        result: string;
        target: string;
      }[];
      const mine = audit.filter((e) => e.actor.startsWith('cli:')).map((e) => `${e.action} ${e.result}`);
      assert.deepEqual(mine.reverse(), [
        'user.create ok',
        'user.create CONFLICT',
        'user.create INVALID_INPUT',
        'user.disable ok',
        'user.enable ok',
        'user.reset-password ok',
        'user.set-role ok',
        'token.create ok',
        'token.create INVALID_INPUT',
        'token.create INVALID_INPUT',
        'token.revoke ok',
        'token.revoke INVALID_INPUT',
      ]);
      assert.ok(
        !JSON.stringify(audit).includes(reset.password) && !JSON.stringify(audit).includes(token),
        'no secret in the audit log',
      );
    });
  });
}
