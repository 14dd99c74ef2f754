// Single sign-on through a real OpenID provider on loopback (e2e/oidc-provider.ts): the role comes
// from the groups claim; a person no group maps is refused.
import { expect, test, type Page } from '@playwright/test';
import { screenshot } from './support';

test.describe.configure({ mode: 'serial' });

async function signInWithProvider(page: Page, login: string): Promise<void> {
  await page.goto('/sign-in');
  await page.getByRole('button', { name: 'Sign in with the test provider' }).click();
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill('any password: the development login takes any');
  await page.getByRole('button', { name: 'Sign-in' }).click();
  await page.getByRole('button', { name: 'Continue' }).click();
}

test('single sign-on maps the groups claim to a role, and refuses a person with no role', async ({ browser }, info) => {
  const context = await browser.newContext({ baseURL: info.project.use.baseURL });
  const page = await context.newPage();
  await signInWithProvider(page, 'sso-admin');
  await expect(page.getByTestId('user-role')).toHaveText('admin');
  await expect(page.getByTestId('user-menu')).toContainText('sso-admin@example.test');
  await page.goto('/users');
  const row = page.getByTestId('users-table').locator('tr', { hasText: 'sso-admin@example.test' });
  await expect(row).toContainText('oidc');
  await expect(row).toContainText('admin (from the provider)');
  await screenshot(page, info, '16-users-with-sso');
  await context.close();

  const viewerContext = await browser.newContext({ baseURL: info.project.use.baseURL });
  const viewer = await viewerContext.newPage();
  await signInWithProvider(viewer, 'sso-viewer');
  await expect(viewer.getByTestId('user-role')).toHaveText('viewer');
  await viewerContext.close();

  const strangerContext = await browser.newContext({ baseURL: info.project.use.baseURL });
  const stranger = await strangerContext.newPage();
  await signInWithProvider(stranger, 'sso-stranger');
  await expect(stranger).toHaveURL(/\/sign-in\?error=/);
  await expect(stranger.getByText('Your single sign-on account has no role in this console.')).toBeVisible();
  await expect(stranger.getByTestId('user-menu')).toHaveCount(0);
  await strangerContext.close();
});
