import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mapWorkflowId } from '../../src/contracts/names';
import { pauseSignal, resumeSignal } from '../../src/contracts/map-messages';
import { catalogWith, eventually, startSyncWorld, type SyncWorld } from '../harness/sync-world';
import { enable, settled, waitForState } from './helpers';

/**
 * Both sides edit the same record while the map is paused (so both changes meet in one drain):
 * whatever the policy says, both sides must end equal, and nothing may bounce forever.
 */
async function conflictingEdits(world: SyncWorld, group: string): Promise<{ fo: unknown; dv: unknown; applied: number }> {
  const fo = world.users.finops;
  const dv = world.users.dataverse;
  const usmf = String((await dv.readPage({ entitySet: 'cdm_companies', filter: "cdm_companycode eq 'USMF'" })).rows[0]!.cdm_companyid);
  const dvRow = async () => (await dv.readPage({ entitySet: 'msdyn_customergroups', filter: `msdyn_groupid eq '${group}' and _msdyn_company_value eq ${usmf}` })).rows[0]!;
  const handle = world.env.client.workflow.getHandle(mapWorkflowId('customer-groups'));
  await handle.signal(pauseSignal, { reason: 'set up a conflict' });
  await waitForState(world, 'customer-groups', 'Paused');
  const [a] = await fo.writeBatch('CustomerGroups', [{ id: 'f', kind: 'upsert', mode: 'update', key: { dataAreaId: 'usmf', CustomerGroupId: group }, values: { Description: 'edited in F&O' } }]);
  assert.ok(a?.ok, JSON.stringify(a));
  // A later edit on the Dataverse side: lastWriterWins must pick it, masterWins (finops) must not.
  // modifiedon has one-second resolution, so the Dataverse edit waits for the clock's next second.
  const foEditedAt = Date.now();
  await eventually('the next second', () => Math.floor(Date.now() / 1000) > Math.floor(foEditedAt / 1000));
  const [b] = await dv.writeBatch('msdyn_customergroups', [{ id: 'd', kind: 'upsert', mode: 'update', key: { msdyn_customergroupid: String((await dvRow()).msdyn_customergroupid) }, values: { msdyn_description: 'edited in Dataverse' } }]);
  assert.ok(b?.ok, JSON.stringify(b));
  await handle.signal(resumeSignal, { mode: 'drain' });
  const s = await settled(world, 'customer-groups');
  const foRow = (await fo.readPage({ entitySet: 'CustomerGroups', company: 'usmf', filter: `CustomerGroupId eq '${group}'` })).rows[0]!;
  return { fo: foRow.Description, dv: (await dvRow()).msdyn_description, applied: s.counts.applied };
}

for (const [policy, master, winner] of [
  ['lastWriterWins', 'finops', 'edited in Dataverse'],
  ['masterWins', 'finops', 'edited in F&O'],
] as const) {
  test(`conflicting edits converge under ${policy} (master ${master})`, async () => {
    const mapsDir = catalogWith({ 'customer-groups': (m) => (m.conflict = { policy, master }) });
    const world = await startSyncWorld({ mapsDir, companies: ['usmf'] });
    await world.withWorker(async () => {
      await enable(world, { maps: ['customer-groups'], initialSync: { master: 'finops' } });
      const group = String((await world.connectors.finops.readPage({ entitySet: 'CustomerGroups', company: 'usmf', pageSize: 1 })).rows[0]!.CustomerGroupId);
      const result = await conflictingEdits(world, group);
      assert.equal(result.fo, winner, `F&O ends with the winner: ${JSON.stringify(result)}`);
      assert.equal(result.dv, winner, `Dataverse ends with the winner: ${JSON.stringify(result)}`);
      assert.ok(result.applied <= 2, `a bounded number of writes, no loop: ${JSON.stringify(result)}`);
    });
  });
}

