import { type Kysely, type DialectAdapter, SqliteAdapter, SqliteDialect, sql } from 'kysely';

/**
 * Kysely's SQLite adapter takes no migration lock, since one process has one connection; but
 * several dualwrite processes (worker, API, CLI) may open one new store file at the same moment.
 * This adapter runs the migrations inside BEGIN IMMEDIATE, so other processes wait (busy_timeout)
 * and then see the migrations done; a failed migration rolls back whole.
 */
export class SqliteMigrationLockAdapter extends SqliteAdapter {
  /** Set by the migration runner when a migration throws, so the lock release rolls back. */
  migrationFailed = false;
  #locked = false;

  override async acquireMigrationLock(db: Kysely<unknown>): Promise<void> {
    this.migrationFailed = false;
    await sql.raw('begin immediate').execute(db);
    this.#locked = true;
  }

  override async releaseMigrationLock(db: Kysely<unknown>): Promise<void> {
    // Kysely releases in a finally block, also when acquiring failed.
    if (!this.#locked) return;
    this.#locked = false;
    await sql.raw(this.migrationFailed ? 'rollback' : 'commit').execute(db);
  }
}

export class LockingSqliteDialect extends SqliteDialect {
  override createAdapter(): DialectAdapter {
    return new SqliteMigrationLockAdapter();
  }
}
