import { type Kysely, type Migration, type MigrationProvider, Migrator, sql } from 'kysely';
import type { DialectKind } from './context';
import { SqliteMigrationLockAdapter } from './sqlite-migration-lock';

/**
 * Schema migrations, defined in code so the store needs no files at run time. Append new
 * migrations with a larger prefix; never edit one that has shipped.
 */
function migrations(kind: DialectKind): Record<string, Migration> {
  const json = kind === 'sqlite' ? 'text' : 'jsonb';
  const timestamp = kind === 'sqlite' ? 'text' : 'timestamptz';
  // SQLite AUTOINCREMENT never reuses a value, even after the newest rows are purged; consumers
  // hold `afterSeq` cursors, so a reused sequence number would hide new changes from them.
  const serial = kind === 'sqlite' ? ('integer' as const) : ('bigint' as const);
  const serialColumn = <T extends { primaryKey(): T; autoIncrement(): T; generatedByDefaultAsIdentity(): T }>(col: T): T =>
    kind === 'sqlite' ? col.primaryKey().autoIncrement() : col.primaryKey().generatedByDefaultAsIdentity();

  return {
    '0001_control_store': {
      async up(db: Kysely<unknown>): Promise<void> {
        await db.schema
          .createTable('inbox')
          .addColumn('seq', serial, serialColumn)
          .addColumn('map', 'text', (c) => c.notNull())
          .addColumn('direction', 'text', (c) => c.notNull())
          .addColumn('record_key', 'text', (c) => c.notNull())
          .addColumn('op', 'text', (c) => c.notNull())
          .addColumn('payload', sql.raw(json))
          .addColumn('source_version', 'text')
          .addColumn('changed_at', sql.raw(timestamp))
          .addColumn('event_id', 'text', (c) => c.notNull())
          .addColumn('captured_at', sql.raw(timestamp), (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('settled_at', sql.raw(timestamp))
          .execute();
        await db.schema.createIndex('inbox_event_uq').on('inbox').columns(['map', 'direction', 'event_id']).unique().execute();
        await db.schema.createIndex('inbox_pending_ix').on('inbox').columns(['map', 'status', 'seq']).execute();
        await db.schema.createIndex('inbox_settled_ix').on('inbox').columns(['status', 'settled_at']).execute();

        await db.schema
          .createTable('echo_ledger')
          .addColumn('map', 'text', (c) => c.notNull())
          .addColumn('side', 'text', (c) => c.notNull())
          .addColumn('record_key', 'text', (c) => c.notNull())
          .addColumn('hash', 'text', (c) => c.notNull())
          .addColumn('record_id', 'text')
          .addColumn('version', 'text')
          .addColumn('written_at', sql.raw(timestamp), (c) => c.notNull())
          .addPrimaryKeyConstraint('echo_ledger_pk', ['map', 'side', 'record_key'])
          .execute();

        await db.schema
          .createTable('error_queue')
          .addColumn('id', serial, serialColumn)
          .addColumn('map', 'text', (c) => c.notNull())
          .addColumn('direction', 'text', (c) => c.notNull())
          .addColumn('record_key', 'text', (c) => c.notNull())
          .addColumn('record_id', 'text')
          .addColumn('class', 'text', (c) => c.notNull())
          .addColumn('http_status', 'integer')
          .addColumn('code', 'text')
          .addColumn('message', 'text', (c) => c.notNull())
          .addColumn('payload', sql.raw(json))
          .addColumn('change_op', 'text')
          .addColumn('change_payload', sql.raw(json))
          .addColumn('change_version', 'text')
          .addColumn('change_changed_at', sql.raw(timestamp))
          .addColumn('inbox_seq', 'bigint')
          .addColumn('attempts', 'integer', (c) => c.notNull())
          .addColumn('first_seen_at', sql.raw(timestamp), (c) => c.notNull())
          .addColumn('last_seen_at', sql.raw(timestamp), (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('status_changed_at', sql.raw(timestamp), (c) => c.notNull())
          .execute();
        await db.schema.createIndex('error_queue_key_uq').on('error_queue').columns(['map', 'direction', 'record_key']).unique().execute();
        await db.schema.createIndex('error_queue_status_ix').on('error_queue').columns(['status', 'last_seen_at']).execute();
        await db.schema.createIndex('error_queue_map_ix').on('error_queue').columns(['map', 'last_seen_at']).execute();

        await db.schema
          .createTable('activity_log')
          .addColumn('id', serial, serialColumn)
          .addColumn('at', sql.raw(timestamp), (c) => c.notNull())
          .addColumn('map', 'text')
          .addColumn('type', 'text', (c) => c.notNull())
          .addColumn('level', 'text', (c) => c.notNull())
          .addColumn('message', 'text', (c) => c.notNull())
          .addColumn('data', sql.raw(json))
          .addColumn('actor', 'text')
          .execute();
        await db.schema.createIndex('activity_log_at_ix').on('activity_log').columns(['at', 'id']).execute();
        await db.schema.createIndex('activity_log_map_ix').on('activity_log').columns(['map', 'at', 'id']).execute();

        await db.schema
          .createTable('map_versions')
          .addColumn('id', serial, serialColumn)
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('version', 'text', (c) => c.notNull())
          .addColumn('definition', 'text', (c) => c.notNull())
          .addColumn('checksum', 'text', (c) => c.notNull())
          .addColumn('publisher', 'text')
          .addColumn('published_by', 'text')
          .addColumn('published_at', sql.raw(timestamp), (c) => c.notNull())
          .addColumn('comment', 'text')
          .execute();
        await db.schema.createIndex('map_versions_uq').on('map_versions').columns(['name', 'version']).unique().execute();

        await db.schema
          .createTable('kv_state')
          .addColumn('key', 'text', (c) => c.primaryKey())
          .addColumn('value', sql.raw(json))
          .addColumn('updated_at', sql.raw(timestamp), (c) => c.notNull())
          .execute();

        await db.schema
          .createTable('alert_rules')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('map', 'text')
          .addColumn('condition', sql.raw(json), (c) => c.notNull())
          .addColumn('action', 'text', (c) => c.notNull())
          .addColumn('notify', sql.raw(json))
          .addColumn('enabled', 'integer', (c) => c.notNull())
          .addColumn('created_at', sql.raw(timestamp), (c) => c.notNull())
          .addColumn('updated_at', sql.raw(timestamp), (c) => c.notNull())
          .execute();

        await db.schema
          .createTable('alert_states')
          .addColumn('rule_id', 'text', (c) => c.notNull().references('alert_rules.id').onDelete('cascade'))
          .addColumn('subject', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('firing_since', sql.raw(timestamp))
          .addColumn('last_value', sql.raw(json))
          .addColumn('message', 'text')
          .addColumn('last_evaluated_at', sql.raw(timestamp), (c) => c.notNull())
          .addColumn('last_notified_at', sql.raw(timestamp))
          .addColumn('cleared_at', sql.raw(timestamp))
          .addPrimaryKeyConstraint('alert_states_pk', ['rule_id', 'subject'])
          .execute();
      },
    },
    '0002_echo_ledger_record_id': {
      // A Dataverse delete carries only the record id: the engine finds the integration key by it.
      async up(db: Kysely<unknown>): Promise<void> {
        await db.schema.createIndex('echo_ledger_record_id').on('echo_ledger').columns(['map', 'side', 'record_id']).execute();
      },
    },
    '0003_inbox_pending_by_direction': {
      // Each direction drains (and counts) its own pending changes: with only (map, status, seq)
      // the echo direction stepped over the whole backlog of the other one on every read.
      async up(db: Kysely<unknown>): Promise<void> {
        await db.schema.createIndex('inbox_direction_pending_ix').on('inbox').columns(['map', 'direction', 'status', 'seq']).execute();
      },
    },
    '0004_map_leases': {
      // The two directions of a map apply a batch at a time, one after the other (map-leases.ts).
      async up(db: Kysely<unknown>): Promise<void> {
        await db.schema
          .createTable('map_leases')
          .addColumn('name', 'text', (c) => c.primaryKey())
          .addColumn('holder', 'text', (c) => c.notNull())
          .addColumn('expires_at', 'bigint', (c) => c.notNull())
          .addColumn('next_holder', 'text')
          .addColumn('next_until', 'bigint')
          .execute();
      },
    },
  };
}

/** Brings the schema up to date; safe to run on every open and from several processes at once. */
export async function migrateToLatest(db: Kysely<unknown>, kind: DialectKind, migrationTableSchema?: string): Promise<void> {
  const adapter = db.getExecutor().adapter;
  const lockAdapter = adapter instanceof SqliteMigrationLockAdapter ? adapter : undefined;
  const wrapped = Object.fromEntries(
    Object.entries(migrations(kind)).map(([name, migration]) => [
      name,
      {
        ...migration,
        async up(db: Kysely<unknown>) {
          try {
            await migration.up(db);
          } catch (error) {
            if (lockAdapter !== undefined) lockAdapter.migrationFailed = true;
            throw error;
          }
        },
      },
    ]),
  );
  const provider: MigrationProvider = { getMigrations: () => Promise.resolve(wrapped) };
  const migrator = new Migrator({ db, provider, ...(migrationTableSchema !== undefined ? { migrationTableSchema } : {}) });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`control store migration ${failed ?? ''} failed: ${reason}`);
  }
}
