import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eventually, startSyncWorld } from '../harness/sync-world';
import { enable, settled, status } from './helpers';

/**
 * Live sync of one company-specific map with a lookup (customer groups -> payment terms), end
 * to end over real HTTP: sandboxes, data events and webhooks, API receivers, inbox, workflows.
 */
test('customer groups: initial sync, live sync both ways, no echo loop, deletes', async (t) => {
  const world = await startSyncWorld({ companies: ['usmf', 'usrt'] });
  const fo = world.users.finops;
  const dv = world.users.dataverse;
  const dvGroup = async (groupId: string) => (await dv.readPage({ entitySet: 'msdyn_customergroups', filter: `msdyn_groupid eq '${groupId}'` })).rows;
  const foGroup = async (groupId: string) => (await fo.readPage({ entitySet: 'CustomerGroups', company: 'usmf', filter: `CustomerGroupId eq '${groupId}'` })).rows[0];

  await world.withWorker(async () => {
    await t.test('enabling customer-groups starts its prerequisites first and copies existing rows', async () => {
      const order = await enable(world, { maps: ['customer-groups'], initialSync: { master: 'finops', pageSize: 50 } });
      const flat = order.flat();
      assert.ok(flat.indexOf('legal-entities') < flat.indexOf('payment-terms'), `legal entities before payment terms: ${JSON.stringify(order)}`);
      assert.ok(flat.indexOf('payment-terms') < flat.indexOf('customer-groups'), `payment terms before customer groups: ${JSON.stringify(order)}`);
      const s = await status(world, 'customer-groups');
      assert.equal(s.state, 'Running');
      const result = s.initialSync.result;
      assert.ok(result && result.read > 0, `initial sync read rows: ${JSON.stringify(result)}`);
      assert.equal(result.failed, 0, `no failures: ${JSON.stringify(result)}`);
      const foRows = await fo.readPage({ entitySet: 'CustomerGroups', company: 'usmf', pageSize: 5000 });
      for (const row of foRows.rows) {
        const copies = await dvGroup(String(row.CustomerGroupId));
        assert.ok(copies.some((c) => c.msdyn_description === (row.Description ?? null) || c.msdyn_description === row.Description), `group ${String(row.CustomerGroupId)} copied with its description`);
      }
    });

    await t.test('a group created in F&O appears in Dataverse with its payment-term lookup', async () => {
      const term = (await fo.readPage({ entitySet: 'PaymentTerms', company: 'usmf', pageSize: 1 })).rows[0]!;
      const [written] = await fo.writeBatch('CustomerGroups', [
        { id: 'g1', kind: 'upsert', mode: 'create', key: { dataAreaId: 'usmf', CustomerGroupId: 'ZLIVE1' }, values: { Description: 'Created in F&O', PaymentTermId: term.Name } },
      ]);
      assert.ok(written?.ok, JSON.stringify(written));
      const row = await eventually('ZLIVE1 in Dataverse', async () => (await dvGroup('ZLIVE1'))[0]);
      assert.equal(row.msdyn_description, 'Created in F&O');
      assert.ok(typeof row._msdyn_paymenttermid_value === 'string', 'payment term lookup resolved to a GUID');
    });

    await t.test('an edit in Dataverse flows back to F&O', async () => {
      const row = (await dvGroup('ZLIVE1'))[0]!;
      const [written] = await dv.writeBatch('msdyn_customergroups', [
        { id: 'g1', kind: 'upsert', mode: 'update', key: { msdyn_customergroupid: String(row.msdyn_customergroupid) }, values: { msdyn_description: 'Edited in Dataverse' } },
      ]);
      assert.ok(written?.ok, JSON.stringify(written));
      await eventually('the edit in F&O', async () => (await foGroup('ZLIVE1'))?.Description === 'Edited in Dataverse');
    });

    await t.test('synced writes do not bounce back: exactly two writes for two edits', async () => {
      const s = await settled(world, 'customer-groups');
      assert.equal(s.counts.applied, 2, `applied: ${JSON.stringify(s.counts)}`);
      assert.ok(s.counts.echoes >= 2, `our own writes came back as echoes and were dropped: ${JSON.stringify(s.counts)}`);
      assert.equal(s.counts.failed, 0);
    });

    await t.test('a delete in F&O deletes the Dataverse row', async () => {
      const [deleted] = await fo.writeBatch('CustomerGroups', [{ id: 'd1', kind: 'delete', key: { dataAreaId: 'usmf', CustomerGroupId: 'ZLIVE1' } }]);
      assert.ok(deleted?.ok, JSON.stringify(deleted));
      await eventually('ZLIVE1 gone from Dataverse', async () => (await dvGroup('ZLIVE1')).length === 0);
      const s = await settled(world, 'customer-groups');
      assert.equal(s.counts.deleted, 1, JSON.stringify(s.counts));
    });
  });
});
