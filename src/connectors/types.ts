import type { EntitySetSchema, SystemName } from '../schema/entity-schema';

/**
 * The one interface activities use to read and write a business system. A connector speaks the
 * system's own protocol over HTTP; activities never see URLs, tokens or wire formats.
 *
 * Rows are plain JSON objects keyed by the system's column names, values as on the wire.
 * Keys are the integration key of a map: column name -> value (for F&O this includes dataAreaId;
 * for Dataverse an alternate key, whose lookup parts are given as `_<lookup>_value` GUIDs).
 */
export type Row = Record<string, unknown>;
export type KeyValue = string | number | boolean;
export type KeyValues = Record<string, KeyValue>;

export interface PageRequest {
  entitySet: string;
  select?: string[];
  /** OData $filter expression, appended (with `and`) to the company filter. */
  filter?: string;
  /** F&O: read one company (dataAreaId); Dataverse: rows whose company lookup points to it. */
  company?: string;
  pageSize?: number;
  /** Opaque: the continuation returned by the previous page; pass back untouched. */
  continuation?: string;
}

export interface Page {
  rows: Row[];
  /** Absent on the last page. */
  continuation?: string;
}

export interface WriteOp {
  /** Caller's correlation id, echoed in the result. */
  id: string;
  kind: 'upsert' | 'delete';
  key: KeyValues;
  /** Columns to set (upsert only). Dataverse lookups as `<nav>@odata.bind`. */
  values?: Row;
  /** Create only / update only, where the system supports it. */
  mode?: 'create' | 'update' | 'upsert';
  /** Optimistic concurrency (Dataverse etag). */
  ifMatch?: string;
}

export type WriteResult =
  | { id: string; ok: true; created?: boolean; recordId?: string; version?: string }
  | { id: string; ok: false; error: ConnectorErrorInfo };

/** Classification decides retry: retryable errors are retried by Temporal; permanent ones go to the error queue. */
export type ErrorClass =
  | 'throttled' // 429
  | 'unavailable' // 5xx, outage
  | 'network' // connection refused/reset, DNS
  | 'timeout'
  | 'validation' // 400 with a validation message
  | 'missing-lookup' // referenced row does not exist (yet)
  | 'not-found' // 404 on update-only / delete
  | 'conflict' // 412
  | 'auth' // 401/403: configuration
  | 'transform'; // our own mapping failed before any request

export const RETRYABLE_CLASSES: readonly ErrorClass[] = ['throttled', 'unavailable', 'network', 'timeout'];

export interface ConnectorErrorInfo {
  class: ErrorClass;
  /** HTTP status when there was a response. */
  status?: number;
  /** The system's own error code, e.g. 0x80044331. */
  code?: string;
  message: string;
  /** Milliseconds to wait, from Retry-After. */
  retryAfterMs?: number;
}

/** A change captured from a system: a delta row, a webhook body or a data event. */
export interface ChangeRecord {
  system: SystemName;
  entitySet: string;
  op: 'upsert' | 'delete';
  /** The system's record id (Dataverse GUID); F&O events carry the key instead. */
  recordId?: string;
  /** Key columns when known. */
  key?: KeyValues;
  /** Column values when the event carries them (delta rows and webhook images do). */
  values?: Row;
  /** Row version (Dataverse versionnumber / etag) when known. */
  version?: string;
  /** When the system says the change happened (ISO 8601). */
  changedAt?: string;
  /** Unique id of the event for de-duplication (message id + record id, or a content hash). */
  eventId: string;
  /** Who made the change (Dataverse InitiatingUserId / F&O user) so our own writes are recognised. */
  changedBy?: string;
}

export interface DeltaResult {
  changes: ChangeRecord[];
  /** Pass back on the next poll; owned by the caller. */
  deltaToken: string;
  /** True when more changes are ready at once (the token continues a long change list): poll again without waiting. */
  more?: boolean;
  /**
   * True while the result lists the rows that existed when tracking started (the first poll and,
   * for a large table, the polls that continue it while `more`), as opposed to changes since.
   */
  initial?: boolean;
}

export interface HealthCheck {
  name: string;
  ok: boolean;
  detail: string;
}

export interface Connector {
  readonly system: SystemName;
  readPage(req: PageRequest): Promise<Page>;
  /** Rows whose key columns equal any of `keys`; batched into as few requests as the URL length allows. */
  readByKeys(entitySet: string, keys: KeyValues[], select?: string[]): Promise<Row[]>;
  /** Writes a batch with `$batch`; one failing op does not fail the others. */
  writeBatch(entitySet: string, ops: WriteOp[]): Promise<WriteResult[]>;
  /** Dataverse change tracking. Without a token, starts tracking and returns the first token (and current rows). */
  pollChanges?(entitySet: string, deltaToken: string | undefined, select?: string[]): Promise<DeltaResult>;
  /** Parses a pushed event body (webhook RemoteExecutionContext / F&O data event). Throws a clear error on bad input. */
  parseEvent(body: unknown): ChangeRecord[];
  /** Alternate key -> record id (Dataverse GUID), cached. Undefined when no row has that key. */
  resolveId?(entitySet: string, key: KeyValues): Promise<string | undefined>;
  /** Entity set schemas from the service's $metadata. */
  describe?(entitySets?: string[]): Promise<EntitySetSchema[]>;
  health(entitySets: string[]): Promise<HealthCheck[]>;
  /** The id of the user this connector writes as, as the system reports it in change events. */
  whoAmI?(): Promise<string>;
  close?(): Promise<void>;
}
