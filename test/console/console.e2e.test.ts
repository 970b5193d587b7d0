import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createApiApp } from '../../src/api/app';
import { createTokenStore } from '../../src/api/auth/tokens';
import { listen, type RunningServer } from '../../src/api/server';
import { eventually, startSyncWorld, WEBHOOK_SECRET, type SyncWorld } from '../harness/sync-world';
import { ensureConsoleBuilt } from './build-console';

/**
 * The console in Debian's chromium against a real API, control store, Temporal server, worker and
 * both sandboxes. Set DUALWRITE_CONSOLE_SCREENSHOTS=docs/images to refresh the screenshots in docs/.
 */
const CHROMIUM = process.env.DUALWRITE_CHROMIUM ?? '/usr/bin/chromium';
const ADMIN_TOKEN = 'console-test-admin-token-0123456789';
const VIEWER_TOKEN = 'console-test-viewer-token-0123456789';
const SCREENSHOTS = process.env.DUALWRITE_CONSOLE_SCREENSHOTS;
const WIDE = { width: 1280, height: 860 };
const NARROW = { width: 390, height: 844 };
const UI_TIMEOUT = 30_000;

let world: SyncWorld;
let api: RunningServer;
let browser: Browser;

/** Started inside the test: startSyncWorld registers its clean-up with the test that calls it. */
async function startConsoleWorld(t: TestContext): Promise<void> {
  ensureConsoleBuilt();
  world = await startSyncWorld({ companies: ['usmf'] });
  const { connectors, store, maps } = world;
  api = await listen(
    createApiApp({
      receivers: { inbox: store.inbox, maps, parsers: { finops: (b) => connectors.finops.parseEvent(b), dataverse: (b) => connectors.dataverse.parseEvent(b) }, client: world.env.client, secrets: { finops: WEBHOOK_SECRET, dataverse: WEBHOOK_SECRET } },
      store,
      client: world.env.client,
      maps,
      tokens: createTokenStore({ [ADMIN_TOKEN]: { name: 'alice', role: 'admin' }, [VIEWER_TOKEN]: { name: 'victor', role: 'viewer' } }),
      taskQueue: world.taskQueue,
      connectors,
    }),
    0,
  );
  // Registered before the launch: a browser that fails to start must not leave the API server
  // listening, which would keep this test process alive. The browser closes first: its
  // keep-alive connections would hold the API server open.
  let launched: Browser | undefined;
  t.after(async () => {
    await launched?.close();
    await api.stop();
  });
  browser = launched = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'],
  });
}

async function signIn(page: Page, token: string): Promise<void> {
  await page.goto(`${api.url}/`);
  await page.getByLabel('API token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Maps', level: 1 }).waitFor();
}

/** Screenshots at both widths, only when asked for (they are documentation, not assertions). */
async function snap(page: Page, name: string): Promise<void> {
  if (!SCREENSHOTS) return;
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `console-${name}-1280.png`), fullPage: true });
  await page.setViewportSize(NARROW);
  await page.screenshot({ path: join(SCREENSHOTS, `console-${name}-390.png`), fullPage: true });
  await page.setViewportSize(WIDE);
}

