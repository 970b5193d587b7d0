import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { Pool, types as pgTypes } from 'pg';
import { type ActivityLog, createActivityLog } from './activity-log';
import { type AlertStore, createAlertStore } from './alerts';
import { type DialectKind, createContext } from './context';
import { type StoreLocation, describeLocation, parseDatabaseUrl } from './database-url';
import { type EchoLedger, createEchoLedger } from './echo-ledger';
import { type ErrorQueue, createErrorQueue } from './error-queue';
import { type ChangeInbox, createInbox } from './inbox';
import { type KeyValueState, createKeyValueState } from './key-value-state';
import { type MapLeases, createMapLeases } from './map-leases';
import { type MapVersions, createMapVersions } from './map-versions';
import { migrateToLatest } from './migrations';
import { LockingSqliteDialect } from './sqlite-migration-lock';
import type { StoreTables } from './tables';

/** The control store: everything of the sync engine that lives outside Temporal history. */
export interface Store {
  readonly dialect: DialectKind;
  /** Where it lives, password masked: safe to log. */
  readonly description: string;
  readonly inbox: ChangeInbox;
  readonly ledger: EchoLedger;
  readonly errors: ErrorQueue;
  readonly log: ActivityLog;
  readonly maps: MapVersions;
  readonly state: KeyValueState;
  readonly alerts: AlertStore;
  readonly leases: MapLeases;
  /** Releases the database; idempotent. */
  close(): Promise<void>;
}

export interface OpenStoreOptions {
  /** PostgreSQL pool size; default 10. */
  poolSize?: number;
  /** Where PostgreSQL pool errors on idle connections go; default stderr. They never crash the process. */
  onPoolError?: (message: string) => void;
}

const PG_INT8 = 20;
const SQLITE_BUSY_TIMEOUT_MS = 10_000;

/**
 * Opens (creating and migrating as needed) the store at `url`, by default
 * `DUALWRITE_DATABASE_URL`, else the SQLite file `.data/dualwrite.db` under the working directory.
 */
export async function openStore(url: string | undefined = process.env.DUALWRITE_DATABASE_URL, options: OpenStoreOptions = {}): Promise<Store> {
  const location = parseDatabaseUrl(url);
  const description = describeLocation(location);
  const { db, release } = await acquireDatabase(location, options, description);
  const ctx = createContext(db, location.dialect);
  let closed: Promise<void> | undefined;
  return {
    dialect: location.dialect,
    description,
    inbox: createInbox(ctx),
    ledger: createEchoLedger(ctx),
    errors: createErrorQueue(ctx),
    log: createActivityLog(ctx),
    maps: createMapVersions(ctx),
    state: createKeyValueState(ctx),
    alerts: createAlertStore(ctx),
    leases: createMapLeases(ctx),
    close: () => (closed ??= release()),
  };
}

interface SharedSqlite {
  db: Kysely<StoreTables>;
  refs: number;
}

/**
 * SQLite files opened by this process, shared by every store on the same path. better-sqlite3 is
 * synchronous: a second connection waiting for the first one's write lock would block the event
 * loop the first one needs to finish, so one process uses one connection per file.
 */
const sharedSqliteFiles = new Map<string, Promise<SharedSqlite>>();

async function acquireDatabase(
  location: StoreLocation,
  options: OpenStoreOptions,
  description: string,
): Promise<{ db: Kysely<StoreTables>; release: () => Promise<void> }> {
  if (location.dialect === 'postgres' || location.path === ':memory:') {
    const db = await connectAndMigrate(location, options, description);
    return { db, release: () => db.destroy() };
  }
  const { path } = location;
  for (;;) {
    let pending = sharedSqliteFiles.get(path);
    if (pending === undefined) {
      pending = connectAndMigrate(location, options, description).then((db) => ({ db, refs: 0 }));
      sharedSqliteFiles.set(path, pending);
      pending.catch(() => sharedSqliteFiles.delete(path));
    }
    const shared = await pending;
    // The last holder may have closed it while we waited; then open it afresh.
    if (sharedSqliteFiles.get(path) !== pending) continue;
    shared.refs += 1;
    return {
      db: shared.db,
      release: async () => {
        shared.refs -= 1;
        if (shared.refs > 0) return;
        sharedSqliteFiles.delete(path);
        await shared.db.destroy();
      },
    };
  }
}

