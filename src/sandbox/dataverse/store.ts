/**
 * SQLite storage for the Dataverse sandbox. Each entity set is a table whose columns carry the
 * wire names (a lookup `msdyn_company` is stored as `_msdyn_company_value`), so a $filter compiles
 * straight onto it. Every write takes the next value of one global row version (Dataverse's
 * `versionnumber`), which drives ETags and change tracking; deletes leave a tombstone with their
 * version so a delta can report `$deletedEntity`. Writes are serialized by an async mutex and run
 * in explicit transactions so a sync webhook can be awaited before commit (and roll it back).
 * Reads outside a transaction go through a second, read-only connection, so they see committed
 * data only (WAL snapshot), as clients of the real service do; reads inside a transaction see its
 * own writes. Versions are never reused, so a rolled-back write leaves a gap, never a duplicate.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { ColumnSchema, EntitySetSchema } from '../../schema/entity-schema';
import { checksumRows } from '../shared/admin';
import { quoteIdent } from '../shared/odata-filter';

export type Row = Record<string, unknown>;

export interface WireColumn {
  /** Name on the wire and in SQLite (`_x_value` for lookups). */
  wire: string;
  column: ColumnSchema;
}

export interface Transaction {
  /** Runs after a successful commit (async webhooks, change notifications). */
  afterCommit: (() => void)[];
  /** Nesting depth of savepoints. */
  depth: number;
}

export function wireName(column: ColumnSchema): string {
  return column.type === 'lookup' ? `_${column.name}_value` : column.name;
}

function sqlType(column: ColumnSchema): string {
  switch (column.type) {
    case 'int':
    case 'bigint':
    case 'optionset':
    case 'bool':
      return 'INTEGER';
    case 'decimal':
      return 'REAL';
    case 'string':
      // Dataverse string comparisons are case-insensitive.
      return 'TEXT COLLATE NOCASE';
    default:
      return 'TEXT';
  }
}

/** Dataverse returns datetimes to the second, e.g. 2016-09-28T22:57:53Z. */
function formatDateTime(stored: string): string {
  return stored.replace(/\.\d{3}Z$/, 'Z');
}

class Mutex {
  private tail: Promise<void> = Promise.resolve();
  async acquire(): Promise<() => void> {
    let release!: () => void;
    const next = new Promise<void>((r) => (release = r));
    const previous = this.tail;
    this.tail = previous.then(() => next);
    await previous;
    return release;
  }
}

export class DataverseStore {
  /** The write connection (all writes, and reads inside a transaction). */
  readonly db: Database.Database;
  /** Read-only connection: committed data only. */
  private readonly readDb: Database.Database;
  /** Temporary directory backing a ':memory:' store (two connections need a file). */
  private readonly tempDir: string | undefined;
  private committedVersion = 0;
  private readonly schemas = new Map<string, EntitySetSchema>();
  private readonly columns = new Map<string, WireColumn[]>();
  private version = 0;
  private readonly mutex = new Mutex();
  private readonly txContext = new AsyncLocalStorage<Transaction>();
  private readonly statements = new Map<string, Database.Statement>();

  constructor(dbFile: string, schemas: readonly EntitySetSchema[]) {
    if (dbFile === ':memory:') {
      this.tempDir = mkdtempSync(join(tmpdir(), 'dataverse-sandbox-'));
      dbFile = join(this.tempDir, 'dataverse.sqlite');
    }
    this.db = new Database(dbFile);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    for (const s of schemas) {
      this.schemas.set(s.entitySet, s);
      this.columns.set(s.entitySet, s.columns.map((c) => ({ wire: wireName(c), column: c })));
    }
    this.createTables();
    this.version = this.maxStoredVersion();
    this.committedVersion = this.version;
    this.readDb = new Database(dbFile, { readonly: true, fileMustExist: true });
  }

  /** The connection for reads: the transaction's own inside one, else the committed view. */
  private reader(): Database.Database {
    return this.txContext.getStore() ? this.db : this.readDb;
  }

  entitySets(): string[] {
    return [...this.schemas.keys()];
  }

  schema(entitySet: string): EntitySetSchema | undefined {
    return this.schemas.get(entitySet);
  }

  wireColumns(entitySet: string): WireColumn[] {
    const cols = this.columns.get(entitySet);
    if (!cols) throw new Error(`unknown entity set ${entitySet}`);
    return cols;
  }

  primaryKey(entitySet: string): string {
    const pk = this.schemas.get(entitySet)?.primaryKey[0];
    if (!pk) throw new Error(`entity set ${entitySet} has no primary key`);
    return pk;
  }

