import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApplyEngine, GONE, TOMBSTONE } from '../../activities/sync/apply/engine';
import type { SourceChange } from '../../activities/sync/apply/change';
import { integrationKey } from '../../src/maps/keys';
import { catalogWith, startSyncWorld } from '../harness/sync-world';

/**
 * Deletes meeting re-creates, driven through the apply engine directly (real sandboxes and
 * store, no workflow) so that each change is applied exactly when the test says.
 */
test('deletes: a stale delete is not carried, and a tombstone is spent by its echo', async (t) => {
  const world = await startSyncWorld({ companies: ['usmf'], mapsDir: catalogWith({}), webhooks: false });
  const engine = new ApplyEngine(world.deps);
  const map = await world.maps.get('customer-groups');
  const fo = world.users.finops;
  const dv = world.users.dataverse;
  const group = 'DELETES01';
  const foKey = { dataAreaId: 'usmf', CustomerGroupId: group };
  const recordKey = integrationKey(map, 'finops', foKey).key;
  const usmf = String((await dv.readPage({ entitySet: 'cdm_companies', filter: "cdm_companycode eq 'USMF'" })).rows[0]!.cdm_companyid);
  const dvRows = async () => (await dv.readPage({ entitySet: 'msdyn_customergroups', filter: `msdyn_groupid eq '${group}' and _msdyn_company_value eq ${usmf}` })).rows;
  const marks = async () => ({
    finops: (await world.store.ledger.get(map.name, 'finops', [recordKey])).get(recordKey)?.hash,
    dataverse: (await world.store.ledger.get(map.name, 'dataverse', [recordKey])).get(recordKey)?.hash,
  });
  let n = 0;
  const fromFinops = async (op: 'upsert' | 'delete') => {
    const change: SourceChange = { ref: String(++n), op, recordKey, key: foKey };
    const [outcome] = await engine.apply(map, 'finops-to-dataverse', [change], { mode: 'live', refreshSource: true });
    return outcome!;
  };
  const fromDataverse = async (recordId: string) => {
    const [outcome] = await engine.apply(map, 'dataverse-to-finops', [{ ref: String(++n), op: 'delete', recordId }], { mode: 'live', refreshSource: true });
    return outcome!;
  };
  const writeFinops = async (op: 'create' | 'delete') => {
    const [r] = await fo.writeBatch('CustomerGroups', [op === 'delete' ? { id: 'x', kind: 'delete', key: foKey } : { id: 'x', kind: 'upsert', mode: 'create', key: foKey, values: { Description: `made in F&O ${n}` } }]);
    assert.ok(r?.ok, JSON.stringify(r));
  };

  await writeFinops('create');
  assert.equal((await fromFinops('upsert')).kind, 'created');
  const dvId = String((await dvRows())[0]!.msdyn_customergroupid);

  await t.test('a delete whose source row exists again is not carried', async () => {
    const outcome = await fromFinops('delete');
    assert.equal(outcome.kind, 'ignored', JSON.stringify(outcome));
    assert.match(outcome.message ?? '', /exists again/);
    assert.equal((await dvRows()).length, 1, 'the Dataverse copy stays');
  });

  await t.test("a person's delete is carried; the other side's echo of ours is recognised once, then spent", async () => {
    await writeFinops('delete');
    assert.equal((await fromFinops('delete')).kind, 'deleted');
    assert.equal((await dvRows()).length, 0);
    assert.deepEqual(await marks(), { finops: GONE, dataverse: TOMBSTONE }, "the person's side is gone, ours awaits its echo");
    assert.equal((await fromDataverse(dvId)).kind, 'echo');
    assert.deepEqual(await marks(), { finops: GONE, dataverse: GONE }, 'the echo is spent');
  });

  await t.test('created again on both sides without the ledger hearing of it, then deleted in F&O: the delete reaches Dataverse', async () => {
    await writeFinops('create');
    const [made] = await dv.writeBatch('msdyn_customergroups', [{ id: 'd', kind: 'upsert', mode: 'create', key: { msdyn_customergroupid: '6f1c2a4e-0000-4000-8000-00000000d001' }, values: { msdyn_groupid: group, msdyn_description: 'made in Dataverse', 'msdyn_company@odata.bind': `/cdm_companies(${usmf})` } }]);
    assert.ok(made?.ok, JSON.stringify(made));
    await writeFinops('delete');
    const outcome = await fromFinops('delete');
    assert.equal(outcome.kind, 'deleted', `a person's delete, not our echo: ${JSON.stringify(outcome)}`);
    assert.equal((await dvRows()).length, 0, 'both sides end without the record');
  });
});
