import type { MapStatus, InitialSyncCounts } from './map-messages';
import type { MapState } from './names';

/** Task queues of the activities that call each system (each with its own rate limit). */
export interface SystemQueues {
  finops: string;
  dataverse: string;
}

/** Tunables of a table-map workflow; defaults suit production, tests shorten them. */
export interface TableMapOptions {
  /**
   * Where activities that call each system run. Unset: asked of the worker once (its
   * configuration), and carried on from then; null from the worker means the workflow's queue.
   */
  taskQueues?: SystemQueues | null;
  /** Changes read and applied per batch. */
  batchSize?: number;
  /** How long one drain activity may run before it reports back. */
  drainBudgetMs?: number;
  /** Dataverse change-tracking poll interval; 0 turns polling off (webhooks only). */
  pollEveryMs?: number;
  /** F&O reconciliation scan interval; 0 turns it off. */
  reconcileEveryMs?: number;
  /** How often records waiting for a lookup are tried again. */
  deferredRetryEveryMs?: number;
  /** Test hook: continue-as-new after this many history events instead of the server's suggestion. */
  maxHistoryEvents?: number;
}

export interface InitialSyncOptions {
  master: 'finops' | 'dataverse';
  pageSize?: number;
  pagesPerActivity?: number;
  /**
   * How soon a page copy whose worker died is handed to another worker. The activity
   * heartbeats after every page, so this must exceed the time one page takes.
   */
  heartbeatTimeoutSeconds?: number;
}

/** Carried across continue-as-new: plain JSON only (Map/Set/Date do not survive the JSON converter). */
export interface TableMapCarried {
  state: MapState;
  status: Omit<MapStatus, 'map' | 'state'>;
  nextPollAt: number;
  nextReconcileAt: number;
  nextDeferredRetryAt: number;
  resumeMode: string | null;
  pauseAfterInitialSync: { reason?: string; by?: string } | null;
}

export interface TableMapInput {
  map: string;
  /** Run an initial sync first (only when the map has never run). */
  initialSync?: InitialSyncOptions;
  options?: TableMapOptions;
  carried?: TableMapCarried;
}

export interface InitialSyncInput {
  map: string;
  run: number;
  sync: InitialSyncOptions;
  carried?: {
    companyIndex: number;
    pass: number;
    continuation?: string;
    counts: InitialSyncCounts;
    startedAt: string;
  };
  /** Test hook, as for the table map. */
  maxHistoryEvents?: number;
  /** From the map workflow: where activities that call each system run. */
  taskQueues?: SystemQueues | null;
}

export interface EnableMapsInput {
  maps: string[];
  initialSync?: InitialSyncOptions;
  options?: TableMapOptions;
}
