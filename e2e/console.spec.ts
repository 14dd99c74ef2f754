// A new operator's walk through the console, on each target.
import { expect, test } from '@playwright/test';
import { openObjectStore } from '../lib/object-store/index.ts';
import { firstAdminPassword, screenshot, setSystemParameter, signIn, targetOf } from './support';

test.describe.configure({ mode: 'serial' });

test('back up, inspect, delete, move the storage and see an outage', async ({ page }, info) => {
  const target = targetOf(info);

  await test.step('sign in as the admin the console printed on its first start', async () => {
    await page.goto('/');
    await expect(page).toHaveURL(/\/sign-in\?next=%2F$/);
    await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
    await page.getByLabel('User name').fill('admin');
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect(page.getByText('The user name or password is wrong.')).toBeVisible();
    await screenshot(page, info, '00-sign-in');
    await signIn(page, 'admin', firstAdminPassword(target));
    await expect(page.getByTestId('user-role')).toHaveText('admin');
  });

  await test.step('the snapshots page starts empty', async () => {
    await page.goto('/');
    await expect(page.getByRole('heading', { name: 'Snapshots', level: 1 })).toBeVisible();
    await expect(page.getByTestId('snapshots-empty')).toBeVisible();
    await screenshot(page, info, '01-snapshots-empty');
  });

  await test.step('back up with remarks and watch the job reach SUCCEEDED', async () => {
    await page.getByLabel('Remarks (optional)').fill('before the e2e upgrade');
    await page.getByLabel('Verify after backup').check();
    await page.getByRole('button', { name: 'Back up now' }).click();
    const card = page.getByTestId('job-card');
    await expect(card).toBeVisible();
    await expect(card.getByTestId('job-status')).toHaveText('SUCCEEDED', { timeout: 60_000 });
    await expect(card).toContainText('Rows written');
    // The job itself reads its snapshot back, and its card says so.
    await expect(card.getByTestId('job-verification')).toHaveText('Snapshot verified: read back and checked.', {
      timeout: 30_000,
    });
    const row = page.getByTestId('snapshots-table').locator('tbody tr', { hasText: 'before the e2e upgrade' });
    await expect(row).toBeVisible();
    await expect(row).toContainText('800');
    const history = page.getByRole('region', { name: 'Backup history' });
    await expect(history.getByRole('figure', { name: /^Snapshot size/ })).toBeVisible();
    await expect(history.getByRole('img', { name: /^Job duration of the last successful job/ })).toBeVisible();
    await screenshot(page, info, '02-snapshots-after-backup');
  });

  await test.step('open the snapshot and see what it holds and pins', async () => {
    await page.getByTestId('snapshots-table').getByRole('link', { name: '1', exact: true }).click();
    await expect(page.getByRole('heading', { name: 'Snapshot 1' })).toBeVisible();
    await expect(page.getByRole('table', { name: 'Relations in this snapshot' })).toContainText('table_');
    await expect(page.getByText('800 in all')).toBeVisible();
    const ssts = page.getByRole('list', { name: 'Pinned SSTs of this snapshot' });
    await expect(ssts.getByRole('listitem')).toHaveCount(100);
    const firstId = (await ssts.getByRole('listitem').first().textContent())!.trim();
    await page.getByLabel('Search by object id').fill(firstId);
    await expect(ssts.getByRole('listitem')).toHaveCount(1);
    await expect(ssts.getByRole('listitem')).toHaveText(firstId);
    await page.getByLabel('Search by object id').fill('12a');
    await expect(page.getByText('Object ids are digits only.')).toBeVisible();
    await page.getByLabel('Search by object id').fill('');
    await expect(page.getByTestId('verification')).toContainText('Verified', { timeout: 30_000 }); // verified after the backup
    await page.getByRole('button', { name: 'Verify', exact: true }).click();
    await expect(page.getByTestId('verification')).toContainText('1,600 rows');
    await screenshot(page, info, '03-snapshot-detail');
    // A restore drill: restored into a scratch store and every table counted.
    await page.getByRole('button', { name: 'Run a restore drill' }).click();
    await expect(page.getByTestId('drill')).toContainText('Restore drill passed', { timeout: 60_000 });
    await expect(page.getByTestId('drill')).toContainText('rows restored and counted');
    await screenshot(page, info, '17-restore-drill');
    await page.getByRole('link', { name: 'Snapshots', exact: true }).first().click();
    await expect(page.getByTestId('last-drill')).toContainText('passed');
    await expect(page.getByTestId('freshness')).toContainText('objective: one every 1 d');
  });

  await test.step('see the pinned SSTs', async () => {
    await page.getByRole('link', { name: 'Pinned SSTs' }).click();
    await expect(page.getByTestId('pinned-total')).toHaveText('800');
    const pinned = page.getByRole('table', { name: 'Pinned SSTs' });
    await expect(pinned.locator('tbody tr')).toHaveCount(100);
    await expect(pinned.locator('tbody tr').first().locator('td').nth(1)).toHaveText('1');
    await page.getByRole('button', { name: 'Next' }).click();
    await expect(page.getByText('Page 2')).toBeVisible();
    await screenshot(page, info, '04-pinned-ssts');
  });

  await test.step('delete the snapshot and see the pins go', async () => {
    await page.goto('/snapshots/1');
    await page.getByRole('button', { name: 'Delete snapshot…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete snapshot 1?' });
    await expect(dialog.getByTestId('delete-preview')).toContainText('800 SSTs');
    await expect(dialog.getByTestId('delete-preview')).toContainText('pinned only by it');
    await screenshot(page, info, '05-delete-confirmation');
    await dialog.getByRole('button', { name: 'Delete snapshot' }).click();
    await expect(page).toHaveURL(/\/$/);
    await expect(page.getByTestId('snapshots-empty')).toBeVisible();
    await page.getByRole('link', { name: 'Pinned SSTs' }).click();
    await expect(page.getByTestId('pinned-total')).toHaveText('0');
  });

  await test.step('the jobs page keeps the history', async () => {
    await page.getByRole('link', { name: 'Jobs' }).click();
    await expect(page.getByTestId('jobs-table').locator('tbody tr').first()).toContainText('SUCCEEDED');
    await screenshot(page, info, '06-jobs');
  });

  await test.step('change the storage directory: the list empties; change it back: it returns', async () => {
    await page.goto('/');
    await page.getByLabel('Remarks (optional)').fill('kept in the first location');
    await page.getByRole('button', { name: 'Back up now' }).click();
    await expect(page.getByTestId('job-status')).toHaveText('SUCCEEDED', { timeout: 60_000 });
    await expect(page.getByTestId('snapshots-table')).toContainText('kept in the first location');

    await page.getByRole('link', { name: 'Settings' }).click();
    await expect(page.getByTestId('current-url')).not.toContainText('testsecret');
    await page.getByLabel('Backup storage directory').fill('../escape');
    await page.getByRole('button', { name: 'Save…' }).click();
    await expect(page.getByText("The directory must not contain '.' or '..'.")).toBeVisible();
    await page.getByLabel('Backup storage directory').fill('e2e/elsewhere');
    await page.getByRole('button', { name: 'Test connection' }).click();
    await expect(page.getByTestId('settings-status')).toContainText('Connection works');
    await page.getByRole('button', { name: 'Save…' }).click();
    const confirm = page.getByRole('dialog', { name: 'Change the backup storage?' });
    await expect(confirm).toContainText('1 snapshot in the current location stop being listed');
    await screenshot(page, info, '07-settings-confirm');
    await confirm.getByRole('button', { name: 'Change storage' }).click();
    await expect(page.getByTestId('settings-status')).toContainText('holding 0 snapshots');
    await page.getByRole('link', { name: 'Snapshots' }).click();
    await expect(page.getByTestId('snapshots-empty')).toBeVisible();

    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByLabel('Backup storage URL').fill('minio://key:secret@127.0.0.1:1/nowhere');
    await page.getByRole('button', { name: 'Save…' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Change storage' }).click();
    await expect(page.getByTestId('settings-status')).toContainText(
      'Not saved; the previous location stays. this storage location cannot be used: cannot list e2e/elsewhere/ in minio://key:****@127.0.0.1:1/nowhere: no S3 server answered',
    );
    await page.getByLabel('Backup storage URL').fill('');
    await page.getByLabel('Backup storage directory').fill('hummock_001/backup');
    await page.getByRole('button', { name: 'Save…' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Change storage' }).click();
    await expect(page.getByTestId('settings-status')).toContainText('holding 1 snapshot.');
    await screenshot(page, info, '08-settings');
    await page.getByRole('link', { name: 'Snapshots' }).click();
    await expect(page.getByTestId('snapshots-table')).toContainText('kept in the first location');
  });

  await test.step('an unreachable store shows a banner on every page and disables mutations', async () => {
    await setSystemParameter(target, 'backup_storage_url', 'minio://key:secret@127.0.0.1:1/unreachable');
    try {
      for (const path of ['/', '/jobs', '/settings']) {
        await page.goto(path);
        await expect(page.getByTestId('storage-banner')).toBeVisible();
        await expect(page.getByTestId('storage-banner')).not.toContainText('secret@');
      }
      await page.goto('/');
      await expect(page.getByRole('button', { name: 'Back up now' })).toBeDisabled();
      await screenshot(page, info, '09-storage-unreachable');
    } finally {
      await setSystemParameter(target, 'backup_storage_url', target.backupUrl);
    }
    await page.goto('/');
    await expect(page.getByTestId('storage-banner')).toHaveCount(0);
    await expect(page.getByRole('button', { name: 'Back up now' })).toBeEnabled();
  });

  await test.step('compare two snapshots, and sweep an orphan object', async () => {
    await page.goto('/');
    await page.getByLabel('Remarks (optional)').fill('one more');
    await page.getByRole('button', { name: 'Back up now' }).click();
    await expect(page.getByTestId('job-status')).toHaveText('SUCCEEDED', { timeout: 60_000 });
    await expect(page.getByTestId('snapshots-table').locator('tbody tr')).toHaveCount(2);
    await page.getByLabel('Select all snapshots').check();
    await page.getByRole('link', { name: 'Compare the 2 selected' }).click();
    await expect(page.getByTestId('diff-summary')).toContainText('SSTs added');
    await expect(page.getByRole('heading', { name: /Relations added/ })).toContainText('(0)');
    await screenshot(page, info, '11-compare');

    const store = openObjectStore(target.backupUrl);
    await store.put('hummock_001/backup/4242.snapshot', 'left behind by a crash');
    await store.close();
    await page.getByRole('link', { name: 'Settings' }).click();
    await expect(page.getByRole('table', { name: 'Orphan objects' })).toContainText('hummock_001/backup/4242.snapshot');
    await page.getByRole('button', { name: 'Delete 1 orphan objects…' }).click();
    await page
      .getByRole('dialog', { name: 'Delete 1 orphan objects?' })
      .getByRole('button', { name: 'Delete orphans' })
      .click();
    await expect(page.getByTestId('orphans-none')).toBeVisible();
  });

  await test.step('readable on a phone', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto('/');
    await expect(page.getByRole('button', { name: 'Back up now' })).toBeVisible();
    await screenshot(page, info, '10-snapshots-phone');
  });
});
