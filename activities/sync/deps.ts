import type { Client } from '@temporalio/client';
import type { SystemQueues } from '../../src/contracts/workflow-inputs';
import type { Connector } from '../../src/connectors/types';
import type { MapProvider } from '../../src/runtime/map-provider';
import type { EntitySetSchema, SystemName } from '../../src/schema/entity-schema';
import type { ActivityLog } from '../../src/store/activity-log';
import type { EchoLedger, LedgerEntry } from '../../src/store/echo-ledger';
import type { ErrorQueue } from '../../src/store/error-queue';
import type { ChangeInbox } from '../../src/store/inbox';
import type { KeyValueState } from '../../src/store/key-value-state';
import type { MapLeases } from '../../src/store/map-leases';

/** The parts of the control store the sync activities use. */
export interface SyncStore {
  inbox: ChangeInbox;
  /** With a reverse lookup: a Dataverse delete carries only the record id. */
  ledger: EchoLedger & {
    findByRecordIds(map: string, side: SystemName, recordIds: readonly string[]): Promise<Map<string, LedgerEntry>>;
    /** Every record key of one side of a map: what reconciliation compares a full scan with. */
    keys(map: string, side: SystemName): Promise<string[]>;
  };
  errors: ErrorQueue;
  log: ActivityLog;
  state: KeyValueState;
  /** The per-map apply lease of live drains (map-lock.ts). */
  leases: MapLeases;
}

export interface SyncDependencies {
  store: SyncStore;
  connectors: Record<SystemName, Connector>;
  maps: MapProvider;
  /** Entity set schemas of both systems (keys, primary key columns, modified columns). */
  schemas: EntitySetSchema[];
  /** F&O companies (dataAreaId) that take part, for company-specific maps. */
  companies: string[];
  /** For activities that message other workflows (cascading pause, enabling maps). */
  client?: Client;
  taskQueue?: string;
  /** Per-system task queues of this deployment (docs/deployment.md); unset: one queue for all. */
  systemQueues?: SystemQueues;
}