  /** Highest version visible to the caller: committed, or the open transaction's own. */
  currentVersion(): number {
    return this.txContext.getStore() ? this.version : this.committedVersion;
  }

  private createTables(): void {
    const ddl: string[] = ['CREATE TABLE IF NOT EXISTS "_tombstones" (entityset TEXT NOT NULL, id TEXT NOT NULL, versionnumber INTEGER NOT NULL)'];
    ddl.push('CREATE INDEX IF NOT EXISTS "_tombstones_version" ON "_tombstones"(entityset, versionnumber)');
    for (const [set, schema] of this.schemas) {
      const pk = schema.primaryKey[0];
      const cols = this.wireColumns(set).map(({ wire, column }) => `${quoteIdent(wire)} ${sqlType(column)}${wire === pk ? ' PRIMARY KEY NOT NULL' : ''}`);
      ddl.push(`CREATE TABLE IF NOT EXISTS ${quoteIdent(set)} (${cols.join(', ')})`);
      ddl.push(`CREATE INDEX IF NOT EXISTS ${quoteIdent(`${set}_versionnumber`)} ON ${quoteIdent(set)}(versionnumber)`);
      for (const key of schema.alternateKeys ?? []) {
        const keyCols = key.columns.map((name) => {
          const col = schema.columns.find((c) => c.name === name);
          if (!col) throw new Error(`alternate key ${key.name} of ${set} names unknown column ${name}`);
          return quoteIdent(wireName(col));
        });
        ddl.push(`CREATE UNIQUE INDEX IF NOT EXISTS ${quoteIdent(`${set}_${key.name}`)} ON ${quoteIdent(set)}(${keyCols.join(', ')})`);
      }
    }
    this.db.exec(ddl.join(';\n'));
  }

  private maxStoredVersion(): number {
    let max = 0;
    for (const set of this.schemas.keys()) {
      const v = this.db.prepare(`SELECT MAX(versionnumber) AS v FROM ${quoteIdent(set)}`).get() as { v: number | null };
      max = Math.max(max, v.v ?? 0);
    }
    const t = this.db.prepare('SELECT MAX(versionnumber) AS v FROM "_tombstones"').get() as { v: number | null };
    return Math.max(max, t.v ?? 0);
  }

  nextVersion(): number {
    this.version += 1;
    return this.version;
  }

  private stmt(sql: string, conn: Database.Database = this.db): Database.Statement {
    const cacheKey = `${conn === this.db ? 'w' : 'r'}:${sql}`;
    let s = this.statements.get(cacheKey);
    if (!s) {
      s = conn.prepare(sql);
      this.statements.set(cacheKey, s);
    }
    return s;
  }

  /**
   * Runs `fn` in a write transaction, or inside the caller's if one is open in this async context
   * (a $batch change set). Rolls back if `fn` throws; after-commit work runs only on success.
   */
  async transaction<T>(fn: (tx: Transaction) => Promise<T> | T): Promise<T> {
    const existing = this.txContext.getStore();
    if (existing) return this.savepoint(existing, fn);
    const release = await this.mutex.acquire();
    const tx: Transaction = { afterCommit: [], depth: 0 };
    try {
      this.db.exec('BEGIN IMMEDIATE');
      let result: T;
      try {
        result = await this.txContext.run(tx, () => fn(tx));
      } catch (err) {
        this.db.exec('ROLLBACK');
        throw err;
      }
      this.db.exec('COMMIT');
      this.committedVersion = this.version;
      release();
      for (const cb of tx.afterCommit) {
        try {
          cb();
        } catch (err) {
          console.error(`dataverse sandbox: after-commit hook failed: ${String(err)}`);
        }
      }
      return result;
    } finally {
      release();
    }
  }

  /**
   * Nested unit inside an open transaction (one $batch part, or a change set): its writes are
   * undone on failure without touching the rest; after-commit work is kept only on success.
   */
  private async savepoint<T>(tx: Transaction, fn: (tx: Transaction) => Promise<T> | T): Promise<T> {
    const name = `sp${++tx.depth}`;
    const hooksBefore = tx.afterCommit.length;
    this.db.exec(`SAVEPOINT ${name}`);
    try {
      const result = await fn(tx);
      this.db.exec(`RELEASE ${name}`);
      return result;
    } catch (err) {
      this.db.exec(`ROLLBACK TO ${name}; RELEASE ${name}`);
      tx.afterCommit.length = hooksBefore;
      throw err;
    } finally {
      tx.depth--;
    }
  }

