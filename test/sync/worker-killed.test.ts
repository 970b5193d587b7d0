import assert from 'node:assert/strict';
import { test } from 'node:test';
import { initialSyncProgressQuery } from '../../src/contracts/map-messages';
import { enableWorkflowId, initialSyncWorkflowId } from '../../src/contracts/names';
import { enableMapsWorkflow } from '../../workflows';
import { eventually, startSyncWorld } from '../harness/sync-world';
import { uniqueId } from '../harness/temporal';
import { startWorkerProcess } from '../harness/spawn-worker';
import { status, TEST_OPTIONS } from './helpers';

/**
 * Two worker processes share one initial sync; the one doing the work is killed with SIGKILL
 * (no cleanup) in the middle of it, twice. The other takes the page over after the heartbeat
 * timeout and the sync completes: every F&O organization is in Dataverse exactly once.
 */
test('an initial sync survives SIGKILLed workers: nothing lost, nothing duplicated', async () => {
  const world = await startSyncWorld({ companies: ['usmf'], finopsSeed: { customers: 1200 }, webhooks: false });
  const workers = [await startWorkerProcess(world), await startWorkerProcess(world)];

  await world.env.client.workflow.start(enableMapsWorkflow, {
    taskQueue: world.taskQueue,
    workflowId: enableWorkflowId(uniqueId('kill')),
    args: [{ maps: ['customers-v3-accounts'], initialSync: { master: 'finops', pageSize: 20, pagesPerActivity: 2, heartbeatTimeoutSeconds: 3 }, options: TEST_OPTIONS }],
  });
  const load = world.env.client.workflow.getHandle(initialSyncWorkflowId('customers-v3-accounts', 1));
  for (const threshold of [100, 400]) {
    await eventually(`the load past ${threshold} rows`, async () => (await load.query(initialSyncProgressQuery)).read >= threshold, 60_000);
    // Kill whichever worker runs the current page: both, in turn, then start a fresh one.
    const victim = workers.shift()!;
    victim.kill('SIGKILL');
    workers.push(await startWorkerProcess(world));
  }
  const final = await eventually('the map to run live', async () => {
    const s = await status(world, 'customers-v3-accounts');
    return s.state === 'Running' ? s : undefined;
  }, 120_000);
  assert.equal(final.initialSync.result?.failed, 0, JSON.stringify(final.initialSync.result));

  const organizations = new Set<string>();
  let page = await world.connectors.finops.readPage({ entitySet: 'CustomersV3', company: 'usmf', filter: "PartyType eq 'Organization'", pageSize: 5000 });
  for (;;) {
    for (const row of page.rows) organizations.add(String(row.CustomerAccount));
    if (!page.continuation) break;
    page = await world.connectors.finops.readPage({ entitySet: 'CustomersV3', continuation: page.continuation });
  }
  const usmf = String((await world.connectors.dataverse.readPage({ entitySet: 'cdm_companies', filter: "cdm_companycode eq 'USMF'" })).rows[0]!.cdm_companyid);
  const accounts: string[] = [];
  let dvPage = await world.connectors.dataverse.readPage({ entitySet: 'accounts', filter: `_msdyn_company_value eq ${usmf} and customertypecode eq 3`, select: ['accountnumber'], pageSize: 5000 });
  for (;;) {
    accounts.push(...dvPage.rows.map((r) => String(r.accountnumber)));
    if (!dvPage.continuation) break;
    dvPage = await world.connectors.dataverse.readPage({ entitySet: 'accounts', continuation: dvPage.continuation });
  }
  assert.ok(organizations.size > 200, `a load worth killing (two passes, as the map refers to itself): ${organizations.size} organizations`);
  const synced = accounts.filter((a) => organizations.has(a));
  assert.equal(synced.length, organizations.size, 'every organization arrived');
  assert.equal(new Set(synced).size, synced.length, 'none arrived twice');
});
