import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mapWorkflowId } from '../../src/contracts/names';
import { pauseSignal, resumeSignal } from '../../src/contracts/map-messages';
import { catalogWith, eventually, startSyncWorld } from '../harness/sync-world';
import { enable, waitForState } from './helpers';

/**
 * A `sync`-mode map: Dataverse calls our webhook inside its transaction, and the change is in
 * F&O before Dataverse answers its client; when F&O cannot take it, Dataverse rolls back.
 */
test('write-through: applied before the source commits, rolled back when the target fails, queued while paused', async (t) => {
  const mapsDir = catalogWith({ 'customer-groups': (m) => (m.syncMode = 'sync') });
  const world = await startSyncWorld({ mapsDir, companies: ['usmf'], syncEntitySets: ['msdyn_customergroups'] });
  const fo = world.users.finops;
  const dv = world.users.dataverse;
  const foDescription = async (id: string) => (await fo.readPage({ entitySet: 'CustomerGroups', company: 'usmf', filter: `CustomerGroupId eq '${id}'` })).rows[0]?.Description;
  const usmf = async () => String((await dv.readPage({ entitySet: 'cdm_companies', filter: "cdm_companycode eq 'USMF'" })).rows[0]!.cdm_companyid);
  const dvRow = async (id: string) => (await dv.readPage({ entitySet: 'msdyn_customergroups', filter: `msdyn_groupid eq '${id}' and _msdyn_company_value eq ${await usmf()}` })).rows[0];
  const editInDataverse = async (id: string, description: string) => {
    const row = await dvRow(id);
    assert.ok(row, `${id} exists in Dataverse`);
    const [result] = await dv.writeBatch('msdyn_customergroups', [{ id: 'w', kind: 'upsert', mode: 'update', key: { msdyn_customergroupid: String(row.msdyn_customergroupid) }, values: { msdyn_description: description } }]);
    return result!;
  };

  await world.withWorker(async () => {
    await enable(world, { maps: ['customer-groups'], initialSync: { master: 'finops' } });
    const group = String((await fo.readPage({ entitySet: 'CustomerGroups', company: 'usmf', pageSize: 1 })).rows[0]!.CustomerGroupId);

    await t.test('the F&O row is updated by the time Dataverse answers', async () => {
      const result = await editInDataverse(group, 'written through');
      assert.ok(result.ok, JSON.stringify(result));
      assert.equal(await foDescription(group), 'written through');
    });

    await t.test('when F&O is down, Dataverse rejects the edit with our message and keeps the old value', async () => {
      world.finops.faults.configure({ errorRate: 1, errorStatus: 503 });
      try {
        const result = await editInDataverse(group, 'must not commit');
        assert.equal(result.ok, false);
        if (!result.ok) assert.match(result.error.message, /dualwrite could not write/);
      } finally {
        world.finops.faults.configure({ errorRate: 0 });
      }
      assert.equal((await dvRow(group))?.msdyn_description, 'written through');
      assert.equal(await foDescription(group), 'written through');
    });

    await t.test('while paused, the source commits and the change waits; resume applies it', async () => {
      const handle = world.env.client.workflow.getHandle(mapWorkflowId('customer-groups'));
      await handle.signal(pauseSignal, { reason: 'test' });
      await waitForState(world, 'customer-groups', 'Paused');
      const result = await editInDataverse(group, 'queued while paused');
      assert.ok(result.ok, JSON.stringify(result));
      assert.equal(await foDescription(group), 'written through');
      await handle.signal(resumeSignal, { mode: 'drain' });
      await eventually('the queued change in F&O', async () => (await foDescription(group)) === 'queued while paused');
    });
  });
});