  /** Converts a stored row to its wire form (booleans, datetimes). */
  decode(entitySet: string, stored: Row): Row {
    const byWire = this.columnsByWire(entitySet);
    const out: Row = {};
    for (const wire in stored) {
      const v = stored[wire];
      const column = byWire.get(wire);
      if (v === null || v === undefined || !column) out[wire] = v ?? null;
      else if (column.type === 'bool') out[wire] = v === 1 || v === true;
      else if (column.type === 'datetime') out[wire] = formatDateTime(String(v));
      else out[wire] = v;
    }
    return out;
  }

  private readonly wireMaps = new Map<string, Map<string, ColumnSchema>>();

  private columnsByWire(entitySet: string): Map<string, ColumnSchema> {
    let m = this.wireMaps.get(entitySet);
    if (!m) {
      m = new Map(this.wireColumns(entitySet).map((c) => [c.wire, c.column]));
      this.wireMaps.set(entitySet, m);
    }
    return m;
  }

  private encodeValue(column: ColumnSchema, v: unknown): unknown {
    if (v === null || v === undefined) return null;
    if (column.type === 'bool') return v ? 1 : 0;
    if (column.type === 'datetime') return new Date(String(v)).toISOString();
    if ((column.type === 'guid' || column.type === 'lookup') && typeof v === 'string') return v.toLowerCase();
    return v;
  }

  getById(entitySet: string, id: string): Row | undefined {
    const pk = this.primaryKey(entitySet);
    const row = this.stmt(`SELECT * FROM ${quoteIdent(entitySet)} WHERE ${quoteIdent(pk)} = ?`, this.reader()).get(id.toLowerCase()) as Row | undefined;
    return row ? this.decode(entitySet, row) : undefined;
  }

  /** Finds by wire-named key values (an alternate key; values already typed). */
  findByKey(entitySet: string, key: Record<string, unknown>): Row | undefined {
    const cols = this.wireColumns(entitySet);
    const names = Object.keys(key).sort();
    const where = names.map((n) => `${quoteIdent(n)} = ?`).join(' AND ');
    const params = names.map((n) => {
      const col = cols.find((c) => c.wire === n);
      return col ? this.encodeValue(col.column, key[n]) : key[n];
    });
    const row = this.stmt(`SELECT * FROM ${quoteIdent(entitySet)} WHERE ${where} LIMIT 1`, this.reader()).get(...params) as Row | undefined;
    return row ? this.decode(entitySet, row) : undefined;
  }

  /** Inserts a complete wire row; system columns are set here. Returns the stored row. */
  insert(entitySet: string, row: Row, now = new Date()): Row {
    const pk = this.primaryKey(entitySet);
    const version = this.nextVersion();
    const stamp = now.toISOString();
    const full: Row = { ...row, createdon: stamp, modifiedon: stamp, versionnumber: version };
    const cols = this.wireColumns(entitySet).filter((c) => full[c.wire] !== undefined);
    this.stmt(`INSERT INTO ${quoteIdent(entitySet)} (${cols.map((c) => quoteIdent(c.wire)).join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`).run(
      ...cols.map((c) => this.encodeValue(c.column, full[c.wire])),
    );
    // A re-created id must not be reported as deleted by a later delta.
    this.stmt('DELETE FROM "_tombstones" WHERE entityset = ? AND id = ?').run(entitySet, String(full[pk]).toLowerCase());
    const stored: Row = {};
    for (const c of this.wireColumns(entitySet)) stored[c.wire] = full[c.wire] === undefined ? null : this.encodeValue(c.column, full[c.wire]);
    return this.decode(entitySet, stored);
  }

  /** Applies wire-named changes to an existing row; bumps versionnumber and modifiedon. */
  update(entitySet: string, id: string, changes: Row, now = new Date(), existing?: Row): Row {
    const pk = this.primaryKey(entitySet);
    const version = this.nextVersion();
    const full: Row = { ...changes, modifiedon: now.toISOString(), versionnumber: version };
    const cols = this.wireColumns(entitySet).filter((c) => full[c.wire] !== undefined && c.wire !== pk);
    this.stmt(`UPDATE ${quoteIdent(entitySet)} SET ${cols.map((c) => `${quoteIdent(c.wire)} = ?`).join(', ')} WHERE ${quoteIdent(pk)} = ?`).run(
      ...cols.map((c) => this.encodeValue(c.column, full[c.wire])),
      id.toLowerCase(),
    );
    if (!existing) return this.getById(entitySet, id) as Row;
    const stored: Row = {};
    for (const c of this.wireColumns(entitySet)) {
      const v = full[c.wire] !== undefined ? full[c.wire] : existing[c.wire];
      stored[c.wire] = v === undefined ? null : this.encodeValue(c.column, v);
    }
    return this.decode(entitySet, stored);
  }

