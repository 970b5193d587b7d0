import { condition, defineQuery, defineSignal, setHandler } from '@temporalio/workflow';
import { changesAvailableSignal, type MapStatus, pauseSignal, statusQuery, stopSignal } from '../../contracts/map-messages';

/**
 * Test only: stands in for the map workflow `dualwrite-map-<map>`. It answers the status query
 * with a status the test sets, and records the signals it receives so a test can assert on
 * what the alert evaluator and the retry command sent.
 */
export interface RecordedSignal {
  name: 'pause' | 'stop' | 'changesAvailable';
  input: unknown;
}

export const recordedSignalsQuery = defineQuery<RecordedSignal[]>('recordedSignals');
export const setStatusSignal = defineSignal<[Partial<MapStatus>]>('setTestStatus');

export async function recordingMapWorkflow(map: string): Promise<RecordedSignal[]> {
  const recorded: RecordedSignal[] = [];
  let status: MapStatus = {
    map,
    state: 'Running',
    backlog: 0,
    counts: { applied: 0, unchanged: 0, echoes: 0, conflicts: 0, failed: 0, deferred: 0, deleted: 0 },
    lastSyncedAt: null,
    lastError: null,
    pending: null,
    pausedBy: null,
    pauseReason: null,
    initialSync: { runs: 0, workflowId: null, result: null },
    lagSeconds: null,
  };
  let stopped = false;
  setHandler(pauseSignal, (input) => {
    recorded.push({ name: 'pause', input });
    status = { ...status, state: 'Paused', pausedBy: input?.by ?? null, pauseReason: input?.reason ?? null };
  });
  setHandler(stopSignal, (input) => {
    recorded.push({ name: 'stop', input });
    stopped = true;
  });
  setHandler(changesAvailableSignal, (input) => void recorded.push({ name: 'changesAvailable', input }));
  setHandler(setStatusSignal, (patch) => void (status = { ...status, ...patch }));
  setHandler(statusQuery, () => status);
  setHandler(recordedSignalsQuery, () => recorded);
  await condition(() => stopped);
  return recorded;
}
