import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { MapState, ResumeMode } from './names';

/**
 * Messages of the table-map workflow `dualwrite-map-<map>` (design.md §6). Declared once here
 * and imported by the workflow, the worker's activities, the API and the CLI, so a name
 * cannot drift between sender and receiver. The signals take plain JSON so that they also work
 * from the Temporal UI's "Send a Signal" and from `temporal workflow signal`.
 */
export interface PauseInput {
  reason?: string;
  /** Who asked: a user name, "alert:<rule>", "cascade:<map>". */
  by?: string;
}
export interface ResumeInput {
  mode?: ResumeMode;
  by?: string;
}
export interface StopInput {
  reason?: string;
  by?: string;
}
export interface ChangesAvailableInput {
  /** Backlog size the sender saw, if it knows it. */
  backlog?: number;
  /** The directions that received changes, if the sender knows (else both are drained). */
  directions?: ('finops-to-dataverse' | 'dataverse-to-finops')[];
}

export const pauseSignal = defineSignal<[PauseInput?]>('pause');
export const resumeSignal = defineSignal<[ResumeInput?]>('resume');
export const stopSignal = defineSignal<[StopInput?]>('stop');
export const changesAvailableSignal = defineSignal<[ChangesAvailableInput?]>('changesAvailable');

export interface MapCounts {
  applied: number;
  unchanged: number;
  echoes: number;
  conflicts: number;
  failed: number;
  deferred: number;
  deleted: number;
}

export interface MapStatus {
  map: string;
  state: MapState;
  backlog: number;
  counts: MapCounts;
  lastSyncedAt: string | null;
  lastError: string | null;
  /** A pause or resume received while it cannot apply yet (e.g. during initial sync). */
  pending: string | null;
  pausedBy: string | null;
  pauseReason: string | null;
  initialSync: { runs: number; workflowId: string | null; result: InitialSyncCounts | null };
  /** When the last change applied was captured, as seen by the last batch: a lag indicator. */
  lagSeconds: number | null;
}

export const statusQuery = defineQuery<MapStatus>('status');

/** Write-through (sync mode): one change, applied to the other side before the source commits. */
export interface ApplyChangeInput {
  direction: 'finops-to-dataverse' | 'dataverse-to-finops';
  op: 'upsert' | 'delete';
  /** Source record id (Dataverse GUID) or key columns. */
  recordId?: string;
  key?: Record<string, string | number | boolean>;
  values?: Record<string, unknown>;
  eventId: string;
  changedAt?: string;
}
export interface ApplyChangeResult {
  status: 'applied' | 'unchanged' | 'queued';
  recordId?: string;
}
export const applyChangeUpdate = defineUpdate<ApplyChangeResult, [ApplyChangeInput]>('applyChange');

export interface InitialSyncCounts {
  read: number;
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
  skipped: number;
}
export interface InitialSyncProgress extends InitialSyncCounts {
  map: string;
  master: 'finops' | 'dataverse';
  company: string | null;
  pass: number;
  done: boolean;
  startedAt: string;
}
export const initialSyncProgressQuery = defineQuery<InitialSyncProgress>('progress');