  delete(entitySet: string, id: string): void {
    const pk = this.primaryKey(entitySet);
    this.stmt(`DELETE FROM ${quoteIdent(entitySet)} WHERE ${quoteIdent(pk)} = ?`).run(id.toLowerCase());
    this.stmt('INSERT INTO "_tombstones" (entityset, id, versionnumber) VALUES (?, ?, ?)').run(entitySet, id.toLowerCase(), this.nextVersion());
  }

  /** Rows of `entitySet` whose lookup `wire` points at `id` (for delete checks and cascades). */
  referencing(entitySet: string, wire: string, id: string): number {
    const r = this.stmt(`SELECT COUNT(*) AS n FROM ${quoteIdent(entitySet)} WHERE ${quoteIdent(wire)} = ?`, this.reader()).get(id.toLowerCase()) as { n: number };
    return r.n;
  }

  /** Runs a SELECT built by the query layer and decodes the rows. */
  select(entitySet: string, sql: string, params: unknown[]): Row[] {
    return (this.reader().prepare(sql).all(...params) as Row[]).map((r) => this.decode(entitySet, r));
  }

  scalar(sql: string, params: unknown[]): number {
    const r = this.reader().prepare(sql).get(...params) as Record<string, number> | undefined;
    return r ? Number(Object.values(r)[0] ?? 0) : 0;
  }

  /** Deleted ids with version in (after, upTo], oldest first. */
  tombstones(entitySet: string, after: number, upTo: number, limit: number): { id: string; versionnumber: number }[] {
    return this.stmt('SELECT id, versionnumber FROM "_tombstones" WHERE entityset = ? AND versionnumber > ? AND versionnumber <= ? ORDER BY versionnumber LIMIT ?', this.reader()).all(
      entitySet,
      after,
      upTo,
      limit,
    ) as { id: string; versionnumber: number }[];
  }

  count(entitySet: string): number {
    return this.scalar(`SELECT COUNT(*) FROM ${quoteIdent(entitySet)}`, []);
  }

  /** Content checksum over the business columns (system columns excluded), ordered by primary key. */
  checksum(entitySet: string): string {
    const skip = new Set(['createdon', 'modifiedon', 'versionnumber']);
    const cols = this.wireColumns(entitySet).filter((c) => !skip.has(c.wire));
    const pk = this.primaryKey(entitySet);
    const iter = this.reader().prepare(`SELECT ${cols.map((c) => quoteIdent(c.wire)).join(', ')} FROM ${quoteIdent(entitySet)} ORDER BY ${quoteIdent(pk)}`).iterate() as Iterable<Row>;
    return checksumRows((function* (decode: (r: Row) => Row) {
      for (const r of iter) yield decode(r);
    })((r) => this.decode(entitySet, r)));
  }

  reset(): void {
    const sets = this.entitySets();
    this.db.exec(['DELETE FROM "_tombstones"', ...sets.map((s) => `DELETE FROM ${quoteIdent(s)}`)].join(';\n'));
  }

  /**
   * Fast load for seeding: one transaction, one prepared statement per set, system columns filled
   * in. Rows are wire rows. Fires no webhooks.
   */
  bulkInsert(entitySet: string, rows: Iterable<Row>, now = new Date()): number {
    const cols = this.wireColumns(entitySet);
    const insert = this.db.prepare(`INSERT INTO ${quoteIdent(entitySet)} (${cols.map((c) => quoteIdent(c.wire)).join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`);
    const stamp = now.toISOString();
    let n = 0;
    const run = this.db.transaction(() => {
      for (const row of rows) {
        const full: Row = { statecode: 0, statuscode: 1, ...row, createdon: stamp, modifiedon: stamp, versionnumber: this.nextVersion() };
        insert.run(...cols.map((c) => this.encodeValue(c.column, full[c.wire])));
        n++;
      }
    });
    run();
    this.committedVersion = this.version;
    return n;
  }

  close(): void {
    this.readDb.close();
    this.db.close();
    if (this.tempDir) rmSync(this.tempDir, { recursive: true, force: true });
  }
}
