import type { Selectable } from 'kysely';
import { type StoreContext, decodeJson, encodeJson } from './context';
import type { ActivityLogTable } from './tables';
import { asList, chunk, decodeCursor, encodeCursor, fromStoredTimestamp, pageSize, requireOneOf, requireText, toIsoTimestamp } from './values';

/** Known entry types; others are accepted so new features need no store change. */
export type ActivityType = 'state-change' | 'initial-sync' | 'batch' | 'reconciliation' | 'alert' | 'error' | 'config' | (string & {});
export const ACTIVITY_LEVELS = ['info', 'warn', 'error'] as const;
export type ActivityLevel = (typeof ACTIVITY_LEVELS)[number];

export interface ActivityEntryInput {
  map?: string;
  type: ActivityType;
  /** Defaults to info. */
  level?: ActivityLevel;
  message: string;
  data?: unknown;
  /** Who caused it: a user, `system`, an alert rule id. */
  actor?: string;
  /** Defaults to now. */
  at?: string;
}

export interface ActivityEntry {
  id: number;
  at: string;
  map?: string;
  type: ActivityType;
  level: ActivityLevel;
  message: string;
  data?: unknown;
  actor?: string;
}

export interface ActivityQuery {
  map?: string;
  type?: ActivityType | readonly ActivityType[];
  level?: ActivityLevel | readonly ActivityLevel[];
  /** At or after. */
  since?: string;
  /** Before. */
  until?: string;
  limit?: number;
  cursor?: string;
}

export interface ActivityLog {
  append(entries: ActivityEntryInput | readonly ActivityEntryInput[]): Promise<ActivityEntry[]>;
  /** Newest first. */
  query(query?: ActivityQuery): Promise<{ items: ActivityEntry[]; nextCursor?: string }>;
  /** Retention: deletes entries older than `olderThan`; returns how many. */
  purge(olderThan: string): Promise<number>;
}

export function createActivityLog(ctx: StoreContext): ActivityLog {
  const { db } = ctx;

  function toEntry(r: Selectable<ActivityLogTable>): ActivityEntry {
    const data = decodeJson(ctx, r.data);
    return {
      id: Number(r.id),
      at: fromStoredTimestamp(r.at),
      ...(r.map !== null ? { map: r.map } : {}),
      type: r.type,
      level: r.level as ActivityLevel,
      message: r.message,
      ...(data !== null ? { data } : {}),
      ...(r.actor !== null ? { actor: r.actor } : {}),
    };
  }

  return {
    async append(entries) {
      const list: readonly ActivityEntryInput[] = Array.isArray(entries) ? entries : [entries as ActivityEntryInput];
      if (list.length === 0) return [];
      const now = new Date().toISOString();
      const rows = list.map((e, i) => ({
        at: e.at === undefined ? now : toIsoTimestamp(e.at, `log entry #${i}: at`),
        map: e.map ?? null,
        type: requireText(e.type, `log entry #${i}: type`),
        level: requireOneOf(e.level ?? 'info', ACTIVITY_LEVELS, `log entry #${i}: level`),
        message: typeof e.message === 'string' ? e.message : String(e.message),
        data: encodeJson(e.data),
        actor: e.actor ?? null,
      }));
      return ctx.writeTransaction(async (trx) => {
        const out: ActivityEntry[] = [];
        for (const part of chunk(rows, 1000)) out.push(...(await trx.insertInto('activity_log').values(part).returningAll().execute()).map(toEntry));
        return out;
      });
    },

    async query(query = {}) {
      const limit = pageSize(query.limit);
      const after = query.cursor !== undefined ? decodeCursor(query.cursor) : undefined;
      const types = asList(query.type);
      const levels = asList(query.level);
      const rows = await db
        .selectFrom('activity_log')
        .selectAll()
        .$if(query.map !== undefined, (qb) => qb.where('map', '=', query.map as string))
        .$if(types !== undefined, (qb) => qb.where('type', 'in', [...(types as ActivityType[])]))
        .$if(levels !== undefined, (qb) => qb.where('level', 'in', [...(levels as ActivityLevel[])]))
        .$if(query.since !== undefined, (qb) => qb.where('at', '>=', toIsoTimestamp(query.since, 'log query: since')))
        .$if(query.until !== undefined, (qb) => qb.where('at', '<', toIsoTimestamp(query.until, 'log query: until')))
        .$if(after !== undefined, (qb) => qb.where((eb) => eb.or([eb('at', '<', after!.at), eb.and([eb('at', '=', after!.at), eb('id', '<', after!.id)])])))
        .orderBy('at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit + 1)
        .execute();
      const items = rows.slice(0, limit).map(toEntry);
      const last = items[items.length - 1];
      return { items, ...(rows.length > limit && last !== undefined ? { nextCursor: encodeCursor({ at: last.at, id: last.id }) } : {}) };
    },

    async purge(olderThan) {
      const result = await db.deleteFrom('activity_log').where('at', '<', toIsoTimestamp(olderThan, 'log.purge: olderThan')).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
