import assert from 'node:assert/strict';
import { test } from 'node:test';
import { catalogWith, eventually, startSyncWorld, WORLD_OPERATOR_TOKEN } from '../harness/sync-world';
import { enable, settled, waitForState } from '../sync/helpers';
import { revealsSecret, showAllHistories } from './histories';

const LOADED = 'alice.secret@example.com';
const WRITTEN_THROUGH = 'bob.secret@example.com';

test('revealsSecret finds a value in plain text and in base64 at any offset', () => {
  for (const prefix of ['', 'x', 'xy', 'xyz']) assert.ok(revealsSecret(Buffer.from(`${prefix}{"d":"${LOADED}"}`).toString('base64'), LOADED), prefix);
  assert.ok(revealsSecret(`"Description":"${LOADED}"`, LOADED));
  assert.ok(!revealsSecret('nothing to see', LOADED));
});

/**
 * Record values never reach Temporal in the clear: an e-mail address loaded by an initial sync
 * and another written through (the `applyChange` update carries the record's values) are absent
 * from every history the CLI shows, yet present once the CLI decodes through our codec endpoint.
 */
test('payloads in Temporal history are encrypted; the codec endpoint decodes them for an operator', async () => {
  const mapsDir = catalogWith({ 'customer-groups': (m) => (m.syncMode = 'sync') });
  const world = await startSyncWorld({ mapsDir, companies: ['usmf'], syncEntitySets: ['msdyn_customergroups'] });
  // Edits come from people (another OAuth client): dualwrite's own writes are not written through.
  const fo = world.users.finops;
  const dv = world.users.dataverse;
  const dvRow = async (id: string) => (await dv.readPage({ entitySet: 'msdyn_customergroups', filter: `msdyn_groupid eq '${id}'` })).rows[0];

  await world.withWorker(async () => {
    await fo.writeBatch('CustomerGroups', [{ id: 'g', kind: 'upsert', key: { dataAreaId: 'usmf', CustomerGroupId: 'ZSEC' }, values: { Description: LOADED } }]);
    await enable(world, { maps: ['customer-groups'], initialSync: { master: 'finops' } });
    const row = await eventually('ZSEC in Dataverse', async () => ((await dvRow('ZSEC'))?.msdyn_description === LOADED ? dvRow('ZSEC') : undefined));

    // Changes captured during the load drain first; a map that is not Running queues write-throughs.
    await waitForState(world, 'customer-groups', 'Running');
    await settled(world, 'customer-groups');
    // A synchronous step: Dataverse waits for our webhook, which runs the applyChange update.
    const [result] = await dv.writeBatch('msdyn_customergroups', [{ id: 'w', kind: 'upsert', mode: 'update', key: { msdyn_customergroupid: String(row!.msdyn_customergroupid) }, values: { msdyn_description: WRITTEN_THROUGH } }]);
    assert.ok(result?.ok, JSON.stringify(result));
    const foRow = (await fo.readPage({ entitySet: 'CustomerGroups', company: 'usmf', filter: "CustomerGroupId eq 'ZSEC'" })).rows[0];
    assert.equal(foRow?.Description, WRITTEN_THROUGH, 'written through before Dataverse answered');
  });

  const raw = await showAllHistories(world.temporal.address);
  assert.ok(raw.runs >= 3, `the enable, initial-sync and map workflows are listed (${raw.runs})`);
  assert.ok(raw.text.includes('YmluYXJ5L2VuY3J5cHRlZA==') || raw.text.includes('binary/encrypted'), 'payloads carry the binary/encrypted encoding');
  for (const secret of [LOADED, WRITTEN_THROUGH]) assert.ok(!revealsSecret(raw.text, secret), `${secret} is readable in a raw history`);

  const decoded = await showAllHistories(world.temporal.address, { endpoint: `${world.api.url}/codec`, token: WORLD_OPERATOR_TOKEN });
  assert.ok(revealsSecret(decoded.text, WRITTEN_THROUGH), 'the written-through value is readable once decoded by the codec endpoint');
  assert.ok(!decoded.text.includes('binary/encrypted') && !decoded.text.includes('YmluYXJ5L2VuY3J5cHRlZA=='), 'every payload was decoded');
});