const inDataverse = async (id: string) => (await world.connectors.dataverse.readPage({ entitySet: 'msdyn_customergroups', filter: `msdyn_groupid eq '${id}'` })).rows.length > 0;
const liveState = async (map: string) => ((await (await fetch(`${api.url}/api/v1/maps/${map}/status`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).json()) as { state: string; status?: { pausedBy?: string } });

test('the console drives maps, the editor, the graph, errors, activity and alerts', { timeout: 300_000 }, async (t) => {
  await startConsoleWorld(t);
  const context = await browser.newContext({ viewport: WIDE });
  const page = await context.newPage();
  page.setDefaultTimeout(UI_TIMEOUT);
  const pageErrors: string[] = [];
  page.on('pageerror', (err) => pageErrors.push(err.message));
  const row = (map: string) => page.locator(`tr[data-map="${map}"]`);

  await world.withWorker(async () => {
    await t.test('sign-in refuses a wrong token, then signs in with the admin token', async () => {
      await page.goto(`${api.url}/`);
      await snap(page, 'signin');
      await page.getByLabel('API token').fill('not-a-configured-token-at-all');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('alert').filter({ hasText: 'invalid-token' }).waitFor();
      await signIn(page, ADMIN_TOKEN);
      await page.getByText('alice').first().waitFor();
    });

    await t.test('the keyboard reaches the skip link first', async () => {
      await page.keyboard.press('Tab');
      assert.equal(await page.locator(':focus').textContent(), 'Skip to content');
    });

    await t.test('enable a map with an initial sync: it runs', async () => {
      await row('customer-groups').getByLabel('Initial sync for customer-groups').selectOption('finops');
      await page.getByRole('button', { name: 'Enable customer-groups' }).click();
      await row('customer-groups').locator('.badge', { hasText: 'Running' }).waitFor({ timeout: 60_000 });
      assert.match(await row('customer-groups').getByRole('link', { name: /workflow/ }).getAttribute('href') ?? '', /\/namespaces\/default\/workflows\/dualwrite-map-customer-groups$/);
    });

    await t.test('pause the map: Paused, by the signed-in user', async () => {
      await page.getByRole('button', { name: 'Pause customer-groups' }).click();
      await row('customer-groups').locator('.badge', { hasText: 'Paused' }).waitFor();
      assert.equal((await liveState('customer-groups')).status?.pausedBy, 'alice');
      await snap(page, 'maps');
    });

    await t.test('the dependency graph highlights the paused map', async () => {
      await page.getByRole('link', { name: 'Dependencies' }).click();
      await page.locator('g.node.warn[data-map="customer-groups"]').waitFor();
      assert.equal(await page.locator('g.node[data-map="customers-v3-accounts"]').count(), 1);
      await page.getByRole('listitem').filter({ hasText: /^customers-v3-accounts/ }).filter({ hasText: 'customer-groups (dependsOn, lookup CustomerGroupId)' }).waitFor();
      await snap(page, 'graph');
      await page.getByRole('link', { name: 'Maps' }).click();
    });

    // Set by the park step: what resume(park) moved to the error queue (the two changes, and any echo of the initial sync still queued).
    let parked = 0;

    await t.test('resume with park: changes made while paused go to the error queue', async () => {
      const pending = () => world.store.inbox.count({ map: 'customer-groups', status: 'pending' });
      const before = await pending();
      await world.connectors.finops.writeBatch('CustomerGroups', ['ZK1', 'ZK2'].map((id) => ({ id, kind: 'upsert' as const, mode: 'create' as const, key: { dataAreaId: 'usmf', CustomerGroupId: id }, values: { Description: `group ${id}` } })));
      parked = await eventually('2 more pending changes', async () => {
        const now = await pending();
        return now >= before + 2 ? now : undefined;
      });
      await row('customer-groups').getByLabel('Resume mode for customer-groups').selectOption('park');
      await page.getByRole('button', { name: 'Resume customer-groups' }).click();
      await row('customer-groups').locator('.badge', { hasText: 'Running' }).waitFor();
      await eventually(`${parked} parked errors`, async () => (await world.store.errors.count({ map: 'customer-groups', class: 'parked', status: 'open' })) === parked);
      const keys = (await world.store.errors.list({ map: 'customer-groups', class: 'parked' })).items.map((e) => e.recordKey).join(' ');
      assert.match(keys, /ZK1/);
      assert.match(keys, /ZK2/);
      assert.equal(await inDataverse('ZK1'), false);
    });

    await t.test('the error queue filters, shows a record and retries the selected ones', async () => {
      await page.getByRole('link', { name: 'Errors' }).click();
      await page.getByLabel('Map').selectOption('customer-groups');
      await page.getByLabel('Class').selectOption('parked');
      await page.getByRole('button', { name: 'Apply filter' }).click();
      await eventually(`${parked} rows`, async () => (await page.locator('tr[data-error]').count()) === parked);
      await page.locator('tr[data-error]').filter({ hasText: 'ZK1' }).getByRole('button', { name: /Inspect error/ }).click();
      await page.getByRole('heading', { name: /Error \d+: customer-groups/ }).waitFor();
      await page.getByText('Message from the system').waitFor();
      await snap(page, 'errors');
      await page.getByLabel('Select all shown errors').check();
      await page.getByRole('button', { name: `Retry selected (${parked})` }).click();
      await page.getByRole('status').filter({ hasText: `Retried ${parked}` }).waitFor();
      await eventually('the retried groups in Dataverse', async () => (await inDataverse('ZK1')) && (await inDataverse('ZK2')), 60_000);
      await page.getByLabel('Status').selectOption('');
      for (const key of ['ZK1', 'ZK2']) {
        await eventually(`${key} resolved in the list`, async () => {
          await page.getByRole('button', { name: 'Apply filter' }).click();
          return (await page.locator('tr[data-error]').filter({ hasText: key }).locator('td', { hasText: /^resolved$/ }).count()) === 1;
        });
      }
    });

    await t.test('the map editor validates as you type, previews edits and publishes a new version', async () => {
      await page.getByRole('link', { name: 'Maps' }).click();
      await page.getByRole('link', { name: 'payment-terms', exact: true }).click();
      await page.getByRole('heading', { name: /payment-terms/, level: 1 }).waitFor();
      const paymentMethod = page.locator('[data-direction="finops-to-dataverse"] td[data-column="msdyn_paymentmethod"]');
      await paymentMethod.filter({ hasText: /^192350000$/ }).first().waitFor();

      const filter = page.getByLabel('F&O filter (OData $filter)');
      await filter.fill('PaymentMethod eq');
      await page.locator('#validation').filter({ hasText: /problem\(s\)/ }).waitFor();
      await filter.fill('');
      await page.locator('#validation').filter({ hasText: 'The definition is valid.' }).waitFor();

      const valueMap = page.getByRole('group', { name: /PaymentMethod/ }).getByLabel(/Value map/);
      const text = await valueMap.inputValue();
      assert.match(text, /^Net = 192350000$/m);
      await valueMap.fill(text.replace('Net = 192350000', 'Net = 192350099'));
      await paymentMethod.filter({ hasText: /^192350099$/ }).first().waitFor();
      assert.equal(await paymentMethod.filter({ hasText: /^192350000$/ }).count(), 0);
      await snap(page, 'editor');

      await page.getByRole('button', { name: 'Publish' }).click();
      await page.getByRole('status').filter({ hasText: 'Published payment-terms 1.0.1 by alice' }).waitFor();
      await page.getByRole('listitem').filter({ hasText: '1.0.1 by alice' }).waitFor();
      const published = await world.store.maps.get('payment-terms', '1.0.1');
      assert.match(published?.definition ?? '', /"Net": 192350099/);
    });

    await t.test('the activity log shows who did what', async () => {
      await page.getByRole('link', { name: 'Activity' }).click();
      await page.getByRole('listitem').filter({ hasText: 'pause requested by alice' }).first().waitFor();
      await page.getByRole('listitem').filter({ hasText: 'map payment-terms updated from 1.0.0 to 1.0.1 by alice' }).waitFor();
      await snap(page, 'activity');
    });

    await t.test('alert rules are created and edited', async () => {
      await page.getByRole('link', { name: 'Alerts' }).click();
      await page.getByRole('button', { name: 'New rule' }).click();
      await page.getByLabel('Name').fill('customer groups failing');
      await page.getByLabel('Map (* for every map)').fill('customer-groups');
      await page.getByLabel('Threshold').fill('5');
      await page.getByLabel('Error class').selectOption('validation');
      await page.getByRole('button', { name: 'Save rule' }).click();
      const rule = page.getByRole('row').filter({ hasText: 'customer groups failing' });
      await rule.filter({ hasText: '5+ validation errors in 15 min' }).waitFor();
      await page.getByRole('button', { name: 'Edit customer groups failing' }).click();
      await page.getByLabel('Action when firing').selectOption('pause');
      await snap(page, 'alerts');
      await page.getByRole('button', { name: 'Save rule' }).click();
      await rule.filter({ hasText: 'pause' }).waitFor();
      const stored = await world.store.alerts.listRules();
      assert.equal(stored.find((r) => r.name === 'customer groups failing')?.action, 'pause');
    });

    await t.test('a viewer is not offered what the role may not do', async () => {
      const context = await browser.newContext({ viewport: NARROW });
      const page = await context.newPage();
      page.setDefaultTimeout(UI_TIMEOUT);
      await signIn(page, VIEWER_TOKEN);
      await page.locator('tr[data-map="customer-groups"]').getByText('view only').waitFor();
      assert.equal(await page.getByRole('button', { name: /^(Pause|Resume|Stop|Enable) / }).count(), 0);
      await page.getByRole('link', { name: 'payment-terms', exact: true }).click();
      await page.getByText('Publishing needs the admin role').waitFor();
      assert.equal(await page.getByRole('button', { name: 'Publish' }).count(), 0);
      await page.getByRole('link', { name: 'Alerts' }).click();
      await page.getByRole('heading', { name: 'Rules' }).waitFor();
      assert.equal(await page.getByRole('button', { name: 'New rule' }).count(), 0);
      await context.close();
    });
  });

  assert.deepEqual(pageErrors, []);
  await context.close();
});
