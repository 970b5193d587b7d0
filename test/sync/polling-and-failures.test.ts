import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WorkflowFailedError } from '@temporalio/client';
import { mapWorkflowId, enableWorkflowId } from '../../src/contracts/names';
import { stopSignal } from '../../src/contracts/map-messages';
import { enableMapsWorkflow } from '../../workflows';
import { catalogWith, eventually, startSyncWorld } from '../harness/sync-world';
import { uniqueId } from '../harness/temporal';
import { enable, settled, TEST_OPTIONS, waitForState } from './helpers';

test('Dataverse change tracking: edits are polled without webhooks; existing rows are not replayed as changes', async () => {
  const world = await startSyncWorld({ companies: ['usmf'], webhooks: false });
  const dv = world.users.dataverse;
  await world.withWorker(async () => {
    await enable(world, { maps: ['customer-groups'], initialSync: { master: 'finops' }, options: { ...TEST_OPTIONS, pollEveryMs: 300 } });
    const settledOnce = await settled(world, 'customer-groups');
    assert.equal(settledOnce.counts.applied, 0, `the first poll lists the table as it is, which is not a change: ${JSON.stringify(settledOnce.counts)}`);
    const usmf = String((await dv.readPage({ entitySet: 'cdm_companies', filter: "cdm_companycode eq 'USMF'" })).rows[0]!.cdm_companyid);
    const row = (await dv.readPage({ entitySet: 'msdyn_customergroups', filter: `_msdyn_company_value eq ${usmf}`, pageSize: 1 })).rows[0]!;
    const [r] = await dv.writeBatch('msdyn_customergroups', [{ id: 'p', kind: 'upsert', key: { msdyn_customergroupid: String(row.msdyn_customergroupid) }, values: { msdyn_description: 'polled' } }]);
    assert.ok(r?.ok, JSON.stringify(r));
    await eventually('the polled edit in F&O', async () => (await world.users.finops.readPage({ entitySet: 'CustomerGroups', company: 'usmf', filter: `CustomerGroupId eq '${String(row.msdyn_groupid)}'` })).rows[0]?.Description === 'polled');
    const s = await settled(world, 'customer-groups');
    assert.equal(s.counts.applied, 1, JSON.stringify(s.counts));
  });
});

test('a permanent failure (bad credentials) puts the map in Failed with the reason; stop ends it', async () => {
  const world = await startSyncWorld({ companies: ['usmf'], clientSecrets: { dataverse: 'not-the-secret' } });
  await world.withWorker(async () => {
    // legal-entities has no prerequisites: its initial sync fails at the first Dataverse call.
    await world.env.client.workflow.start(enableMapsWorkflow, { taskQueue: world.taskQueue, workflowId: enableWorkflowId(uniqueId('fail')), args: [{ maps: ['legal-entities'], initialSync: { master: 'finops' }, options: TEST_OPTIONS }] });
    const failed = await waitForState(world, 'legal-entities', 'Failed');
    assert.match(failed.lastError ?? '', /401|auth|unauthori[sz]ed|credential|client/i, failed.lastError ?? '');
    const described = await world.env.client.workflow.getHandle(mapWorkflowId('legal-entities')).describe();
    assert.equal(described.typedSearchAttributes.getAll().find((p) => p.key.name === 'DualWriteState')?.value, 'Failed');
    await world.env.client.workflow.getHandle(mapWorkflowId('legal-entities')).signal(stopSignal, { reason: 'credentials to be fixed' });
    const result = await world.env.client.workflow.getHandle(mapWorkflowId('legal-entities')).result();
    assert.equal(result.state, 'Stopped');
  });
});

test('enabling maps whose dependencies form a cycle fails before anything starts, naming the cycle', async () => {
  const mapsDir = catalogWith({ 'payment-terms': (m) => (m.dependsOn = ['customer-groups']) });
  const world = await startSyncWorld({ mapsDir, companies: ['usmf'], webhooks: false });
  await world.withWorker(async () => {
    const run = world.env.client.workflow.execute(enableMapsWorkflow, { taskQueue: world.taskQueue, workflowId: enableWorkflowId(uniqueId('cycle')), args: [{ maps: ['customer-groups'], options: TEST_OPTIONS }] });
    await assert.rejects(run, (err: unknown) => {
      assert.ok(err instanceof WorkflowFailedError);
      const message = `${err.cause?.message ?? ''} ${(err.cause?.cause as Error | undefined)?.message ?? ''}`;
      assert.match(message, /dependency cycle: (customer-groups -> payment-terms -> customer-groups|payment-terms -> customer-groups -> payment-terms)/);
      return true;
    });
    const started = await world.env.client.workflow.list({ query: 'WorkflowId STARTS_WITH "dualwrite-map-"' });
    for await (const _ of started) assert.fail('no map workflow may start');
  });
});
