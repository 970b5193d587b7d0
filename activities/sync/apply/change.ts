import type { KeyValues, Row } from '../../../src/connectors/types';
import type { TransformDirection } from '../../../src/maps/schema';
import type { SystemName } from '../../../src/schema/entity-schema';

/** One change to carry to the other side: from the inbox, a page of an initial sync, or a write-through call. */
export interface SourceChange {
  /** Caller's correlation: an inbox seq, a row index. */
  ref: string;
  op: 'upsert' | 'delete';
  /** Integration key text when the capture knew it. */
  recordKey?: string;
  key?: KeyValues;
  /** The source system's record id (Dataverse GUID). */
  recordId?: string;
  /** The source row; read from the source when absent. */
  values?: Row;
  changedAt?: string;
  capturedAt?: string;
}

/** What the inbox keeps as a change's payload: our envelope around the captured row. */
export interface InboxPayload {
  values?: Row;
  key?: KeyValues;
  recordId?: string;
}

export type OutcomeKind =
  | 'created'
  | 'updated'
  | 'deleted'
  | 'unchanged'
  | 'echo'
  | 'conflict'
  | 'filtered'
  | 'ignored'
  | 'failed'
  | 'deferred'
  | 'retry';

export interface Outcome {
  ref: string;
  kind: OutcomeKind;
  recordKey?: string;
  recordId?: string;
  message?: string;
}

export const sidesOf = (direction: TransformDirection): { source: SystemName; target: SystemName } =>
  direction === 'finops-to-dataverse' ? { source: 'finops', target: 'dataverse' } : { source: 'dataverse', target: 'finops' };

export const directionFrom = (source: SystemName): TransformDirection => (source === 'finops' ? 'finops-to-dataverse' : 'dataverse-to-finops');
