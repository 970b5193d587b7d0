import { type Expression, type ExpressionBuilder, type Selectable, type SqlBool, sql } from 'kysely';
import type { ErrorClass } from '../connectors/types';
import { type StoreContext, decodeJson, encodeJson } from './context';
import { type ChangeOp, CHANGE_OPS, DIRECTIONS, type Direction } from './inbox';
import type { ErrorQueueTable, StoreTables } from './tables';
import {
  asList,
  chunk,
  decodeCursor,
  encodeCursor,
  fromOptionalStoredTimestamp,
  fromStoredTimestamp,
  likePattern,
  pageSize,
  requireOneOf,
  requireText,
  toIsoTimestamp,
  toOptionalIsoTimestamp,
} from './values';

/** Connector error classes plus `parked`: a change moved here by resume mode "park", never attempted. */
export type ErrorQueueClass = ErrorClass | 'parked';
export const ERROR_QUEUE_CLASSES: readonly ErrorQueueClass[] = [
  'throttled',
  'unavailable',
  'network',
  'timeout',
  'validation',
  'missing-lookup',
  'not-found',
  'conflict',
  'auth',
  'transform',
  'parked',
];
export const ERROR_STATUSES = ['open', 'retrying', 'resolved', 'discarded'] as const;
export type ErrorStatus = (typeof ERROR_STATUSES)[number];

/** The source change behind a failure, kept so a retry can apply it again. */
export interface FailedChange {
  op: ChangeOp;
  /** Captured source values. */
  payload?: unknown;
  sourceVersion?: string;
  changedAt?: string;
  inboxSeq?: number;
}

export interface ErrorRecordInput {
  map: string;
  direction: Direction;
  recordKey: string;
  recordId?: string;
  class: ErrorQueueClass;
  httpStatus?: number;
  /** The system's own error code, e.g. 0x80044331. */
  code?: string;
  message: string;
  /** The transformed payload that was sent (or would have been). */
  payload?: unknown;
  change?: FailedChange;
  /** When the failure happened; defaults to now. */
  at?: string;
}

export interface ErrorRecord {
  id: number;
  map: string;
  direction: Direction;
  recordKey: string;
  recordId?: string;
  class: ErrorQueueClass;
  httpStatus?: number;
  code?: string;
  message: string;
  payload: unknown;
  change?: FailedChange;
  attempts: number;
  firstSeenAt: string;
  lastSeenAt: string;
  status: ErrorStatus;
  statusChangedAt: string;
}

export interface ErrorFilter {
  map?: string;
  direction?: Direction;
  class?: ErrorQueueClass | readonly ErrorQueueClass[];
  status?: ErrorStatus | readonly ErrorStatus[];
  /** Case-insensitive substring of the message, the error code or the record key. */
  text?: string;
  /** Last seen at or after. */
  since?: string;
  /** Last seen before. */
  until?: string;
}

/** Explicit record ids, or every record matching a filter. */
export type ErrorSelection = { ids: readonly number[] } | ErrorFilter;

export interface ErrorPage {
  items: ErrorRecord[];
  /** Present when more records match; pass back as `cursor`. */
  nextCursor?: string;
}

export interface ErrorQueue {
  /**
   * One record per map + direction + record key: a repeated failure increments `attempts` and
   * refreshes the details; a failure of a resolved or discarded record reopens it as a new incident.
   */
  record(inputs: ErrorRecordInput | readonly ErrorRecordInput[]): Promise<ErrorRecord[]>;
  /** Newest (last seen) first. */
  list(query?: ErrorFilter & { limit?: number; cursor?: string }): Promise<ErrorPage>;
  count(filter?: ErrorFilter): Promise<number>;
  /** Record counts per map, class and status, for dashboards and alert rules. */
  summary(filter?: ErrorFilter): Promise<{ map: string; class: ErrorQueueClass; status: ErrorStatus; count: number }[]>;
  get(id: number): Promise<ErrorRecord | undefined>;
  /** Auto-resolve: a later change of these keys succeeded. Returns how many records were closed. */
  markResolved(map: string, direction: Direction, recordKeys: readonly string[], at?: string): Promise<number>;
  /** Closes open and retrying records for good; returns how many. */
  discard(selection: ErrorSelection, at?: string): Promise<number>;
  /**
   * Claims open records (oldest first) for a retry and marks them `retrying`; concurrent callers
   * never receive the same record. Success is reported with `markResolved`, failure with `record`.
   */
  takeForRetry(selection: ErrorSelection & { limit?: number }, at?: string): Promise<ErrorRecord[]>;
  /** Retention: deletes resolved and discarded records last touched before `olderThan` (open ones too if asked). */
  purge(olderThan: string, options?: { includeOpen?: boolean }): Promise<number>;
}

