import { sql } from 'kysely';
import { type StoreContext, decodeJson, encodeJson, textParam, timestampParam } from './context';
import { chunk, fromOptionalStoredTimestamp, fromStoredTimestamp, requireOneOf, requireText, toIsoTimestamp, toOptionalIsoTimestamp } from './values';

export const DIRECTIONS = ['finops-to-dataverse', 'dataverse-to-finops'] as const;
export type Direction = (typeof DIRECTIONS)[number];
export const CHANGE_OPS = ['upsert', 'delete'] as const;
export type ChangeOp = (typeof CHANGE_OPS)[number];
export const INBOX_STATUSES = ['pending', 'done', 'parked', 'discarded'] as const;
export type InboxStatus = (typeof INBOX_STATUSES)[number];

/** A captured change as handed to the inbox (design.md §4.2). */
export interface InboxChangeInput {
  map: string;
  direction: Direction;
  /** The integration key or the source record id; changes of one key apply in capture order. */
  recordKey: string;
  op: ChangeOp;
  /** Captured row values, or null when the event carries none (deletes, bare notifications). */
  payload?: unknown;
  sourceVersion?: string | null;
  changedAt?: string | null;
  /** De-duplication: a second change with the same map, direction and eventId is ignored. */
  eventId: string;
  /** Defaults to now. */
  capturedAt?: string;
}

export interface InboxChange {
  /** Capture order: strictly increasing per store, never reused. */
  seq: number;
  map: string;
  direction: Direction;
  recordKey: string;
  op: ChangeOp;
  payload: unknown;
  sourceVersion?: string;
  changedAt?: string;
  eventId: string;
  capturedAt: string;
  status: InboxStatus;
}

export interface AppendResult {
  appended: number;
  duplicates: number;
  /** Maps that received at least one new change: the ones to poke with `changesAvailable`. */
  maps: string[];
}

export interface InboxBacklog {
  pending: number;
  oldestSeq?: number;
  oldestCapturedAt?: string;
}

export interface ParkResult {
  /** Pending changes moved out of the inbox. */
  parked: number;
  /** Error-queue records created or refreshed (one per key: the latest change of each key). */
  errorRecords: number;
}

export interface ChangeInbox {
  append(changes: readonly InboxChangeInput[]): Promise<AppendResult>;
  /** Pending changes of a map in capture order, after `afterSeq` when given. Idempotent. */
  readBatch(query: { map: string; direction?: Direction; afterSeq?: number; limit: number }): Promise<InboxChange[]>;
  /** Marks changes done (their payload is dropped; the event id is kept for de-duplication until purge). */
  ack(seqs: readonly number[]): Promise<number>;
  count(query?: { map?: string; direction?: Direction; status?: InboxStatus }): Promise<number>;
  backlog(map: string, direction?: Direction): Promise<InboxBacklog>;
  /** Resume mode "park": every pending change of the map goes to the error queue as retryable. */
  park(map: string, at?: string): Promise<ParkResult>;
  /** Resume mode "discard": drops every pending change of the map; returns how many. */
  discard(map: string, at?: string): Promise<number>;
  /** Deletes settled (done, parked, discarded) changes settled before `olderThan`; ends their de-duplication. */
  purge(olderThan: string): Promise<number>;
}

/** Rows per INSERT: 11 parameters each stays well under SQLite's 32,766 and PostgreSQL's 65,535. */
const INSERT_CHUNK = 1000;
const KEY_CHUNK = 1000;

