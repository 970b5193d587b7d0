import { execFileSync } from 'node:child_process';
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ensureTemporalCli } from '../../src/devserver/temporal-cli';
import { pauseSignal, resumeSignal, stopSignal } from '../../src/contracts/map-messages';
import { probeStageQuery, releaseProbeSignal } from '../../src/contracts/probe-messages';
import { enableWorkflowId, initialSyncWorkflowId, mapWorkflowId } from '../../src/contracts/names';
import { enableMapsWorkflow, onDemandWorkflow, workerProbe } from '../../workflows';
import { onHandInventoryUpdate, salesOrderTotalsUpdate, stopOnDemandSignal } from '../../workflows/on-demand/messages';
import { testTemporal, uniqueId, withWorker } from '../harness/temporal';
import { catalogWith, eventually, startSyncWorld } from '../harness/sync-world';
import { settled, TEST_OPTIONS, waitForState } from '../sync/helpers';

/**
 * Records the histories that test/replay.test.ts replays: each scenario drives a workflow type
 * through its interesting paths on a real server, then saves `temporal workflow show --output
 * json` as an operator would. Run it (`node --import tsx --test test/histories/record.ts`) when
 * a workflow gains a path worth guarding, and commit the JSON it writes.
 */
async function save(name: string, workflowId: string, address: string): Promise<void> {
  const cli = await ensureTemporalCli();
  const run = (args: string[]) => execFileSync(cli, [...args, '--address', address, '--output', 'json'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  // Every run of the id (continue-as-new starts new ones), oldest first: each run takes other paths.
  const runs = (JSON.parse(run(['workflow', 'list', '--query', `WorkflowId="${workflowId}"`])) as { execution: { runId: string }; startTime: string }[])
    .sort((a, b) => a.startTime.localeCompare(b.startTime))
    .map((r) => r.execution.runId);
  for (const file of readdirSync(__dirname).filter((f) => f === `${name}.json` || (f.startsWith(`${name}-run`) && f.endsWith('.json')))) rmSync(join(__dirname, file));
  runs.forEach((runId, i) => {
    writeFileSync(join(__dirname, runs.length === 1 ? `${name}.json` : `${name}-run${i + 1}.json`), run(['workflow', 'show', '--workflow-id', workflowId, '--run-id', runId]));
  });
}

test('record: workerProbe released by signal', async () => {
  await withWorker(async ({ taskQueue, temporal }) => {
    const workflowId = uniqueId('probe');
    const handle = await temporal.env.client.workflow.start(workerProbe, { taskQueue, workflowId, args: [{ waitForRelease: true }] });
    await handle.query(probeStageQuery);
    await handle.signal(releaseProbeSignal, { note: 'recorded' });
    await handle.result();
    await save('worker-probe', workflowId, (await testTemporal()).address);
  });
});

test('record: enable, initial sync, live changes, write-through, pause/resume in all modes, stop', async () => {
  const mapsDir = catalogWith({ 'customer-groups': (m) => (m.syncMode = 'sync') });
  // Plain payloads: replay.test.ts replays these files without the world's (random) codec key.
  const world = await startSyncWorld({ mapsDir, companies: ['usmf'], syncEntitySets: ['msdyn_customergroups'], encryptPayloads: false });
  const fo = world.users.finops;
  const dv = world.users.dataverse;
  await world.withWorker(async () => {
    const enableId = enableWorkflowId(uniqueId('record'));
    // Two pages per activity and continue-as-new after 40 events exercise both loops.
    await world.env.client.workflow.execute(enableMapsWorkflow, {
      taskQueue: world.taskQueue,
      workflowId: enableId,
      args: [{ maps: ['customer-groups'], initialSync: { master: 'finops', pageSize: 2, pagesPerActivity: 2 }, options: { ...TEST_OPTIONS, maxHistoryEvents: 60 } }],
    });
    const map = world.env.client.workflow.getHandle(mapWorkflowId('customer-groups'));
    const group = (id: string, description: string) => fo.writeBatch('CustomerGroups', [{ id, kind: 'upsert', key: { dataAreaId: 'usmf', CustomerGroupId: id }, values: { Description: description } }]);
    await group('ZR1', 'live');
    await eventually('ZR1 synced', async () => (await dv.readPage({ entitySet: 'msdyn_customergroups', filter: "msdyn_groupid eq 'ZR1'" })).rows.length > 0);
    const row = (await dv.readPage({ entitySet: 'msdyn_customergroups', filter: "msdyn_groupid eq 'ZR1'" })).rows[0]!;
    await dv.writeBatch('msdyn_customergroups', [{ id: 'w', kind: 'upsert', key: { msdyn_customergroupid: String(row.msdyn_customergroupid) }, values: { msdyn_description: 'written through' } }]);
    for (const mode of ['drain', 'park', 'discard'] as const) {
      await map.signal(pauseSignal, { reason: `record ${mode}`, by: 'recorder' });
      await waitForState(world, 'customer-groups', 'Paused');
      await group(`ZR-${mode}`, `while paused (${mode})`);
      await eventually('the change captured', async () => (await world.store.inbox.count({ map: 'customer-groups', status: 'pending' })) > 0);
      await map.signal(resumeSignal, { mode, by: 'recorder' });
      await waitForState(world, 'customer-groups', 'Running');
      await settled(world, 'customer-groups');
    }
    await map.signal(stopSignal, { reason: 'recorded' });
    await map.result();
    // table-map-run*.json were recorded before the per-direction-drains patch and are kept: they
    // guard its old branch. Recordings of today's code go to table-map-lanes*.
    await save('table-map-lanes', mapWorkflowId('customer-groups'), world.temporal.address);
    await save('initial-sync', initialSyncWorkflowId('customer-groups', 1), world.temporal.address);
    await save('enable-maps', enableId, world.temporal.address);
  });
});

test('record: on-demand calls (answers, a not-found, continue-as-new, stop)', async () => {
  const world = await startSyncWorld({ companies: ['usmf'], encryptPayloads: false, webhooks: false, finopsSeed: { customers: 3, vendors: 3, products: 6, salesOrders: 3 } });
  await world.withWorker(async () => {
    const workflowId = uniqueId('on-demand');
    // Three calls per run: the fourth call lands in a second run.
    const handle = await world.env.client.workflow.start(onDemandWorkflow, { taskQueue: world.taskQueue, workflowId, args: [{ budgetMs: 5000, callsPerRun: 3 }] });
    const item = String((await world.users.finops.readPage({ entitySet: 'WarehousesOnHandV2', company: 'usmf', pageSize: 1 })).rows[0]!.ItemNumber);
    await handle.executeUpdate(onHandInventoryUpdate, { args: [{ company: 'usmf', itemNumber: item }] });
    await handle.executeUpdate(onHandInventoryUpdate, { args: [{ company: 'usmf', itemNumber: 'NO-SUCH-ITEM' }] }).catch(() => undefined);
    await handle.executeUpdate(salesOrderTotalsUpdate, { args: [{ company: 'usmf', orderNumber: 'SO-000001', writeBack: false }] });
    const next = world.env.client.workflow.getHandle(workflowId);
    await eventually('the second run', async () => (await next.describe()).runId !== handle.firstExecutionRunId);
    await next.executeUpdate(onHandInventoryUpdate, { args: [{ company: 'usmf', itemNumber: item, siteId: '1' }] });
    await next.signal(stopOnDemandSignal);
    await next.result();
    await save('on-demand', workflowId, world.temporal.address);
  });
});
