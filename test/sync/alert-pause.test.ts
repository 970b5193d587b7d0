import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { addAlertRule, createNotifier, evaluateAlerts } from '../../src/alerts';
import { startSmtpInbox } from '../../src/alerts/test-support/smtp-inbox';
import { retryErrors } from '../../src/errors';
import { catalogWith, eventually, startSyncWorld } from '../harness/sync-world';
import { enable, waitForState } from './helpers';

/**
 * Issue "errors and alerts", end to end on the real map workflow: 10 validation errors within
 * 15 s pause the map and an email arrives; fixing the data and retrying all resolves the
 * queue, the alert clears, and the map resumes by itself.
 */
test('an alert pauses a map on validation errors; fixing the data and retrying resolves it and resumes the map', async () => {
  // Dataverse keeps 60 characters of description; this map writes one more than F&O holds.
  const mapsDir = catalogWith({
    'customer-groups': (m) => {
      const columns = m.columns as Record<string, unknown>[];
      const description = columns.find((c) => c.finops === 'Description')!;
      Object.assign(description, { direction: '->', toDataverse: "concat('!', Description)" });
    },
  });
  const world = await startSyncWorld({ mapsDir, companies: ['usmf'] });
  const smtp = await startSmtpInbox();
  after(() => smtp.close());
  const notifier = createNotifier({ smtpUrl: smtp.url, from: 'dualwrite@example.com' });
  const fo = world.users.finops;
  const ids = Array.from({ length: 10 }, (_, i) => `ZA${i}`);
  const write = (description: (id: string) => string) =>
    fo.writeBatch('CustomerGroups', ids.map((id) => ({ id, kind: 'upsert' as const, key: { dataAreaId: 'usmf', CustomerGroupId: id }, values: { Description: description(id) } })));
  const openValidation = () => world.store.errors.count({ map: 'customer-groups', class: 'validation', status: 'open' });

  await world.withWorker(async () => {
    await enable(world, { maps: ['customer-groups'], initialSync: { master: 'finops' } });
    const rule = await addAlertRule(world.store, {
      name: 'customer groups rejected',
      map: 'customer-groups',
      condition: { kind: 'errorCount', class: 'validation', threshold: 10, windowSeconds: 15 },
      action: 'pause',
      notify: { email: ['ops@example.com'] },
    });

    const written = await write((id) => `${id} `.padEnd(60, 'x'));
    assert.ok(written.every((r) => r.ok), JSON.stringify(written));
    await eventually('10 validation errors', async () => (await openValidation()) >= 10);

    const fired = await evaluateAlerts({ store: world.store, client: world.env.client, notifier });
    assert.equal(fired.fired.length, 1, JSON.stringify(fired));
    const paused = await waitForState(world, 'customer-groups', 'Paused');
    assert.equal(paused.pausedBy, `alert:${rule.id}`);
    const [mail] = await smtp.waitFor(1);
    assert.match(mail!.raw, /customer groups rejected/);

    // Fix the data at the source, then retry everything that failed.
    assert.ok((await write((id) => `fixed ${id}`)).every((r) => r.ok));
    const retried = await retryErrors({ store: world.store, client: world.env.client }, { map: 'customer-groups', class: 'validation' });
    assert.equal(retried.requeued, 10, JSON.stringify(retried));

    const cleared = await evaluateAlerts({ store: world.store, client: world.env.client, notifier });
    assert.equal(cleared.cleared.length, 1, JSON.stringify(cleared));
    assert.match(cleared.cleared[0]!.actionTaken ?? '', /resumed map customer-groups/);
    await waitForState(world, 'customer-groups', 'Running');
    await smtp.waitFor(2);

    await eventually('every error resolved', async () => (await world.store.errors.count({ map: 'customer-groups', class: 'validation', status: ['open', 'retrying'] })) === 0);
    const dv = await world.users.dataverse.readPage({ entitySet: 'msdyn_customergroups', filter: "startswith(msdyn_groupid, 'ZA')" });
    assert.deepEqual(dv.rows.map((r) => r.msdyn_description).sort(), ids.map((id) => `!fixed ${id}`).sort());
  });
});