const KEY_CHUNK = 1000;
const DEFAULT_RETRY_BATCH = 1000;

export function createErrorQueue(ctx: StoreContext): ErrorQueue {
  const { db } = ctx;

  function toRecord(r: Selectable<ErrorQueueTable>): ErrorRecord {
    const change: FailedChange | undefined =
      r.change_op === null
        ? undefined
        : {
            op: r.change_op as ChangeOp,
            payload: decodeJson(ctx, r.change_payload),
            ...(r.change_version !== null ? { sourceVersion: r.change_version } : {}),
            ...(r.change_changed_at !== null ? { changedAt: fromOptionalStoredTimestamp(r.change_changed_at) } : {}),
            ...(r.inbox_seq !== null ? { inboxSeq: Number(r.inbox_seq) } : {}),
          };
    return {
      id: Number(r.id),
      map: r.map,
      direction: r.direction as Direction,
      recordKey: r.record_key,
      ...(r.record_id !== null ? { recordId: r.record_id } : {}),
      class: r.class as ErrorQueueClass,
      ...(r.http_status !== null ? { httpStatus: r.http_status } : {}),
      ...(r.code !== null ? { code: r.code } : {}),
      message: r.message,
      payload: decodeJson(ctx, r.payload),
      ...(change !== undefined ? { change } : {}),
      attempts: Number(r.attempts),
      firstSeenAt: fromStoredTimestamp(r.first_seen_at),
      lastSeenAt: fromStoredTimestamp(r.last_seen_at),
      status: r.status as ErrorStatus,
      statusChangedAt: fromStoredTimestamp(r.status_changed_at),
    };
  }

  function filterExpression(eb: ExpressionBuilder<StoreTables, 'error_queue'>, filter: ErrorFilter, defaultStatuses?: readonly ErrorStatus[]): Expression<SqlBool> {
    const conditions: Expression<SqlBool>[] = [];
    if (filter.map !== undefined) conditions.push(eb('map', '=', filter.map));
    if (filter.direction !== undefined) conditions.push(eb('direction', '=', requireOneOf(filter.direction, DIRECTIONS, 'error filter: direction')));
    const classes = asList(filter.class);
    if (classes !== undefined) conditions.push(eb('class', 'in', classes.map((c) => requireOneOf(c, ERROR_QUEUE_CLASSES, 'error filter: class'))));
    const statuses = asList(filter.status) ?? defaultStatuses;
    if (statuses !== undefined) conditions.push(eb('status', 'in', statuses.map((s) => requireOneOf(s, ERROR_STATUSES, 'error filter: status'))));
    if (filter.text !== undefined && filter.text !== '') {
      const pattern = likePattern(filter.text);
      const like = (column: 'message' | 'code' | 'record_key') =>
        ctx.kind === 'postgres' ? sql<SqlBool>`${sql.ref(column)} ilike ${pattern} escape '\\'` : sql<SqlBool>`${sql.ref(column)} like ${pattern} escape '\\'`;
      conditions.push(eb.or([like('message'), like('code'), like('record_key')]));
    }
    if (filter.since !== undefined) conditions.push(eb('last_seen_at', '>=', toIsoTimestamp(filter.since, 'error filter: since')));
    if (filter.until !== undefined) conditions.push(eb('last_seen_at', '<', toIsoTimestamp(filter.until, 'error filter: until')));
    return eb.and(conditions);
  }

  function selectionExpression(eb: ExpressionBuilder<StoreTables, 'error_queue'>, selection: ErrorSelection, defaultStatuses: readonly ErrorStatus[]): Expression<SqlBool> {
    if ('ids' in selection) {
      if (selection.ids.length === 0) return sql<SqlBool>`1 = 0`;
      return eb.and([eb('id', 'in', [...selection.ids]), eb('status', 'in', [...defaultStatuses])]);
    }
    return filterExpression(eb, selection, defaultStatuses);
  }

  async function recordOne(trx: typeof db, input: ErrorRecordInput, index: number): Promise<ErrorRecord> {
    const where = `error record #${index}`;
    const at = toIsoTimestamp(input.at, `${where}: at`);
    const row = {
      map: requireText(input.map, `${where}: map`),
      direction: requireOneOf(input.direction, DIRECTIONS, `${where}: direction`),
      record_key: requireText(input.recordKey, `${where}: recordKey`),
      record_id: input.recordId ?? null,
      class: requireOneOf(input.class, ERROR_QUEUE_CLASSES, `${where}: class`),
      http_status: input.httpStatus ?? null,
      code: input.code ?? null,
      message: typeof input.message === 'string' ? input.message : String(input.message),
      payload: encodeJson(input.payload),
      change_op: input.change !== undefined ? requireOneOf(input.change.op, CHANGE_OPS, `${where}: change.op`) : null,
      change_payload: encodeJson(input.change?.payload),
      change_version: input.change?.sourceVersion ?? null,
      change_changed_at: toOptionalIsoTimestamp(input.change?.changedAt, `${where}: change.changedAt`),
      inbox_seq: input.change?.inboxSeq ?? null,
      attempts: 1,
      first_seen_at: at,
      last_seen_at: at,
      status: 'open',
      status_changed_at: at,
    };
    const closed = (eb: ExpressionBuilder<StoreTables, 'error_queue'>) => eb('error_queue.status', 'in', ['resolved', 'discarded']);
    const inserted = await trx
      .insertInto('error_queue')
      .values(row)
      .onConflict((oc) =>
        oc.columns(['map', 'direction', 'record_key']).doUpdateSet((eb) => ({
          record_id: eb.fn.coalesce(eb.ref('excluded.record_id'), eb.ref('error_queue.record_id')),
          class: eb.ref('excluded.class'),
          http_status: eb.ref('excluded.http_status'),
          code: eb.ref('excluded.code'),
          message: eb.ref('excluded.message'),
          payload: eb.ref('excluded.payload'),
          // A failure report without the change keeps the one already held.
          change_op: eb.fn.coalesce(eb.ref('excluded.change_op'), eb.ref('error_queue.change_op')),
          change_payload: eb.case().when(eb.ref('excluded.change_op'), 'is', null).then(eb.ref('error_queue.change_payload')).else(eb.ref('excluded.change_payload')).end(),
          change_version: eb.case().when(eb.ref('excluded.change_op'), 'is', null).then(eb.ref('error_queue.change_version')).else(eb.ref('excluded.change_version')).end(),
          change_changed_at: eb
            .case()
            .when(eb.ref('excluded.change_op'), 'is', null)
            .then(eb.ref('error_queue.change_changed_at'))
            .else(eb.ref('excluded.change_changed_at'))
            .end(),
          inbox_seq: eb.case().when(eb.ref('excluded.change_op'), 'is', null).then(eb.ref('error_queue.inbox_seq')).else(eb.ref('excluded.inbox_seq')).end(),
          attempts: eb.case().when(closed(eb)).then(1).else(eb('error_queue.attempts', '+', 1)).end(),
          first_seen_at: eb.case().when(closed(eb)).then(eb.ref('excluded.first_seen_at')).else(eb.ref('error_queue.first_seen_at')).end(),
          last_seen_at: eb.ref('excluded.last_seen_at'),
          status_changed_at: eb.case().when(eb('error_queue.status', '=', 'open')).then(eb.ref('error_queue.status_changed_at')).else(eb.ref('excluded.status_changed_at')).end(),
          status: 'open',
        })),
      )
      .returningAll()
      .executeTakeFirstOrThrow();
    return toRecord(inserted);
  }

  return {
    async record(inputs) {
      const list: readonly ErrorRecordInput[] = Array.isArray(inputs) ? inputs : [inputs as ErrorRecordInput];
      if (list.length === 0) return [];
      return ctx.writeTransaction(async (trx) => {
        const out: ErrorRecord[] = [];
        for (const [index, input] of list.entries()) out.push(await recordOne(trx, input, index));
        return out;
      });
    },

    async list(query = {}) {
      const limit = pageSize(query.limit);
      const after = query.cursor !== undefined ? decodeCursor(query.cursor) : undefined;
      const rows = await db
        .selectFrom('error_queue')
        .selectAll()
        .where((eb) => filterExpression(eb, query))
        .$if(after !== undefined, (qb) =>
          qb.where((eb) =>
            eb.or([eb('last_seen_at', '<', after!.at), eb.and([eb('last_seen_at', '=', after!.at), eb('id', '<', after!.id)])]),
          ),
        )
        .orderBy('last_seen_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit + 1)
        .execute();
      const items = rows.slice(0, limit).map(toRecord);
      const last = items[items.length - 1];
      return { items, ...(rows.length > limit && last !== undefined ? { nextCursor: encodeCursor({ at: last.lastSeenAt, id: last.id }) } : {}) };
    },

    async count(filter = {}) {
      const row = await db
        .selectFrom('error_queue')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where((eb) => filterExpression(eb, filter))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },

    async summary(filter = {}) {
      const rows = await db
        .selectFrom('error_queue')
        .select((eb) => ['map', 'class', 'status', eb.fn.countAll<number>().as('n')])
        .where((eb) => filterExpression(eb, filter))
        .groupBy(['map', 'class', 'status'])
        .orderBy('map')
        .orderBy('class')
        .orderBy('status')
        .execute();
      return rows.map((r) => ({ map: r.map, class: r.class as ErrorQueueClass, status: r.status as ErrorStatus, count: Number(r.n) }));
    },

    async get(id) {
      const row = await db.selectFrom('error_queue').selectAll().where('id', '=', id).executeTakeFirst();
      return row === undefined ? undefined : toRecord(row);
    },

    async markResolved(map, direction, recordKeys, at) {
      if (recordKeys.length === 0) return 0;
      const now = toIsoTimestamp(at, 'errors.markResolved: at');
      let resolved = 0;
      for (const part of chunk([...new Set(recordKeys)], KEY_CHUNK)) {
        const result = await db
          .updateTable('error_queue')
          .set({ status: 'resolved', status_changed_at: now })
          .where('map', '=', map)
          .where('direction', '=', direction)
          .where('record_key', 'in', part)
          .where('status', 'in', ['open', 'retrying'])
          .executeTakeFirst();
        resolved += Number(result.numUpdatedRows);
      }
      return resolved;
    },

    async discard(selection, at) {
      const now = toIsoTimestamp(at, 'errors.discard: at');
      const result = await db
        .updateTable('error_queue')
        .set({ status: 'discarded', status_changed_at: now })
        .where((eb) => selectionExpression(eb, selection, ['open', 'retrying']))
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },

    async takeForRetry(selection, at) {
      const now = toIsoTimestamp(at, 'errors.takeForRetry: at');
      const limit = selection.limit ?? DEFAULT_RETRY_BATCH;
      if (!Number.isInteger(limit) || limit < 1) throw new Error(`errors.takeForRetry: limit ${limit} is not valid: expected a whole number of at least 1`);
      // Open records by default; a filter may name `retrying` to take over records whose retry
      // was lost (a killed worker). The UPDATE re-checks the status itself, and on PostgreSQL
      // SKIP LOCKED lets concurrent claimers pass over rows another one is taking.
      const statuses: readonly ErrorStatus[] = 'ids' in selection ? ['open'] : (asList(selection.status) ?? ['open']);
      return ctx.writeTransaction(async (trx) => {
        // Two statements, not UPDATE ... WHERE id IN (SELECT ... LIMIT): PostgreSQL may run such a
        // sub-select more than once and then updates more rows than the limit.
        const picked = await trx
          .selectFrom('error_queue')
          .select('id')
          .where((eb) => selectionExpression(eb, selection, statuses))
          .orderBy('id')
          .limit(limit)
          .$if(ctx.kind === 'postgres', (qb) => qb.forUpdate().skipLocked())
          .execute();
        if (picked.length === 0) return [];
        const rows = await trx
          .updateTable('error_queue')
          .set({ status: 'retrying', status_changed_at: now })
          .where('id', 'in', picked.map((p) => p.id))
          .where('status', 'in', [...statuses])
          .returningAll()
          .execute();
        return rows.map(toRecord).sort((a, b) => a.id - b.id);
      });
    },

    async purge(olderThan, options = {}) {
      const before = toIsoTimestamp(olderThan, 'errors.purge: olderThan');
      const statuses: ErrorStatus[] = options.includeOpen === true ? [...ERROR_STATUSES] : ['resolved', 'discarded'];
      const result = await db.deleteFrom('error_queue').where('status', 'in', statuses).where('status_changed_at', '<', before).where('last_seen_at', '<', before).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
