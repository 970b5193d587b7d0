import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { mapWorkflowId } from '../../src/contracts/names';
import { ensureTemporalCli } from '../../src/devserver/temporal-cli';
import { eventually, startSyncWorld, type SyncWorld } from '../harness/sync-world';
import { enable, settled, status, waitForState } from './helpers';

const run = promisify(execFile);

/** What an operator types: the real `temporal` binary against the world's server. */
async function temporal(world: SyncWorld, ...args: string[]): Promise<string> {
  const cli = await ensureTemporalCli();
  const { stdout } = await run(cli, [...args, '--address', world.temporal.address, '--namespace', 'default']);
  return stdout;
}

const signal = (world: SyncWorld, map: string, name: string, input?: object) =>
  temporal(world, 'workflow', 'signal', '--workflow-id', mapWorkflowId(map), '--name', name, ...(input ? ['--input', JSON.stringify(input)] : []));

test('pause, resume (drain, park, discard), cascade and stop, sent with the temporal CLI', async (t) => {
  const world = await startSyncWorld({ companies: ['usmf'] });
  const fo = world.users.finops;
  const dv = world.users.dataverse;
  const createGroups = (ids: string[]) =>
    fo.writeBatch('CustomerGroups', ids.map((id) => ({ id, kind: 'upsert' as const, mode: 'create' as const, key: { dataAreaId: 'usmf', CustomerGroupId: id }, values: { Description: `group ${id}` } })));
  const inDataverse = async (id: string) => (await dv.readPage({ entitySet: 'msdyn_customergroups', filter: `msdyn_groupid eq '${id}'` })).rows.length > 0;
  const pending = () => world.store.inbox.count({ map: 'customer-groups', status: 'pending' });

  await world.withWorker(async () => {
    await enable(world, { maps: ['customer-groups'], initialSync: { master: 'finops' } });

    await t.test('pause from the CLI: state Paused, visible to DualWriteState="Paused"', async () => {
      await signal(world, 'customer-groups', 'pause', { reason: 'maintenance', by: 'ops' });
      const s = await waitForState(world, 'customer-groups', 'Paused');
      assert.equal(s.pausedBy, 'ops');
      assert.equal(s.pauseReason, 'maintenance');
      await eventually('the search attribute', async () => (await temporal(world, 'workflow', 'list', '--query', 'DualWriteState="Paused"', '--output', 'json')).includes(mapWorkflowId('customer-groups')));
    });

    await t.test('changes made while paused are captured but not applied', async () => {
      await createGroups(['ZP1', 'ZP2', 'ZP3']);
      await eventually('3 pending changes', async () => (await pending()) === 3);
      assert.equal(await inDataverse('ZP1'), false);
    });

    await t.test('resume with drain applies the backlog, then runs live', async () => {
      await signal(world, 'customer-groups', 'resume', { mode: 'drain' });
      await eventually('the backlog in Dataverse', async () => (await inDataverse('ZP1')) && (await inDataverse('ZP2')) && (await inDataverse('ZP3')));
      const s = await settled(world, 'customer-groups');
      assert.equal(s.state, 'Running');
    });

    await t.test('resume with park moves the backlog to the error queue as retryable', async () => {
      await signal(world, 'customer-groups', 'pause');
      await waitForState(world, 'customer-groups', 'Paused');
      await createGroups(['ZK1', 'ZK2']);
      await eventually('2 pending changes', async () => (await pending()) === 2);
      await signal(world, 'customer-groups', 'resume', { mode: 'park' });
      await waitForState(world, 'customer-groups', 'Running');
      const parked = await world.store.errors.list({ map: 'customer-groups', class: 'parked' });
      assert.equal(parked.items.length, 2, JSON.stringify(parked.items.map((e) => e.recordKey)));
      assert.equal(await pending(), 0);
      assert.equal(await inDataverse('ZK1'), false);
    });

    await t.test('resume with discard drops the backlog and logs it', async () => {
      await signal(world, 'customer-groups', 'pause');
      await waitForState(world, 'customer-groups', 'Paused');
      await createGroups(['ZD1']);
      await eventually('1 pending change', async () => (await pending()) === 1);
      await signal(world, 'customer-groups', 'resume', { mode: 'discard' });
      await waitForState(world, 'customer-groups', 'Running');
      assert.equal(await pending(), 0);
      assert.equal(await inDataverse('ZD1'), false);
      await eventually('the discard in the activity log', async () => (await world.store.log.query({ map: 'customer-groups' })).items.some((e) => /discarded 1 pending/.test(e.message)));
    });

    await t.test('pausing a map pauses the maps that depend on it', async () => {
      await signal(world, 'payment-terms', 'pause', { reason: 'fix terms', by: 'ops' });
      await waitForState(world, 'payment-terms', 'Paused');
      const dependent = await waitForState(world, 'customer-groups', 'Paused');
      assert.equal(dependent.pausedBy, 'cascade:payment-terms');
      await signal(world, 'payment-terms', 'resume');
      await signal(world, 'customer-groups', 'resume');
      await waitForState(world, 'customer-groups', 'Running');
    });

    await t.test('stop ends the workflow in state Stopped', async () => {
      await signal(world, 'customer-groups', 'stop', { reason: 'decommissioned' });
      const handle = world.env.client.workflow.getHandle(mapWorkflowId('customer-groups'));
      const result = await handle.result();
      assert.equal(result.state, 'Stopped');
      assert.equal((await status(world, 'customer-groups')).state, 'Stopped');
    });
  });
});
