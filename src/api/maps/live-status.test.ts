import assert from 'node:assert/strict';
import { test } from 'node:test';
import { testTemporal, uniqueId } from '../../../test/harness/temporal';
import { mapWorkflowId } from '../../contracts/names';
import { liveStatuses } from './live-status';

test('live status: NotRunning without a workflow, Unknown when no worker answers, Failed when terminated', async () => {
  const { env } = await testTemporal();
  const client = env.client;
  const absent = uniqueId('live-absent');
  const silent = uniqueId('live-silent');
  // No worker polls this queue: the workflow exists and runs, but nobody answers its queries.
  const handle = await client.workflow.start('signalRecorderWorkflow', { taskQueue: uniqueId('nobody'), workflowId: mapWorkflowId(silent), args: [{ map: silent }] });

  const started = Date.now();
  const [a, s] = await liveStatuses(client, [absent, silent], 1000);
  assert.deepEqual(a, { map: absent, state: 'NotRunning', workflowId: mapWorkflowId(absent) });
  assert.equal(s?.state, 'Unknown');
  assert.equal(s?.workflowStatus, 'RUNNING');
  assert.match(s?.statusError ?? '', /did not answer the status query/);
  assert.ok(Date.now() - started < 30_000, 'the deadline bounds the wait');

  await handle.terminate('test');
  const [failed] = await liveStatuses(client, [silent], 1000);
  assert.deepEqual([failed?.state, failed?.workflowStatus], ['Failed', 'TERMINATED']);
});
