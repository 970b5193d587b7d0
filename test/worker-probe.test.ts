import assert from 'node:assert/strict';
import { test } from 'node:test';
import { probeStageQuery, releaseProbeSignal } from '../src/contracts/probe-messages';
import { workerProbe } from '../workflows';
import { uniqueId, withWorker } from './harness/temporal';

test('a workflow on the real dev server runs an activity, answers a query and obeys a signal', async () => {
  await withWorker(async ({ taskQueue, temporal }) => {
    const handle = await temporal.env.client.workflow.start(workerProbe, {
      taskQueue,
      workflowId: uniqueId('probe'),
      args: [{ waitForRelease: true }],
    });
    assert.equal(await handle.query(probeStageQuery), 'waiting');
    await handle.signal(releaseProbeSignal, { note: 'go' });
    const result = await handle.result();
    assert.equal(result.note, 'go');
    assert.equal(result.worker.pid, process.pid);
    assert.equal(await handle.query(probeStageQuery), 'released');
  });
});
