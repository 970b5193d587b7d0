import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mapWorkflowId } from '../../src/contracts/names';
import { eventually, startSyncWorld } from '../harness/sync-world';
import { enable, settled } from './helpers';

/**
 * F&O data events lost while nobody listened: the reconciliation scan compares F&O with what the
 * echo ledger says was last in sync, and repairs the drift, including deletes.
 */
test('reconciliation repairs edits and deletes whose data events were lost', async (t) => {
  const world = await startSyncWorld({ companies: ['usmf'], webhooks: false });
  const fo = world.users.finops;
  const dv = world.users.dataverse;
  const usmf = String((await dv.readPage({ entitySet: 'cdm_companies', filter: "cdm_companycode eq 'USMF'" })).rows[0]?.cdm_companyid ?? '');
  const dvGroup = async (id: string) => (await dv.readPage({ entitySet: 'msdyn_customergroups', filter: `msdyn_groupid eq '${id}' and _msdyn_company_value eq ${usmf}` })).rows[0];

  await world.withWorker(async () => {
    await enable(world, { maps: ['customer-groups'], initialSync: { master: 'finops' }, options: { pollEveryMs: 0, reconcileEveryMs: 500, deferredRetryEveryMs: 500, drainBudgetMs: 5000 } });
    await settled(world, 'customer-groups');
    const groups = (await fo.readPage({ entitySet: 'CustomerGroups', company: 'usmf', pageSize: 5000 })).rows;
    assert.ok(groups.length >= 2, 'the seed has at least two groups in usmf');
    const [edited, deleted] = [String(groups[0]!.CustomerGroupId), String(groups[1]!.CustomerGroupId)];
    assert.ok(await dvGroup(deleted), 'the group to delete was synced first');

    await t.test('an edit made while events were lost reaches Dataverse', async () => {
      const [r] = await fo.writeBatch('CustomerGroups', [{ id: 'e', kind: 'upsert', mode: 'update', key: { dataAreaId: 'usmf', CustomerGroupId: edited }, values: { Description: 'drifted while down' } }]);
      assert.ok(r?.ok, JSON.stringify(r));
      await eventually('the drift repaired', async () => (await dvGroup(edited))?.msdyn_description === 'drifted while down');
    });

    await t.test('a delete made while events were lost removes the Dataverse row', async () => {
      const [r] = await fo.writeBatch('CustomerGroups', [{ id: 'd', kind: 'delete', key: { dataAreaId: 'usmf', CustomerGroupId: deleted } }]);
      assert.ok(r?.ok, JSON.stringify(r));
      await eventually('the missed delete repaired', async () => (await dvGroup(deleted)) === undefined);
    });

    await t.test('the findings are in the activity log', async () => {
      const log = await world.store.log.query({ map: 'customer-groups', type: 'reconciliation' });
      assert.ok(log.items.length >= 1, 'reconciliation findings logged');
      await world.env.client.workflow.getHandle(mapWorkflowId('customer-groups')).signal('stop');
    });
  });
});
