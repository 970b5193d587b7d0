import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eventually, startSyncWorld } from '../harness/sync-world';
import { enable, settled } from '../sync/helpers';
import { catalogOf, describeDifferences, differences, isEqual, recordRequests } from './support';

/**
 * Echo suppression by identity: dualwrite's own write into a `sync`-mode source fires that
 * source's synchronous webhook too; the receiver recognises dualwrite as the initiating user and
 * answers at once, so the write is neither written through back nor even looked at as an echo.
 */
test('a sync-mode webhook fired by dualwrite\'s own write is recognised by identity and goes nowhere', async () => {
  const mapsDir = catalogOf(['customer-groups'], { 'customer-groups': (m) => (m.syncMode = 'sync') });
  const world = await startSyncWorld({ mapsDir, companies: ['usmf'], syncEntitySets: ['msdyn_customergroups'] });
  await world.withWorker(async () => {
    await enable(world, { maps: ['customer-groups'], initialSync: { master: 'finops' } });
    await settled(world, 'customer-groups');
    const inboxBefore = await world.store.inbox.count();
    const finopsRequests = recordRequests(world.finops.port);
    const dataverseRequests = recordRequests(world.dataverse.port);
    const syncDeliveries = () => world.dataverse.delivery.log().filter((d) => d.mode === 'sync' && d.state === 'delivered').length;
    const deliveredBefore = syncDeliveries();

    const [r] = await world.users.finops.writeBatch('CustomerGroups', [{ id: 'e', kind: 'upsert', key: { dataAreaId: 'usmf', CustomerGroupId: 'IDECHO' }, values: { Description: 'from F&O' } }]);
    assert.ok(r?.ok, JSON.stringify(r));
    // The Dataverse row is visible once its transaction (and so its synchronous webhook) is done.
    await eventually('the edit in Dataverse', async () => (await world.users.dataverse.readPage({ entitySet: 'msdyn_customergroups', filter: "msdyn_groupid eq 'IDECHO'" })).rows[0]?.msdyn_description === 'from F&O');
    finopsRequests.stop();
    dataverseRequests.stop();
    // The webhook did fire for dualwrite's write (and was answered successfully)...
    assert.ok(syncDeliveries() > deliveredBefore, 'the synchronous webhook fired for dualwrite\'s own write');
    // ...but nothing ran for it: no change queued, and F&O not even read after dualwrite wrote Dataverse.
    const write = dataverseRequests.requests.find((q) => q.path.startsWith('/api/data/') && q.method !== 'GET');
    assert.ok(write, `dualwrite wrote Dataverse: ${JSON.stringify(dataverseRequests.requests.map((q) => `${q.method} ${q.path}`))}`);
    const finopsAfter = finopsRequests.requests.filter((q) => q.path.startsWith('/data/') && q.arrivedAt >= write.arrivedAt);
    assert.deepEqual(finopsAfter.map((q) => `${q.method} ${q.path}`), [], 'no write-through back to F&O');
    assert.equal(await world.store.inbox.count(), inboxBefore, 'nothing queued for the webhook of our own write');
    const d = await differences(world, 'customer-groups');
    assert.ok(isEqual(d), describeDifferences(d));
  });
});
