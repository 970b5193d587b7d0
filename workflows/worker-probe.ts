import { condition, proxyActivities, setHandler } from '@temporalio/workflow';
import { probeStageQuery, releaseProbeSignal, type ProbeResult } from '../src/contracts/probe-messages';
import type { ProbeActivities } from '../activities/probe';

const { describeWorker } = proxyActivities<ProbeActivities>({ startToCloseTimeout: '10 seconds', summary: 'which worker answers' });

/**
 * Proves end to end that a worker polls the `dualwrite` task queue and runs both workflow and
 * activity code: `dualwrite start` runs it before it declares the stack ready. With
 * `waitForRelease`, it waits for the `release` signal first, which lets tests exercise signals
 * and queries through a real server.
 */
export async function workerProbe(input: { waitForRelease: boolean }): Promise<ProbeResult> {
  let note = '';
  let released = !input.waitForRelease;
  setHandler(releaseProbeSignal, (signal) => {
    note = signal.note;
    released = true;
  });
  setHandler(probeStageQuery, () => (released ? 'released' : 'waiting'));
  await condition(() => released);
  return { worker: await describeWorker(), note };
}