export function createInbox(ctx: StoreContext): ChangeInbox {
  const { db } = ctx;

  function toRow(change: InboxChangeInput, index: number, now: string) {
    const where = `inbox change #${index}`;
    return {
      map: requireText(change.map, `${where}: map`),
      direction: requireOneOf(change.direction, DIRECTIONS, `${where}: direction`),
      record_key: requireText(change.recordKey, `${where}: recordKey`),
      op: requireOneOf(change.op, CHANGE_OPS, `${where}: op`),
      payload: encodeJson(change.payload),
      source_version: change.sourceVersion ?? null,
      changed_at: toOptionalIsoTimestamp(change.changedAt, `${where}: changedAt`),
      event_id: requireText(change.eventId, `${where}: eventId`),
      captured_at: change.capturedAt === undefined ? now : toIsoTimestamp(change.capturedAt, `${where}: capturedAt`),
      status: 'pending',
    };
  }

  /**
   * The newest pending seq of a map. Park's statements are bounded by it so that each of them
   * (PostgreSQL read committed takes a new snapshot per statement) acts on the same changes.
   */
  async function maxPendingSeq(trx: typeof db, map: string): Promise<number | undefined> {
    const row = await trx.selectFrom('inbox').select((eb) => eb.fn.max('seq').as('max')).where('map', '=', map).where('status', '=', 'pending').executeTakeFirst();
    return row?.max === null || row?.max === undefined ? undefined : Number(row.max);
  }

  type InboxRow = ReturnType<typeof toRow>;
  const identityOf = (r: { map: string; direction: string; event_id: string }) => JSON.stringify([r.map, r.direction, r.event_id]);

  /**
   * Group commit: appends that arrive while a transaction is in flight share the next one. A
   * burst of webhooks (every row of a Dataverse $batch comes back as one) otherwise costs a
   * synced commit each, and SQLite's commits are synchronous: they held the whole process.
   * Each caller still returns only once its own changes are committed, in call order.
   */
  interface PendingAppend {
    rows: InboxRow[];
    total: number;
    resolve(result: AppendResult): void;
    reject(error: unknown): void;
  }
  let waiting: PendingAppend[] = [];
  let committing = false;

  async function commitGroup(group: PendingAppend[]): Promise<AppendResult[]> {
    // A change sent twice in one group belongs to its first sender; the later ones see a duplicate.
    const owner = new Map<string, number>();
    const rows: InboxRow[] = [];
    group.forEach((call, index) => {
      for (const row of call.rows) {
        const identity = identityOf(row);
        if (owner.has(identity)) continue;
        owner.set(identity, index);
        rows.push(row);
      }
    });
    const maps = [...new Set(rows.map((r) => r.map))].sort();
    const inserted = new Set<string>();
    await ctx.writeTransaction(async (trx) => {
      if (ctx.kind === 'postgres') {
        // Sequence numbers are taken at insert, visibility comes at commit: two concurrent
        // appends could commit out of seq order and a reader holding `afterSeq` would skip the
        // earlier one forever. Serialising appends per map makes commit order equal seq order.
        // Maps are locked in sorted order so two multi-map appends cannot deadlock.
        for (const map of maps) await sql`select pg_advisory_xact_lock(${INBOX_LOCK_CLASS}, hashtext(${map}))`.execute(trx);
      }
      for (const part of chunk(rows, INSERT_CHUNK)) {
        const done = await trx
          .insertInto('inbox')
          .values(part)
          .onConflict((oc) => oc.columns(['map', 'direction', 'event_id']).doNothing())
          .returning(['map', 'direction', 'event_id'])
          .execute();
        for (const r of done) inserted.add(identityOf(r));
      }
    });
    return group.map((call, index) => {
      const mine = new Map<string, InboxRow>();
      for (const r of call.rows) if (owner.get(identityOf(r)) === index && inserted.has(identityOf(r))) mine.set(identityOf(r), r);
      return { appended: mine.size, duplicates: call.total - mine.size, maps: [...new Set([...mine.values()].map((r) => r.map))].sort() };
    });
  }

  async function commitWaiting(): Promise<void> {
    try {
      while (waiting.length > 0) {
        const group = waiting;
        waiting = [];
        try {
          const results = await commitGroup(group);
          group.forEach((call, i) => call.resolve(results[i]!));
        } catch (error) {
          if (group.length === 1) {
            group[0]!.reject(error);
            continue;
          }
          // One caller's change the database refuses must not fail the others who shared the
          // transaction: each is committed again on its own, and only those that fail again fail.
          for (const call of group) {
            try {
              call.resolve((await commitGroup([call]))[0]!);
            } catch (own) {
              call.reject(own);
            }
          }
        }
      }
    } finally {
      committing = false;
    }
  }

  return {
    async append(changes) {
      if (changes.length === 0) return { appended: 0, duplicates: 0, maps: [] };
      const now = new Date().toISOString();
      // Checked here, before joining a group: one caller's bad change must not fail the others.
      const rows = changes.map((change, index) => toRow(change, index, now));
      return new Promise<AppendResult>((resolve, reject) => {
        waiting.push({ rows, total: changes.length, resolve, reject });
        if (committing) return;
        committing = true;
        // A whole transaction runs within microtasks (SQLite answers synchronously), so requests
        // read in other turns of the event loop would never meet in one: wait a millisecond.
        setTimeout(() => void commitWaiting(), 1);
      });
    },

    async readBatch({ map, direction, afterSeq, limit }) {
      if (!Number.isInteger(limit) || limit < 1) throw new Error(`inbox.readBatch: limit ${limit} is not valid: expected a whole number of at least 1`);
      const rows = await db
        .selectFrom('inbox')
        .selectAll()
        .where('map', '=', map)
        .where('status', '=', 'pending')
        .$if(direction !== undefined, (qb) => qb.where('direction', '=', direction as Direction))
        .$if(afterSeq !== undefined, (qb) => qb.where('seq', '>', afterSeq as number))
        .orderBy('seq')
        .limit(limit)
        .execute();
      return rows.map((r) => ({
        seq: Number(r.seq),
        map: r.map,
        direction: r.direction as Direction,
        recordKey: r.record_key,
        op: r.op as ChangeOp,
        payload: decodeJson(ctx, r.payload),
        ...(r.source_version !== null ? { sourceVersion: r.source_version } : {}),
        ...(r.changed_at !== null ? { changedAt: fromOptionalStoredTimestamp(r.changed_at) } : {}),
        eventId: r.event_id,
        capturedAt: fromStoredTimestamp(r.captured_at),
        status: r.status as InboxStatus,
      }));
    },

    async ack(seqs) {
      if (seqs.length === 0) return 0;
      const now = new Date().toISOString();
      let acked = 0;
      await ctx.writeTransaction(async (trx) => {
        for (const part of chunk(seqs, KEY_CHUNK)) {
          const result = await trx
            .updateTable('inbox')
            .set({ status: 'done', payload: null, settled_at: now })
            .where('seq', 'in', part)
            .where('status', '=', 'pending')
            .executeTakeFirst();
          acked += Number(result.numUpdatedRows);
        }
      });
      return acked;
    },

    async count(query = {}) {
      const row = await db
        .selectFrom('inbox')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('status', '=', query.status ?? 'pending')
        .$if(query.map !== undefined, (qb) => qb.where('map', '=', query.map as string))
        .$if(query.direction !== undefined, (qb) => qb.where('direction', '=', query.direction as Direction))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },

    async backlog(map, direction) {
      const base = db
        .selectFrom('inbox')
        .where('map', '=', map)
        .where('status', '=', 'pending')
        .$if(direction !== undefined, (qb) => qb.where('direction', '=', direction as Direction));
      const counted = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      const oldest = await base.select(['seq', 'captured_at']).orderBy('seq').limit(1).executeTakeFirst();
      return {
        pending: Number(counted.n),
        ...(oldest !== undefined ? { oldestSeq: Number(oldest.seq), oldestCapturedAt: fromStoredTimestamp(oldest.captured_at) } : {}),
      };
    },

    async park(map, at) {
      const now = toIsoTimestamp(at, 'inbox.park: at');
      return ctx.writeTransaction(async (trx) => {
        const upTo = await maxPendingSeq(trx, map);
        if (upTo === undefined) return { parked: 0, errorRecords: 0 };
        // The latest pending change of each key is what must eventually apply; earlier ones are
        // superseded. One INSERT ... SELECT keeps 100,000+ changes inside the database.
        const latestPerKey = trx
          .selectFrom('inbox')
          .select((eb) => eb.fn.max('seq').as('seq'))
          .where('map', '=', map)
          .where('status', '=', 'pending')
          .where('seq', '<=', upTo)
          .groupBy(['direction', 'record_key']);
        const source = trx
          .selectFrom('inbox')
          .where('seq', 'in', latestPerKey)
          .select((eb) => [
            'map',
            'direction',
            'record_key',
            textParam('parked').as('class'),
            textParam(`Parked when map "${map}" resumed in park mode; retry to apply it`).as('message'),
            'op as change_op',
            'payload as change_payload',
            'source_version as change_version',
            'changed_at as change_changed_at',
            'seq as inbox_seq',
            eb.lit(0).as('attempts'),
            timestampParam(ctx, now).as('first_seen_at'),
            timestampParam(ctx, now).as('last_seen_at'),
            textParam('open').as('status'),
            timestampParam(ctx, now).as('status_changed_at'),
          ]);
        const inserted = await trx
          .insertInto('error_queue')
          .columns([
            'map',
            'direction',
            'record_key',
            'class',
            'message',
            'change_op',
            'change_payload',
            'change_version',
            'change_changed_at',
            'inbox_seq',
            'attempts',
            'first_seen_at',
            'last_seen_at',
            'status',
            'status_changed_at',
          ])
          .expression(source)
          .onConflict((oc) =>
            oc.columns(['map', 'direction', 'record_key']).doUpdateSet((eb) => ({
              // An existing record keeps its history (attempts, first seen) but now carries the
              // newer change, which supersedes whatever it held.
              class: eb.ref('excluded.class'),
              message: eb.ref('excluded.message'),
              payload: null,
              change_op: eb.ref('excluded.change_op'),
              change_payload: eb.ref('excluded.change_payload'),
              change_version: eb.ref('excluded.change_version'),
              change_changed_at: eb.ref('excluded.change_changed_at'),
              inbox_seq: eb.ref('excluded.inbox_seq'),
              last_seen_at: eb.ref('excluded.last_seen_at'),
              status: 'open',
              status_changed_at: eb.ref('excluded.status_changed_at'),
            })),
          )
          .executeTakeFirst();
        const moved = await trx
          .updateTable('inbox')
          .set({ status: 'parked', payload: null, settled_at: now })
          .where('map', '=', map)
          .where('status', '=', 'pending')
          .where('seq', '<=', upTo)
          .executeTakeFirst();
        return { parked: Number(moved.numUpdatedRows), errorRecords: Number(inserted.numInsertedOrUpdatedRows ?? 0) };
      });
    },

    async discard(map, at) {
      const now = toIsoTimestamp(at, 'inbox.discard: at');
      return ctx.writeTransaction(async (trx) => {
        const result = await trx
          .updateTable('inbox')
          .set({ status: 'discarded', payload: null, settled_at: now })
          .where('map', '=', map)
          .where('status', '=', 'pending')
          .executeTakeFirst();
        return Number(result.numUpdatedRows);
      });
    },

    async purge(olderThan) {
      const before = toIsoTimestamp(olderThan, 'inbox.purge: olderThan');
      const result = await db.deleteFrom('inbox').where('status', 'in', ['done', 'parked', 'discarded']).where('settled_at', '<', before).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}

/** First half of the advisory-lock key for inbox appends, so it cannot collide with other users. */
const INBOX_LOCK_CLASS = 0x64770001;