async function connectAndMigrate(location: StoreLocation, options: OpenStoreOptions, description: string): Promise<Kysely<StoreTables>> {
  let db: Kysely<StoreTables>;
  try {
    db = location.dialect === 'sqlite' ? openSqlite(location.path) : await openPostgres(location, options);
  } catch (error) {
    throw new Error(`cannot open the control store (${description}): ${reason(error)}`);
  }
  try {
    const migrationSchema = location.dialect === 'postgres' ? await currentSchema(db) : undefined;
    await migrateToLatest(db as unknown as Kysely<unknown>, location.dialect, migrationSchema);
    return db;
  } catch (error) {
    await db.destroy().catch(() => undefined);
    throw new Error(`cannot open the control store (${description}): ${reason(error)}`);
  }
}

function openSqlite(path: string): Kysely<StoreTables> {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const database = new Database(path);
  try {
    // WAL lets readers (CLI, API) work while the worker writes; busy_timeout makes concurrent
    // writers from other processes wait instead of failing at once.
    database.pragma('journal_mode = WAL');
    database.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
    database.pragma('synchronous = FULL');
    database.pragma('foreign_keys = ON');
  } catch (error) {
    database.close();
    throw error;
  }
  return new Kysely<StoreTables>({ dialect: new LockingSqliteDialect({ database }) });
}

async function openPostgres(location: Extract<StoreLocation, { dialect: 'postgres' }>, options: OpenStoreOptions): Promise<Kysely<StoreTables>> {
  const { schema } = location;
  if (schema !== undefined) {
    // Created through a one-off pool: the main pool's search_path names it from the first connection.
    const setup = new Pool({ connectionString: location.connectionString, max: 1 });
    setup.on('error', () => undefined);
    try {
      await setup.query(`create schema if not exists "${schema}"`);
    } catch (error) {
      // Concurrent `create schema if not exists` can still collide on the catalog's unique index.
      const exists = await setup.query('select 1 from pg_namespace where nspname = $1', [schema]);
      if (exists.rowCount === 0) throw error;
    } finally {
      await setup.end();
    }
  }
  const pool = new Pool({
    connectionString: location.connectionString,
    max: options.poolSize ?? 10,
    ...(schema !== undefined ? { options: `-c search_path=${schema}` } : {}),
    // Sequence numbers and counts are bigint; they stay far below 2^53, so numbers are safe.
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === PG_INT8 ? (value: string) => Number(value) : pgTypes.getTypeParser(oid, format)) as typeof pgTypes.getTypeParser,
    },
  });
  const onPoolError = options.onPoolError ?? ((message: string) => process.stderr.write(`control store: ${message}\n`));
  pool.on('error', (error) => onPoolError(`PostgreSQL connection error: ${error.message}`));
  try {
    const client = await pool.connect();
    client.release();
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }
  return new Kysely<StoreTables>({ dialect: new PostgresDialect({ pool }) });
}

async function currentSchema(db: Kysely<StoreTables>): Promise<string> {
  const result = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
  const schema = result.rows[0]?.schema;
  if (schema === undefined || schema === null) throw new Error('the PostgreSQL search_path names no existing schema; create one or add ?schema=<name> to the URL');
  return schema;
}

function reason(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return error.errors.map(reason).join('; ');
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' && !error.message.includes(code) ? `${error.message} (${code})` : error.message || String(code ?? error.name);
  }
  return String(error);
}
