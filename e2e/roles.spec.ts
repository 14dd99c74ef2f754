// An admin adds an operator and a viewer; each sees only what their role may use. Tokens and the
// audit log, as an admin uses them.
import { expect, request as playwrightRequest, test, type Browser, type Page, type TestInfo } from '@playwright/test';
import { firstAdminPassword, screenshot, signIn, targetOf } from './support';

test.describe.configure({ mode: 'serial' });

async function signedInPage(browser: Browser, info: TestInfo, username: string, password: string): Promise<Page> {
  const context = await browser.newContext({
    baseURL: info.project.use.baseURL,
    viewport: { width: 1366, height: 900 },
  });
  const page = await context.newPage();
  await page.goto('/');
  await signIn(page, username, password);
  return page;
}

async function addUser(admin: Page, username: string, role: string): Promise<string> {
  await admin.goto('/users');
  await admin.getByLabel('User name').fill(username);
  await admin.getByLabel('Role', { exact: true }).selectOption(role);
  await admin.getByRole('button', { name: 'Add user' }).click();
  const secret = admin.getByTestId('one-time-secret');
  await expect(secret).toContainText(`Password of ${username}`);
  return (await secret.getByTestId('secret-value').textContent())!.trim();
}

test('an admin adds an operator and a viewer, and each sees what their role allows', async ({ browser }, info) => {
  const target = targetOf(info);
  const admin = await signedInPage(browser, info, 'admin', firstAdminPassword(target));
  const opsPassword = await addUser(admin, 'ops', 'operator');
  const viewerPassword = await addUser(admin, 'watcher', 'viewer');
  await expect(admin.getByTestId('users-table')).toContainText('ops');
  await expect(admin.getByTestId('users-table')).toContainText('watcher');
  await screenshot(admin, info, '12-users');

  await test.step('the operator backs up, but sees no delete, storage change or admin page', async () => {
    const ops = await signedInPage(browser, info, 'ops', opsPassword);
    await expect(ops.getByTestId('user-role')).toHaveText('operator');
    await expect(ops.getByRole('link', { name: 'Users' })).toHaveCount(0);
    await ops.getByLabel('Remarks (optional)').fill('by the operator');
    await ops.getByRole('button', { name: 'Back up now' }).click();
    await expect(ops.getByTestId('job-status')).toHaveText('SUCCEEDED', { timeout: 60_000 });
    await expect(ops.getByRole('button', { name: /Delete/ })).toHaveCount(0);
    await ops
      .getByTestId('snapshots-table')
      .locator('tbody tr', { hasText: 'by the operator' })
      .getByRole('link')
      .first()
      .click();
    await expect(ops.getByRole('button', { name: 'Verify', exact: true })).toBeVisible();
    await expect(ops.getByRole('link', { name: 'Download snapshot file' })).toHaveCount(0);
    await ops.goto('/settings');
    await expect(ops.getByTestId('storage-readonly')).toBeVisible();
    await expect(ops.getByRole('button', { name: 'Save…' })).toHaveCount(0);
    await ops.goto('/users');
    await expect(ops).toHaveURL(/\/forbidden\?need=admin$/);
    await expect(ops.getByText('This page needs the admin role')).toBeVisible();
    await ops.context().close();
  });

  await test.step('the viewer reads, and starts nothing', async () => {
    const viewer = await signedInPage(browser, info, 'watcher', viewerPassword);
    await expect(viewer.getByTestId('user-role')).toHaveText('viewer');
    await expect(viewer.getByText('Backing up needs the operator role.')).toBeVisible();
    await expect(viewer.getByRole('button', { name: 'Back up now' })).toHaveCount(0);
    await expect(viewer.getByTestId('snapshots-table')).toContainText('by the operator');
    await viewer
      .getByTestId('snapshots-table')
      .locator('tbody tr', { hasText: 'by the operator' })
      .getByRole('link')
      .first()
      .click();
    await expect(viewer.getByRole('heading', { name: /^Snapshot \d+$/ })).toBeVisible();
    await expect(viewer.getByRole('button', { name: 'Verify', exact: true })).toHaveCount(0);
    await expect(viewer.getByRole('link', { name: 'Download snapshot file' })).toHaveCount(0);
    await screenshot(viewer, info, '13-viewer-snapshot');
    const refused = await viewer.request.post('/api/jobs', {
      data: {},
      headers: { origin: new URL(viewer.url()).origin },
    });
    expect(refused.status()).toBe(403);

    await test.step('disabled by the admin, the viewer is signed out at the next click', async () => {
      await admin.goto('/users');
      await admin.getByRole('button', { name: 'Disable watcher' }).click();
      await expect(admin.getByTestId('users-table').locator('tr', { hasText: 'watcher' })).toContainText('disabled');
      await viewer.getByRole('link', { name: 'Jobs' }).click();
      await expect(viewer).toHaveURL(/\/sign-in/);
    });
    await viewer.context().close();
  });

  await test.step('a read token reads and cannot start a backup; revoked, it reads nothing', async () => {
    await admin.goto('/tokens');
    await admin.getByLabel('Name').fill('sst-gc');
    await admin.getByLabel('Scope').selectOption('read');
    await admin.getByLabel('Expires in').fill('30d');
    await admin.getByRole('button', { name: 'Create token' }).click();
    const token = (await admin.getByTestId('secret-value').textContent())!.trim();
    await screenshot(admin, info, '14-tokens');
    const api = await playwrightRequest.newContext({
      baseURL: info.project.use.baseURL,
      extraHTTPHeaders: { authorization: `Bearer ${token}` },
    });
    expect((await api.get('/api/snapshots')).status()).toBe(200);
    expect((await api.post('/api/jobs', { data: {} })).status()).toBe(403);
    admin.once('dialog', (dialog) => dialog.accept());
    await admin.getByRole('button', { name: 'Revoke sst-gc' }).click();
    await expect(admin.getByTestId('tokens-table').locator('tr', { hasText: 'sst-gc' })).toContainText('revoked');
    const revoked = await api.get('/api/snapshots');
    expect(revoked.status()).toBe(401);
    expect((await revoked.json()).error.message).toBe('the API token has been revoked');
    await api.dispose();
  });

  await test.step('the audit page shows who did what, filters and exports', async () => {
    await admin.goto('/audit');
    const table = admin.getByTestId('audit-table');
    await expect(table).toContainText('user.create');
    await expect(table).toContainText('token.revoke');
    await expect(table).toContainText('auth.token');
    await screenshot(admin, info, '15-audit');
    await admin.getByLabel('Actor').fill('ops');
    await admin.getByRole('button', { name: 'Filter' }).click();
    await expect(table.locator('tbody tr').first()).toContainText('ops');
    await expect(table).toContainText('job.start');
    await expect(table).not.toContainText('user.create');
    const csv = await admin.request.get('/api/audit/csv?actor=ops');
    expect(csv.headers()['content-type']).toContain('text/csv');
    const lines = (await csv.text()).trimEnd().split('\r\n');
    expect(lines[0]).toBe('id,at,actor,address,userAgent,action,target,result,message,requestId');
    expect(lines.slice(1).every((line) => line.split(',')[2] === 'ops')).toBe(true);
  });
  await admin.context().close();
});