/**
 * One side deletes a record while the other edits it (both while paused, so they meet in one
 * drain of each direction): the master's side wins, whichever direction's batch runs first (a
 * delete has no modification time to weigh, so lastWriterWins decides it the same way).
 */
for (const [master, deleter] of [
  ['finops', 'finops'],
  ['finops', 'dataverse'],
  ['dataverse', 'finops'],
  ['dataverse', 'dataverse'],
] as const) {
  const expected = deleter === master ? 'deleted on both sides' : 'edited on both sides';
  test(`a ${deleter} delete meeting an edit of the other side converges under masterWins (master ${master}): ${expected}`, async () => {
    const mapsDir = catalogWith({ 'customer-groups': (m) => (m.conflict = { policy: 'masterWins', master }) });
    const world = await startSyncWorld({ mapsDir, companies: ['usmf'] });
    const fo = world.users.finops;
    const dv = world.users.dataverse;
    await world.withWorker(async () => {
      await enable(world, { maps: ['customer-groups'], initialSync: { master: 'finops' } });
      const group = String((await world.connectors.finops.readPage({ entitySet: 'CustomerGroups', company: 'usmf', pageSize: 1 })).rows[0]!.CustomerGroupId);
      const usmf = String((await dv.readPage({ entitySet: 'cdm_companies', filter: "cdm_companycode eq 'USMF'" })).rows[0]!.cdm_companyid);
      const dvRows = async () => (await dv.readPage({ entitySet: 'msdyn_customergroups', filter: `msdyn_groupid eq '${group}' and _msdyn_company_value eq ${usmf}` })).rows;
      const foRows = async () => (await fo.readPage({ entitySet: 'CustomerGroups', company: 'usmf', filter: `CustomerGroupId eq '${group}'` })).rows;
      const handle = world.env.client.workflow.getHandle(mapWorkflowId('customer-groups'));
      await handle.signal(pauseSignal, { reason: 'set up a delete meeting an edit' });
      await waitForState(world, 'customer-groups', 'Paused');
      const dvId = String((await dvRows())[0]!.msdyn_customergroupid);
      const foKey = { dataAreaId: 'usmf', CustomerGroupId: group };
      const results = deleter === 'finops'
        ? [...(await dv.writeBatch('msdyn_customergroups', [{ id: 'e', kind: 'upsert', mode: 'update', key: { msdyn_customergroupid: dvId }, values: { msdyn_description: 'edited in Dataverse' } }])),
           ...(await fo.writeBatch('CustomerGroups', [{ id: 'd', kind: 'delete', key: foKey }]))]
        : [...(await fo.writeBatch('CustomerGroups', [{ id: 'e', kind: 'upsert', mode: 'update', key: foKey, values: { Description: 'edited in F&O' } }])),
           ...(await dv.writeBatch('msdyn_customergroups', [{ id: 'd', kind: 'delete', key: { msdyn_customergroupid: dvId } }]))];
      assert.ok(results.every((r) => r.ok), JSON.stringify(results));
      await handle.signal(resumeSignal, { mode: 'drain' });
      await settled(world, 'customer-groups');
      const masterDeleted = deleter === master;
      const edit = deleter === 'finops' ? 'edited in Dataverse' : 'edited in F&O';
      const end = await eventually('both sides to agree', async () => {
        const [f, d] = [await foRows(), await dvRows()];
        const agreed = masterDeleted ? f.length === 0 && d.length === 0 : f[0]?.Description === edit && d[0]?.msdyn_description === edit;
        return agreed ? { f, d } : undefined;
      }, 30_000).catch(async (e: unknown) => {
        throw new Error(`${String(e)}; F&O ${JSON.stringify(await foRows())}, Dataverse ${JSON.stringify(await dvRows())}`);
      });
      assert.ok(end.f.length <= 1 && end.d.length <= 1, 'no duplicate rows');
      const open = (await world.store.errors.list({ map: 'customer-groups', status: 'open' })).items;
      assert.deepEqual(open.map((e) => e.message), [], 'no errors');
    });
  });
}
