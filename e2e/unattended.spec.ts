// Backups that run themselves, walked in the browser: a schedule fires within the test and its
// run is seen, a snapshot is marked keep, a retention rule is previewed, saved and applied, and a
// failed backup's alert reaches a real webhook receiver on loopback and the delivery history.
// Runs last (specs run in name order): it leaves a retention rule behind.
import { expect, test } from '@playwright/test';
import { openObjectStore } from '../lib/object-store/index.ts';
import { httpReceiver } from '../test/support/alert-receivers.ts';
import { firstAdminPassword, nextBackupId, screenshot, signIn, targetOf } from './support';

test.describe.configure({ mode: 'serial' });

interface ManifestView {
  snapshot_metadata: { id: string }[];
}

test('a schedule fires, a snapshot is kept, retention is previewed and saved, a failed backup alerts', async ({
  page,
}, info) => {
  test.setTimeout(300_000);
  const target = targetOf(info);
  const receiver = await httpReceiver();
  const planted: string[] = [];
  // The console asks before removing a schedule or a channel.
  page.on('dialog', (dialog) => void dialog.accept());
  const received = (kind: string) =>
    receiver
      .to('/hook')
      .map((r) => JSON.parse(r.body) as { kind: string; details: Record<string, unknown> })
      .filter((alert) => alert.kind === kind);
  const snapshotIds = async () => {
    const manifest = (await (await page.request.get('/api/snapshots')).json()) as ManifestView;
    return manifest.snapshot_metadata.map((s) => BigInt(s.id)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  };

  try {
    await page.goto('/');
    await signIn(page, 'admin', firstAdminPassword(target));

    await test.step('add a webhook channel and send it a test', async () => {
      await page.getByRole('link', { name: 'Alerts' }).click();
      await expect(page.getByRole('heading', { name: 'Alerts', level: 1 })).toBeVisible();
      await page.getByLabel('Name', { exact: true }).fill('e2e-hook');
      await page.getByLabel('URL', { exact: true }).fill(`${receiver.base}/hook`);
      await page.getByLabel('Signing secret').fill('e2e-signing-secret');
      await page.getByRole('button', { name: 'Add channel' }).click();
      await expect(page.getByText('Added e2e-hook.')).toBeVisible();
      const channels = page.getByTestId('alert-channels');
      await expect(channels).toContainText('e2e-hook');
      await expect(channels).not.toContainText('e2e-signing-secret');
      await page.getByRole('button', { name: 'Send test to e2e-hook' }).click();
      await expect(channels).toContainText('delivered (HTTP 200)');
      expect(receiver.to('/hook').map((r) => r.headers['x-mbc-event'])).toEqual(['alert.test']);
    });

    await test.step('add a schedule that fires at the next minute and see its run', async () => {
      await page.getByRole('link', { name: 'Schedules' }).click();
      const form = page.getByTestId('schedule-form');
      await form.getByLabel('Name', { exact: true }).fill('e2e-every-minute');
      await form.getByLabel(/^Cron/).fill('* * * * *');
      await form.getByLabel(/^Time zone/).fill('UTC');
      await form.getByLabel(/^Remarks/).fill('by the e2e schedule {time}');
      await expect(page.getByTestId('cron-preview')).toContainText('Next runs');
      await form.getByRole('button', { name: 'Add schedule' }).click();
      await expect(page.getByText('Added e2e-every-minute.')).toBeVisible();
      const row = page.getByTestId('schedules-table').locator('tbody tr', { hasText: 'e2e-every-minute' });
      await expect(row).toContainText('never ran');
      await expect(async () => {
        await page.reload();
        await expect(row).toContainText('started job', { timeout: 1_000 });
      }).toPass({ timeout: 100_000, intervals: [2_000] });
      const jobId = (await row.getByRole('link', { name: /^\d+$/ }).textContent())!.trim();
      await expect
        .poll(
          async () => ((await (await page.request.get(`/api/jobs/${jobId}`)).json()) as { status: string }).status,
          {
            timeout: 60_000,
          },
        )
        .toBe('SUCCEEDED');
      const job = (await (await page.request.get(`/api/jobs/${jobId}`)).json()) as {
        startedBy: string;
        remarks: string;
      };
      expect(job.startedBy).toBe('schedule:e2e-every-minute');
      expect(job.remarks).toMatch(/^by the e2e schedule \d\d:\d\d$/);
      await expect(page.getByTestId('schedule-runs-table')).toContainText('e2e-every-minute');
      await screenshot(page, info, '18-schedules');
      // Its own page: the history, and a change of time in another zone, previewed before it is saved.
      await row.getByRole('link', { name: 'e2e-every-minute' }).click();
      await expect(page.getByRole('heading', { name: 'Schedule e2e-every-minute' })).toBeVisible();
      await expect(page.getByTestId('schedule-history')).toContainText(`job ${jobId}`);
      const edit = page.getByTestId('edit-schedule-form');
      await edit.getByLabel(/^Cron/).fill('30 2 * * *');
      await edit.getByLabel(/^Time zone/).fill('Europe/Berlin');
      await expect(edit.getByTestId('cron-preview')).toContainText('Europe/Berlin');
      await expect(edit.getByTestId('cron-preview')).toContainText('02:30');
      await edit.getByRole('button', { name: 'Save changes' }).click();
      await expect(edit.getByText('Saved.')).toBeVisible();
      await expect(page.getByTestId('schedule-facts')).toContainText('30 2 * * *');
      await expect(page.getByTestId('schedule-facts')).toContainText('Europe/Berlin');
      await screenshot(page, info, '21-schedule');
      await page.getByRole('link', { name: 'Schedules', exact: true }).first().click();
      await row.getByRole('checkbox', { name: 'e2e-every-minute enabled' }).click();
      await expect(row.getByRole('checkbox', { name: 'e2e-every-minute enabled' })).not.toBeChecked();
      await row.getByRole('button', { name: 'Remove the schedule e2e-every-minute' }).click();
      await expect(page.getByTestId('schedules-table')).not.toContainText('e2e-every-minute');
    });

    await test.step('back up until there are three snapshots (the walks before leave some)', async () => {
      await page.getByRole('link', { name: 'Snapshots', exact: true }).first().click();
      while ((await snapshotIds()).length < 3) {
        await page.getByLabel('Remarks (optional)').fill('one more for retention');
        await page.getByRole('button', { name: 'Back up now' }).click();
        await expect(page.getByTestId('job-status')).toHaveText('SUCCEEDED', { timeout: 60_000 });
        await page.reload();
      }
    });

    const [oldest] = await snapshotIds();
    await test.step('mark the oldest snapshot keep, with why', async () => {
      await page.getByRole('link', { name: 'Snapshots', exact: true }).first().click();
      await page.getByRole('button', { name: `Keep snapshot ${oldest}` }).click();
      await page.getByLabel(`Why keep snapshot ${oldest}`).fill('e2e: the last one before the upgrade');
      await page.getByRole('button', { name: 'Keep', exact: true }).click();
      await expect(page.getByRole('button', { name: `Remove the keep mark of snapshot ${oldest}` })).toBeVisible();
      await expect(page.getByTestId('snapshots-table')).toContainText('e2e: the last one before the upgrade');
    });

    await test.step('preview a retention rule, save it and apply it', async () => {
      const before = await snapshotIds();
      const newest = before[before.length - 1]!;
      await page.getByRole('link', { name: 'Retention' }).click();
      await page.getByLabel('Keep the last').fill('1');
      await page.getByRole('button', { name: 'Preview', exact: true }).click();
      const plan = page.getByTestId('retention-plan');
      await expect(page.getByRole('heading', { name: 'Dry run: what this rule would do now' })).toBeVisible();
      const planRow = (id: bigint) =>
        plan.locator('tbody tr').filter({ has: page.locator('td.num', { hasText: new RegExp(`^${id}$`) }) });
      await expect(planRow(oldest!)).toHaveAttribute('data-action', 'keep');
      await expect(planRow(oldest!)).toContainText('marked keep');
      await expect(planRow(newest)).toHaveAttribute('data-action', 'keep');
      await expect(planRow(newest)).toContainText('the newest snapshot, keep-last 1');
      await expect(plan.locator('tr[data-action="delete"]')).toHaveCount(before.length - 2);
      expect(await snapshotIds(), 'a preview deletes nothing').toEqual(before);
      await page.getByRole('button', { name: 'Save rule' }).click();
      await expect(page.getByTestId('rule-saved')).toContainText('Saved by admin');
      await screenshot(page, info, '19-retention');
      await page.getByRole('button', { name: 'Apply now' }).click();
      const deleted = before.filter((id) => id !== oldest && id !== newest);
      const said = page.getByText(/^Deleted [\d, ]+\.$/);
      await expect(said).toBeVisible();
      const saidIds = (await said.textContent())!.match(/\d+/g)!.map(BigInt);
      expect(saidIds.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))).toEqual(deleted);
      expect(await snapshotIds()).toEqual([oldest!, newest]);
      // The channel subscribes to every kind: it is told what retention deleted.
      await expect.poll(() => received('retention.deleted').length, { timeout: 30_000 }).toBe(1);
    });

    await test.step("a failed backup's alert is delivered and in the history", async () => {
      const config = (await (await page.request.get('/api/config')).json()) as { directory: string };
      const next = await nextBackupId(target);
      // An object already where the next snapshot goes: the upload refuses to overwrite it.
      const store = openObjectStore(target.backupUrl);
      const key = `${config.directory}/${next}.snapshot`;
      await store.put(key, 'left by another installation');
      planted.push(key);
      await store.close();
      await page.getByRole('link', { name: 'Snapshots', exact: true }).first().click();
      await page.getByLabel('Remarks (optional)').fill('meant to fail');
      await page.getByRole('button', { name: 'Back up now' }).click();
      const card = page.getByTestId('job-card');
      await expect(card.getByTestId('job-status')).toHaveText('FAILED', { timeout: 60_000 });
      await expect(card).toContainText('already exists');
      await expect.poll(() => received('job.failed').length, { timeout: 30_000 }).toBe(1);
      expect(received('job.failed')[0]!.details.jobId).toBe(String(next));
      await page.getByRole('link', { name: 'Alerts' }).click();
      const delivery = page.getByTestId('alert-deliveries').locator('tbody tr', { hasText: 'job.failed' });
      await expect(delivery).toHaveCount(1);
      await expect(delivery).toContainText('e2e-hook');
      await expect(delivery).toContainText('delivered');
      await expect(delivery).toContainText('200');
      await screenshot(page, info, '20-alerts');
      await page.getByRole('button', { name: 'Remove e2e-hook' }).click();
      await expect(page.getByTestId('alert-channels')).not.toContainText('e2e-hook');
    });
  } finally {
    if (planted.length) {
      const store = openObjectStore(target.backupUrl);
      await store.deleteMany(planted);
      await store.close();
    }
    await receiver.close();
  }
});
