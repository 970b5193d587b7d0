import { Kysely, type RawBuilder, sql } from 'kysely';
import type { StoreTables } from './tables';

export type DialectKind = 'sqlite' | 'postgres';

/**
 * What repositories need beyond the query builder: the few places where SQLite and PostgreSQL
 * differ, kept here so every repository has one code path.
 */
export interface StoreContext {
  readonly db: Kysely<StoreTables>;
  readonly kind: DialectKind;
  /** Runs `fn` in a transaction that holds the write lock from its first statement. */
  writeTransaction<T>(fn: (trx: Kysely<StoreTables>) => Promise<T>): Promise<T>;
}

export function createContext(db: Kysely<StoreTables>, kind: DialectKind): StoreContext {
  return {
    db,
    kind,
    writeTransaction: (fn) =>
      db.connection().execute(async (conn) => {
        // SQLite: a deferred transaction that reads first and writes later fails with SQLITE_BUSY
        // when another process wrote in between, without waiting; IMMEDIATE takes the write lock
        // up front so busy_timeout applies.
        await sql.raw(kind === 'sqlite' ? 'begin immediate' : 'begin').execute(conn);
        try {
          const result = await fn(conn);
          await sql.raw('commit').execute(conn);
          return result;
        } catch (error) {
          await sql.raw('rollback').execute(conn).catch(() => undefined);
          throw error;
        }
      }),
  };
}

/** JSON value to the column's input form; undefined and null become SQL NULL. */
export function encodeJson(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  return JSON.stringify(value);
}

/** A JSON column's value as JavaScript: SQLite returns text, PostgreSQL's jsonb arrives parsed. */
export function decodeJson(ctx: StoreContext, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (ctx.kind === 'sqlite' && typeof value === 'string') return JSON.parse(value) as unknown;
  return value;
}

/**
 * A timestamp parameter usable where PostgreSQL cannot infer the type from a column, such as
 * the select list of INSERT ... SELECT.
 */
export function timestampParam(ctx: StoreContext, iso: string): RawBuilder<string> {
  return ctx.kind === 'postgres' ? sql<string>`cast(${iso} as timestamptz)` : sql<string>`${iso}`;
}

export function textParam(value: string): RawBuilder<string> {
  return sql<string>`cast(${value} as text)`;
}
