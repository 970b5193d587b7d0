import { sql } from 'kysely';
import { type StoreContext, decodeJson, encodeJson } from './context';
import { fromStoredTimestamp, requireText } from './values';

/**
 * Small durable values the engine keeps between runs: delta tokens, reconciliation watermarks,
 * initial-sync checkpoints. Keys are free text; a `<area>:<map>:<name>` convention keeps them
 * apart and lets `list(prefix)` find a map's values.
 */
export interface KeyValueState {
  get<T = unknown>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown): Promise<void>;
  delete(key: string): Promise<boolean>;
  list(prefix?: string): Promise<{ key: string; value: unknown; updatedAt: string }[]>;
}

export function createKeyValueState(ctx: StoreContext): KeyValueState {
  const { db } = ctx;
  return {
    async get<T>(key: string) {
      const row = await db.selectFrom('kv_state').select('value').where('key', '=', key).executeTakeFirst();
      return row === undefined ? undefined : (decodeJson(ctx, row.value) as T);
    },

    async set(key, value) {
      requireText(key, 'state.set: key');
      if (value === undefined) throw new Error(`state.set("${key}"): value is undefined; use state.delete to remove a key`);
      const now = new Date().toISOString();
      await db
        .insertInto('kv_state')
        // JSON null is stored as the text "null" so that a stored null differs from a missing key.
        .values({ key, value: value === null ? 'null' : encodeJson(value), updated_at: now })
        .onConflict((oc) => oc.column('key').doUpdateSet((eb) => ({ value: eb.ref('excluded.value'), updated_at: eb.ref('excluded.updated_at') })))
        .execute();
    },

    async delete(key) {
      const result = await db.deleteFrom('kv_state').where('key', '=', key).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },

    async list(prefix) {
      const rows = await db
        .selectFrom('kv_state')
        .selectAll()
        .$if(prefix !== undefined && prefix !== '', (qb) => qb.where(sql<boolean>`substr(${sql.ref('key')}, 1, ${(prefix as string).length}) = ${prefix as string}`))
        .orderBy('key')
        .execute();
      return rows.map((r) => ({ key: r.key, value: decodeJson(ctx, r.value), updatedAt: fromStoredTimestamp(r.updated_at) }));
    },
  };
}
