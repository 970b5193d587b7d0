import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ensureTemporalCli } from '../../src/devserver/temporal-cli';
import { probeStageQuery, releaseProbeSignal } from '../../src/contracts/probe-messages';
import { workerProbe } from '../../workflows';
import { testTemporal, uniqueId, withWorker } from '../harness/temporal';

/**
 * Records the histories that test/replay.test.ts replays: each scenario drives a workflow type
 * through its interesting paths on a real server, then saves `temporal workflow show --output
 * json` as an operator would. Run it (`npx tsx --test test/histories/record.ts`) when a workflow
 * gains a path worth guarding; commit the JSON it writes.
 */
async function save(name: string, workflowId: string): Promise<void> {
  const { address } = await testTemporal();
  const cli = await ensureTemporalCli();
  const json = execFileSync(cli, ['workflow', 'show', '--workflow-id', workflowId, '--address', address, '--output', 'json'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  writeFileSync(join(__dirname, `${name}.json`), json);
}

test('record: workerProbe released by signal', async () => {
  await withWorker(async ({ taskQueue, temporal }) => {
    const workflowId = uniqueId('probe');
    const handle = await temporal.env.client.workflow.start(workerProbe, { taskQueue, workflowId, args: [{ waitForRelease: true }] });
    await handle.query(probeStageQuery);
    await handle.signal(releaseProbeSignal, { note: 'recorded' });
    await handle.result();
    await save('worker-probe', workflowId);
  });
});

