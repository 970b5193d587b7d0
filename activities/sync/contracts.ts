import type { ApplyChangeInput, ApplyChangeResult, InitialSyncCounts, MapCounts } from '../../src/contracts/map-messages';
import type { InitialSyncOptions, SystemQueues, TableMapOptions } from '../../src/contracts/workflow-inputs';
import type { TransformDirection } from '../../src/maps/schema';

/**
 * What the workflows may ask of the sync activities. Only counts, cursors and ids cross this
 * boundary: records stay in the control store and the connectors, never in workflow history.
 */
export interface DrainResult {
  counts: MapCounts;
  /** Changes still pending after this call. */
  remaining: number;
  batches: number;
  /** Seconds between capture and apply of the newest change applied. */
  lagSeconds: number | null;
  lastError: string | null;
}

export interface CopyPagesInput {
  map: string;
  master: 'finops' | 'dataverse';
  company: string | null;
  /** 1: all columns but self-referencing lookups; 2: only those lookups. */
  pass: number;
  continuation?: string;
  pageSize: number;
  maxPages: number;
}
export interface CopyPagesResult {
  counts: InitialSyncCounts;
  continuation?: string;
}

export interface InitialSyncPlan {
  /** Companies to page through, or [null] for a global map. */
  companies: (string | null)[];
  /** 2 when the map has lookups to itself (written in a second pass). */
  passes: number;
}

export interface EnablePlan {
  /** Maps in dependency layers: each layer's maps only depend on earlier layers. */
  layers: string[][];
}

export interface SyncActivities {
  drainInbox(input: { map: string; direction: TransformDirection; batchSize: number; budgetMs: number }): Promise<DrainResult>;
  captureChanges(input: { map: string }): Promise<{ captured: number; backlog: number }>;
  reconcile(input: { map: string }): Promise<{ scanned: number; enqueued: number; backlog: number }>;
  retryDeferred(input: { map: string }): Promise<{ requeued: number }>;
  backlog(input: { map: string }): Promise<number>;
  parkBacklog(input: { map: string }): Promise<number>;
  discardBacklog(input: { map: string }): Promise<number>;
  enqueueChange(input: { map: string; change: ApplyChangeInput }): Promise<void>;
  applyChange(input: { map: string; change: ApplyChangeInput }): Promise<ApplyChangeResult>;
  cascadePause(input: { map: string; reason: string }): Promise<string[]>;
  recordActivity(input: { map: string; type: string; message: string; actor?: string; data?: Record<string, unknown> }): Promise<void>;
  planInitialSync(input: { map: string }): Promise<InitialSyncPlan>;
  copyPages(input: CopyPagesInput): Promise<CopyPagesResult>;
  planEnable(input: { maps: string[] }): Promise<EnablePlan>;
  /** The system task queues this worker's deployment uses, or null for one queue for all. */
  describeRouting(): Promise<SystemQueues | null>;
  ensureMapRunning(input: { map: string; initialSync?: InitialSyncOptions; options?: TableMapOptions }): Promise<{ state: string }>;
}
