import assert from 'node:assert/strict';
import { test } from 'node:test';
import { randomUUID } from 'node:crypto';
import { eventually, startSyncWorld } from '../harness/sync-world';
import { enable, settled } from '../sync/helpers';
import { convergence } from './concurrent-edits';
import { catalogOf, describeSummaries } from './support';
import type { EventRegistration } from '../../src/sandbox/shared/admin';

/**
 * Webhooks and data events sent while the receiver is unreachable are lost for good (the
 * services give up after their retries). The reconciliation scan finds the drift on both sides
 * and repairs it.
 */
test('deliveries lost while the receiver is down are repaired by reconciliation', { timeout: 15 * 60_000 }, async (t) => {
  const world = await startSyncWorld({ companies: ['usmf'], mapsDir: catalogOf(['customer-groups']) });
  const fo = world.users.finops;
  const dv = world.users.dataverse;
  await world.withWorker(async () => {
    await enable(world, { maps: ['customer-groups'], initialSync: { master: 'finops' }, options: { pollEveryMs: 1000, reconcileEveryMs: 2000, deferredRetryEveryMs: 500, drainBudgetMs: 5000 } });
    await settled(world, 'customer-groups');

    // The receiver goes away: both services now deliver to a closed port.
    const dead = 'http://127.0.0.1:9/unreachable';
    const saved: Record<'finops' | 'dataverse', EventRegistration[]> = { finops: world.finops.registrations.list(), dataverse: world.dataverse.registrations.list() };
    for (const system of ['finops', 'dataverse'] as const) {
      const sandbox = world[system];
      for (const r of saved[system]) {
        sandbox.registrations.remove(r.id);
        sandbox.registrations.add({ ...r, id: randomUUID(), url: dead });
      }
    }
    const groups = (await fo.readPage({ entitySet: 'CustomerGroups', company: 'usmf', pageSize: 10 })).rows.map((r) => String(r.CustomerGroupId));
    assert.ok(groups.length >= 3);
    // Deliveries that reached the receiver so far; none may be added while it is unreachable.
    const toReceiver = (system: 'finops' | 'dataverse') => world[system].delivery.log().filter((d) => d.url !== dead).length;
    const receivedBefore = { finops: toReceiver('finops'), dataverse: toReceiver('dataverse') };
    const results = [
      ...(await fo.writeBatch('CustomerGroups', [
        { id: 'c', kind: 'upsert', mode: 'create', key: { dataAreaId: 'usmf', CustomerGroupId: 'LOST1' }, values: { Description: 'created while deliveries were lost' } },
        { id: 'u', kind: 'upsert', mode: 'update', key: { dataAreaId: 'usmf', CustomerGroupId: groups[0]! }, values: { Description: 'F&O edit never delivered' } },
        { id: 'd', kind: 'delete', key: { dataAreaId: 'usmf', CustomerGroupId: groups[1]! } },
      ])),
    ];
    const dvRow = (await dv.readPage({ entitySet: 'msdyn_customergroups', filter: `msdyn_groupid eq '${groups[2]!}'` })).rows[0]!;
    results.push(...(await dv.writeBatch('msdyn_customergroups', [{ id: 'v', kind: 'upsert', mode: 'update', key: { msdyn_customergroupid: String(dvRow.msdyn_customergroupid) }, values: { msdyn_description: 'Dataverse edit never delivered' } }])));
    for (const r of results) assert.ok(r.ok, JSON.stringify(r));
    // The services tried and gave up: every delivery to the dead receiver failed for good.
    const lost = (system: 'finops' | 'dataverse') => world[system].delivery.log().filter((d) => d.url === dead);
    await eventually('the lost deliveries given up on both sides', () =>
      (['finops', 'dataverse'] as const).every((system) => lost(system).length > 0 && lost(system).every((d) => d.state === 'failed')), 60_000);
    // Not the inbox size: change tracking (pollEveryMs 1000) may already have found the Dataverse edit.
    assert.deepEqual({ finops: toReceiver('finops'), dataverse: toReceiver('dataverse') }, receivedBefore, 'no change was delivered');

    // The receiver is back for later changes; the lost ones are found by reconciliation alone.
    for (const system of ['finops', 'dataverse'] as const) {
      world[system].registrations.clear();
      for (const r of saved[system]) world[system].registrations.add(r);
    }
    const repairStart = Date.now();
    const d = await convergence(world, 'customer-groups', 5 * 60_000);
    t.diagnostic(`repaired by reconciliation in ${Date.now() - repairStart} ms; ${describeSummaries(d)}`);
    const log = await world.store.log.query({ map: 'customer-groups', type: 'reconciliation' });
    assert.ok(log.items.length >= 1, 'reconciliation findings logged');
  });
});
