import assert from 'node:assert/strict';
import { test } from 'node:test';
import { initialSyncProgressQuery } from '../../src/contracts/map-messages';
import { enableWorkflowId, initialSyncWorkflowId } from '../../src/contracts/names';
import { enableMapsWorkflow } from '../../workflows';
import { eventually, startSyncWorld } from '../harness/sync-world';
import { uniqueId } from '../harness/temporal';
import { status, TEST_OPTIONS } from '../sync/helpers';
import { catalogOf, describeDifferences, differences, readAll } from './support';
import { startWorkerProcess } from '../harness/spawn-worker';

/** The issue asks for 100,000; DUALWRITE_FAULT_CUSTOMERS sets it (see docs/reliability.md for what ran). */
const CUSTOMERS = Number(process.env.DUALWRITE_FAULT_CUSTOMERS ?? 20_000);
const MAP = 'customers-v3-accounts';

/**
 * A large initial sync with the working worker SIGKILLed three times (no cleanup): another
 * takes the page over after the heartbeat timeout, and every record arrives exactly once.
 */
test(`an initial sync of ${CUSTOMERS} customers survives three SIGKILLed workers`, { timeout: 60 * 60_000 }, async (t) => {
  const world = await startSyncWorld({ companies: ['usmf'], mapsDir: catalogOf([MAP]), finopsSeed: { customers: CUSTOMERS }, webhooks: false });
  const workers = [await startWorkerProcess(world), await startWorkerProcess(world)];
  const started = Date.now();
  await world.env.client.workflow.start(enableMapsWorkflow, {
    taskQueue: world.taskQueue,
    workflowId: enableWorkflowId(uniqueId('kill3')),
    args: [{ maps: [MAP], initialSync: { master: 'finops', pageSize: 500, pagesPerActivity: 2, heartbeatTimeoutSeconds: 5 }, options: TEST_OPTIONS }],
  });
  const load = world.env.client.workflow.getHandle(initialSyncWorkflowId(MAP, 1));
  // The map covers organizations only: kill at shares of those (the progress has no total).
  const inScope = (await readAll(world.connectors.finops, 'CustomersV3', 'usmf', "PartyType eq 'Organization'")).length;
  const kills: number[] = [];
  for (const share of [0.2, 0.45, 0.7]) {
    const threshold = Math.floor(inScope * share);
    await eventually(`the load past ${threshold} rows`, async () => (await load.query(initialSyncProgressQuery)).read >= threshold, 30 * 60_000);
    workers.shift()!.kill('SIGKILL');
    kills.push(Date.now() - started);
    workers.push(await startWorkerProcess(world));
  }
  const final = await eventually('the map to run live', async () => {
    const s = await status(world, MAP);
    return s.state === 'Running' ? s : undefined;
  }, 30 * 60_000);
  const seconds = (Date.now() - started) / 1000;
  assert.equal(final.initialSync.result?.failed, 0, JSON.stringify(final.initialSync.result));
  const d = await differences(world, MAP);
  t.diagnostic(`${CUSTOMERS} customers: ${inScope} organizations, ${d.rows} accounts compared, initial sync ${seconds.toFixed(0)} s with kills at ${kills.map((k) => `${Math.round(k / 1000)} s`).join(', ')}; result ${JSON.stringify(final.initialSync.result)}`);
  assert.deepEqual(d.onlyInFinops, [], `every record arrived: ${describeDifferences(d)}`);
  assert.deepEqual(d.duplicates, [], `none arrived twice: ${describeDifferences(d)}`);
});
