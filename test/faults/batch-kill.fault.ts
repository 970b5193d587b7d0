import assert from 'node:assert/strict';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { test } from 'node:test';
import { eventually, startSyncWorld } from '../harness/sync-world';
import { enable } from '../sync/helpers';
import { convergence } from './concurrent-edits';
import { catalogOf, describeDifferences, describeSummaries } from './support';
import { startWorkerProcess } from '../harness/spawn-worker';

/**
 * The worker is SIGKILLed at the moment its $batch write reaches the target (the batch is
 * applied, the worker never hears back). A new worker retries the batch: upserts by key and the
 * ledger make the second apply harmless, so nothing is lost and nothing is duplicated.
 */
test('a worker killed in the middle of a batch write: nothing lost, nothing duplicated', { timeout: 15 * 60_000 }, async (t) => {
  const world = await startSyncWorld({ companies: ['usmf'], mapsDir: catalogOf(['customer-groups']) });
  let worker = await startWorkerProcess(world);
  await enable(world, { maps: ['customer-groups'], initialSync: { master: 'finops' } });
  await convergence(world);

  // Kill the worker as soon as a $batch request arrives at Dataverse; the sandbox still applies it.
  let killedAt: string | undefined;
  const onRequest = (message: unknown) => {
    const { request, socket } = message as { request: IncomingMessage; socket: Socket };
    if (killedAt || socket.localPort !== world.dataverse.port || !request.url?.includes('$batch')) return;
    killedAt = request.url;
    worker.kill('SIGKILL');
  };
  subscribe('http.server.request.start', onRequest);
  try {
    const ids = Array.from({ length: 200 }, (_, i) => `BK${String(i).padStart(3, '0')}`);
    const results = await world.users.finops.writeBatch('CustomerGroups', ids.map((id) => ({ id, kind: 'upsert' as const, mode: 'create' as const, key: { dataAreaId: 'usmf', CustomerGroupId: id }, values: { Description: `batch ${id}` } })));
    for (const r of results) assert.ok(r.ok, JSON.stringify(r));
    await eventually('the worker killed mid-batch', () => killedAt !== undefined, 120_000);
  } finally {
    unsubscribe('http.server.request.start', onRequest);
  }
  const inDataverseAtKill = world.dataverse.store.count('msdyn_customergroups');
  worker = await startWorkerProcess(world);
  const recoveryStart = Date.now();
  const d = await convergence(world, 'customer-groups', 5 * 60_000);
  t.diagnostic(`killed at ${killedAt}; ${inDataverseAtKill} Dataverse groups right after the kill; ${d.rows} rows equal ${Date.now() - recoveryStart} ms after the new worker started; ${describeSummaries(d)}`);
  assert.deepEqual(d.duplicates, [], describeDifferences(d));
});
