import type { ColumnType, Generated } from 'kysely';

/**
 * Row shapes as the database holds them. Both dialects share them: timestamps are ISO text on
 * SQLite and timestamptz on PostgreSQL (read back as Date), JSON is text on SQLite and jsonb on
 * PostgreSQL (read back parsed). Repositories convert rows to the public API types.
 */
type Timestamp = ColumnType<string | Date, string, string>;
type NullableTimestamp = ColumnType<string | Date | null, string | null | undefined, string | null>;
type Json = ColumnType<unknown, string | null | undefined, string | null>;
/** Generated integer keys; PostgreSQL bigints are parsed to numbers by the pool (see connect.ts). */
type Serial = Generated<number>;

export interface InboxTable {
  seq: Serial;
  map: string;
  direction: string;
  record_key: string;
  op: string;
  payload: Json;
  source_version: string | null;
  changed_at: NullableTimestamp;
  event_id: string;
  captured_at: Timestamp;
  /** pending | done | parked | discarded */
  status: string;
  settled_at: NullableTimestamp;
}

export interface EchoLedgerTable {
  map: string;
  side: string;
  record_key: string;
  hash: string;
  record_id: string | null;
  version: string | null;
  written_at: Timestamp;
}

export interface ErrorQueueTable {
  id: Serial;
  map: string;
  direction: string;
  record_key: string;
  record_id: string | null;
  class: string;
  http_status: number | null;
  code: string | null;
  message: string;
  payload: Json;
  change_op: string | null;
  change_payload: Json;
  change_version: string | null;
  change_changed_at: NullableTimestamp;
  inbox_seq: number | null;
  attempts: number;
  first_seen_at: Timestamp;
  last_seen_at: Timestamp;
  /** open | retrying | resolved | discarded */
  status: string;
  status_changed_at: Timestamp;
}

export interface ActivityLogTable {
  id: Serial;
  at: Timestamp;
  map: string | null;
  type: string;
  level: string;
  message: string;
  data: Json;
  actor: string | null;
}

export interface MapVersionTable {
  id: Serial;
  name: string;
  version: string;
  definition: string;
  checksum: string;
  publisher: string | null;
  published_by: string | null;
  published_at: Timestamp;
  comment: string | null;
}

export interface KeyValueTable {
  key: string;
  value: Json;
  updated_at: Timestamp;
}

export interface AlertRuleTable {
  id: string;
  name: string;
  map: string | null;
  condition: Json;
  action: string;
  notify: Json;
  /** 0 or 1: one integer type on both dialects keeps one code path. */
  enabled: number;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface AlertStateTable {
  rule_id: string;
  subject: string;
  /** firing | cleared */
  status: string;
  firing_since: NullableTimestamp;
  last_value: Json;
  message: string | null;
  last_evaluated_at: Timestamp;
  last_notified_at: NullableTimestamp;
  cleared_at: NullableTimestamp;
}

export interface MapLeaseTable {
  name: string;
  holder: string;
  /** Epoch milliseconds (bigint on PostgreSQL, parsed to a number by the pool). */
  expires_at: number;
  /** Who asked while it was held, and until when that place in the queue is kept. */
  next_holder: string | null;
  next_until: number | null;
}

export interface StoreTables {
  inbox: InboxTable;
  echo_ledger: EchoLedgerTable;
  error_queue: ErrorQueueTable;
  activity_log: ActivityLogTable;
  map_versions: MapVersionTable;
  kv_state: KeyValueTable;
  alert_rules: AlertRuleTable;
  alert_states: AlertStateTable;
  map_leases: MapLeaseTable;
}
