/**
 * Test-only workflows (workflow sandbox code: no Node built-ins or I/O). They stand in for the
 * table-map and initial-sync workflows under the real workflow IDs and answer the real signal and
 * query definitions, so API tests check what reaches a workflow without running the sync engine.
 */
import { condition, defineQuery, defineSignal, setHandler } from '@temporalio/workflow';
import { initialSyncProgressQuery, pauseSignal, resumeSignal, statusQuery, stopSignal, type InitialSyncProgress, type MapStatus } from '../../contracts/map-messages';
import type { MapState } from '../../contracts/names';

export interface RecordedSignal {
  signal: 'pause' | 'resume' | 'stop';
  input: Record<string, unknown>;
}

export const recordedSignalsQuery = defineQuery<RecordedSignal[]>('recordedSignals');
export const finishSignal = defineSignal('finish');

/** Answers `status` like a table map and records every pause/resume/stop; ends on stop. */
export async function signalRecorderWorkflow(input: { map: string; initialSyncRuns?: number }): Promise<RecordedSignal[]> {
  const received: RecordedSignal[] = [];
  let state: MapState = 'Running';
  let pausedBy: string | null = null;
  let stopped = false;
  setHandler(pauseSignal, (i) => {
    received.push({ signal: 'pause', input: { ...i } });
    state = 'Paused';
    pausedBy = i?.by ?? null;
  });
  setHandler(resumeSignal, (i) => {
    received.push({ signal: 'resume', input: { ...i } });
    state = 'Running';
    pausedBy = null;
  });
  setHandler(stopSignal, (i) => {
    received.push({ signal: 'stop', input: { ...i } });
    stopped = true;
  });
  setHandler(recordedSignalsQuery, () => received);
  setHandler(
    statusQuery,
    (): MapStatus => ({
      map: input.map,
      state,
      backlog: 0,
      counts: { applied: 0, unchanged: 0, echoes: 0, conflicts: 0, failed: 0, deferred: 0, deleted: 0 },
      lastSyncedAt: null,
      lastError: null,
      pending: null,
      pausedBy,
      pauseReason: null,
      initialSync: { runs: input.initialSyncRuns ?? 0, workflowId: null, result: null },
      lagSeconds: null,
    }),
  );
  await condition(() => stopped);
  return received;
}

/** Answers `progress` with fixed counters until told to finish. */
export async function initialSyncStandInWorkflow(input: { map: string; read: number }): Promise<void> {
  let finished = false;
  setHandler(finishSignal, () => {
    finished = true;
  });
  setHandler(
    initialSyncProgressQuery,
    (): InitialSyncProgress => ({ map: input.map, master: 'finops', company: null, pass: 1, done: false, startedAt: '2026-01-01T00:00:00.000Z', read: input.read, created: input.read, updated: 0, unchanged: 0, failed: 0, skipped: 0 }),
  );
  await condition(() => finished);
}
