import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import type { ColumnSchema, EntitySetSchema } from '../../schema/entity-schema';
import { compileFilter, normalizeDateTime, parseOrderBy, quoteIdent, type CompiledSql, type SqlValue } from './odata-filter';

/**
 * A generic SQLite table store for the sandboxes, driven by EntitySetSchema: one table per
 * entity set, one column per schema column plus a hidden store-wide `_version` (a monotonic
 * counter used for ETags, RowVersion and change tracking). Values go in and come out in their
 * JSON form (booleans as true/false, datetimes as ISO 8601 UTC strings).
 *
 * Writes from HTTP handlers go through `write()` / `exclusive()`, which serialise them with an
 * async lock, so that a `$batch` change set (an async sequence of handler calls inside one
 * SQLite transaction) never has another request's writes slip into, or out of, its transaction.
 * Change events are published only after the transaction that made them commits.
 */

export type Row = Record<string, unknown>;
export type KeyValues = Record<string, string | number>;
export type ChangeMessage = 'Create' | 'Update' | 'Delete';

export interface ChangeEvent {
  entitySet: string;
  message: ChangeMessage;
  key: KeyValues;
  /** The row after the change; for Delete, the row as it was. */
  row: Row;
  /** The row before an Update or Delete. */
  previous?: Row;
  version: number;
}

export class StoreError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: 'validation' | 'not_found' | 'conflict',
    readonly column?: string,
  ) {
    super(message);
    this.name = 'StoreError';
  }
}

export interface WriteOptions {
  /** What to do with read-only columns in the input: drop them silently (default) or refuse. */
  readOnly?: 'ignore' | 'reject' | 'allow';
}

export interface QueryOptions {
  /** OData $filter text, compiled against the entity set's columns. */
  filter?: string;
  /** Further conditions from the server, e.g. the default-company restriction. */
  where?: CompiledSql;
  orderBy?: string;
  select?: string[];
  /** Page size (LIMIT). */
  limit?: number;
  skip?: number;
  /** Keyset cursor: primary-key values of the last row already served (only without orderBy). */
  after?: (string | number | null)[];
  count?: boolean;
  /** F&O's `eq '*x*'` wildcard form. */
  starWildcardEquals?: boolean;
}

export interface QueryResult {
  rows: Row[];
  /** The hidden row version of each row (same order), for ETags. */
  versions: number[];
  count?: number;
  /** Key values of the last row returned, for a keyset continuation (undefined with orderBy). */
  lastKey?: (string | number | null)[];
}

export interface EntityStoreOptions {
  /** SQLite file path, or ':memory:'. */
  file: string;
  schemas: EntitySetSchema[];
  /** Time source for modified columns (tests can pin it). */
  now?: () => Date;
}

interface TableInfo {
  schema: EntitySetSchema;
  table: string;
  columns: Map<string, ColumnSchema>;
  /** Lower-cased name -> column, for "did you mean" hints. */
  columnsLower: Map<string, ColumnSchema>;
  boolColumns: string[];
  pk: string[];
  keyWhere: string;
  insert: Database.Statement;
  selectByKey: Database.Statement;
  deleteByKey: Database.Statement;
}

const GUID_RE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

function sqlType(col: ColumnSchema): string {
  switch (col.type) {
    case 'int':
    case 'bigint':
    case 'optionset':
    case 'bool':
      return 'INTEGER';
    case 'decimal':
      return 'REAL';
    case 'string':
      // Both services compare strings case-insensitively (SQL Server's default collation).
      return 'TEXT COLLATE NOCASE';
    default:
      return 'TEXT';
  }
}

export class EntityStore {
  readonly db: Database.Database;
  private readonly tables = new Map<string, TableInfo>();
  private readonly statements = new Map<string, Database.Statement>();
  private readonly listeners: ((event: ChangeEvent) => void)[] = [];
  private pending: ChangeEvent[] = [];
  private version = 0;
  private lockTail: Promise<void> = Promise.resolve();
  private readonly lockOwner = new AsyncLocalStorage<true>();
  private readonly now: () => Date;
  private readonly savepoint: Database.Statement;
  private readonly release: Database.Statement;
  private readonly rollbackTo: Database.Statement;

  constructor(options: EntityStoreOptions) {
    this.db = new Database(options.file);
    this.savepoint = this.db.prepare('SAVEPOINT nested_write');
    this.release = this.db.prepare('RELEASE nested_write');
    this.rollbackTo = this.db.prepare('ROLLBACK TO nested_write');
    this.now = options.now ?? (() => new Date());
    if (options.file !== ':memory:') this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('cache_size = -65536');
    this.db.exec('CREATE TABLE IF NOT EXISTS "_tombstones" (entity_set TEXT NOT NULL, key TEXT NOT NULL, version INTEGER NOT NULL, row TEXT NOT NULL)');
    this.db.exec('CREATE INDEX IF NOT EXISTS "_tombstones_version" ON "_tombstones" (entity_set, version)');
    for (const schema of options.schemas) this.createTable(schema);
    const maxTomb = this.db.prepare('SELECT max(version) AS v FROM "_tombstones"').get() as { v: number | null };
    this.version = maxTomb.v ?? 0;
    for (const t of this.tables.values()) {
      const r = this.db.prepare(`SELECT max(_version) AS v FROM ${t.table}`).get() as { v: number | null };
      this.version = Math.max(this.version, r.v ?? 0);
    }
  }

  private createTable(schema: EntitySetSchema): void {
    const table = quoteIdent(schema.entitySet);
    const columns = new Map(schema.columns.map((c) => [c.name, c]));
    for (const k of schema.primaryKey) if (!columns.has(k)) throw new Error(`${schema.entitySet}: key column ${k} is not among its columns`);
    const defs = schema.columns.map((c) => `${quoteIdent(c.name)} ${sqlType(c)}${schema.primaryKey.includes(c.name) ? ' NOT NULL' : ''}`);
    const pkList = schema.primaryKey.map(quoteIdent).join(', ');
    this.db.exec(`CREATE TABLE IF NOT EXISTS ${table} (${defs.join(', ')}, "_version" INTEGER NOT NULL, PRIMARY KEY (${pkList})) WITHOUT ROWID`);
    if (schema.changeTracking) this.db.exec(`CREATE INDEX IF NOT EXISTS ${quoteIdent(`${schema.entitySet}__version`)} ON ${table} ("_version")`);
    const keyWhere = schema.primaryKey.map((k) => `${quoteIdent(k)} = ?`).join(' AND ');
    const allCols = schema.columns.map((c) => quoteIdent(c.name));
    this.tables.set(schema.entitySet, {
      schema,
      table,
      columns,
      columnsLower: new Map(schema.columns.map((c) => [c.name.toLowerCase(), c])),
      boolColumns: schema.columns.filter((c) => c.type === 'bool').map((c) => c.name),
      pk: schema.primaryKey,
      keyWhere,
      insert: this.db.prepare(`INSERT INTO ${table} (${allCols.join(', ')}, "_version") VALUES (${allCols.map(() => '?').join(', ')}, ?)`),
      selectByKey: this.db.prepare(`SELECT * FROM ${table} WHERE ${keyWhere}`),
      deleteByKey: this.db.prepare(`DELETE FROM ${table} WHERE ${keyWhere}`),
    });
  }

  /** The schemas this store serves, in declaration order. */
  get schemas(): EntitySetSchema[] {
    return [...this.tables.values()].map((t) => t.schema);
  }

  schema(entitySet: string): EntitySetSchema {
    return this.info(entitySet).schema;
  }

  has(entitySet: string): boolean {
    return this.tables.has(entitySet);
  }

  private info(entitySet: string): TableInfo {
    const t = this.tables.get(entitySet);
    if (!t) throw new StoreError(`Resource not found for the segment '${entitySet}'.`, 404, 'not_found');
    return t;
  }

  private prepared(sql: string, raw = false): Database.Statement {
    const cacheKey = raw ? `raw:${sql}` : sql;
    let stmt = this.statements.get(cacheKey);
    if (!stmt) {
      if (this.statements.size > 500) this.statements.clear();
      stmt = this.db.prepare(sql);
      if (raw) stmt.raw(true);
      this.statements.set(cacheKey, stmt);
    }
    return stmt;
  }

  /** Subscribes to committed changes; returns an unsubscribe function. */
  onChange(listener: (event: ChangeEvent) => void): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  /** The store-wide version of the last write. */
  currentVersion(): number {
    return this.version;
  }

  // ---- transactions and the write lock -------------------------------------------------

  /** Runs `fn` in a transaction (joining an open one). Events publish after the outermost commit. */
  transaction<T>(fn: () => T): T {
    const savedVersion = this.version;
    if (this.db.inTransaction) {
      // Nested: a savepoint, so a failing write inside a change set leaves no half-done work.
      const savedPending = this.pending.length;
      this.savepoint.run();
      try {
        const result = fn();
        this.release.run();
        return result;
      } catch (err) {
        this.rollbackTo.run();
        this.release.run();
        this.pending.length = savedPending;
        this.version = savedVersion;
        throw err;
      }
    }
    this.db.exec('BEGIN IMMEDIATE');
    try {
      const result = fn();
      this.db.exec('COMMIT');
      this.flushEvents();
      return result;
    } catch (err) {
      this.db.exec('ROLLBACK');
      this.pending = [];
      this.version = savedVersion;
      throw err;
    }
  }

  private async acquire(): Promise<() => void> {
    let release!: () => void;
    const previous = this.lockTail;
    this.lockTail = new Promise<void>((resolve) => (release = resolve));
    await previous;
    return release;
  }

  /** For HTTP handlers: runs a synchronous write under the lock (or inside the caller's exclusive section). */
  async write<T>(fn: () => T): Promise<T> {
    if (this.lockOwner.getStore()) return this.transaction(fn);
    const release = await this.acquire();
    try {
      return this.transaction(fn);
    } finally {
      release();
    }
  }

  /**
   * Runs an async sequence (a $batch change set) as one atomic transaction: all its writes
   * commit together or none do. Writes made through `write()` inside `fn` join it.
   */
  async exclusive<T>(fn: () => Promise<T>): Promise<T> {
    if (this.lockOwner.getStore()) return fn();
    const release = await this.acquire();
    const savedVersion = this.version;
    try {
      this.db.exec('BEGIN IMMEDIATE');
      let result: T;
      try {
        result = await this.lockOwner.run(true, fn);
      } catch (err) {
        this.db.exec('ROLLBACK');
        this.pending = [];
        this.version = savedVersion;
        throw err;
      }
      this.db.exec('COMMIT');
      this.flushEvents();
      return result;
    } finally {
      release();
    }
  }

  private flushEvents(): void {
    const events = this.pending;
    this.pending = [];
    for (const e of events) {
      for (const l of this.listeners) {
        try {
          l(e);
        } catch {
          // A failing listener must not undo a committed write nor starve the others.
        }
      }
    }
  }

  private emit(event: ChangeEvent): void {
    if (this.listeners.length === 0) return;
    this.pending.push(event);
    if (!this.db.inTransaction) this.flushEvents();
  }

  // ---- validation and conversion ------------------------------------------------------

  /** Converts one JSON value to its stored form, or throws a validation error naming the column. */
  private invalid(t: TableInfo, col: ColumnSchema, value: unknown, expected: string): StoreError {
    return new StoreError(`The value ${JSON.stringify(value)} of property '${col.name}' of '${t.schema.entitySet}' is not valid: expected ${expected}.`, 400, 'validation', col.name);
  }

  private toSql(t: TableInfo, col: ColumnSchema, value: unknown): SqlValue {
    // No closures here: this runs for every value written.
    if (value === null || value === undefined) return null;
    switch (col.type) {
      case 'string': {
        if (typeof value !== 'string') throw this.invalid(t, col, value, 'a string');
        if (col.maxLength !== undefined && value.length > col.maxLength) {
          throw new StoreError(
            `The value of property '${col.name}' of '${t.schema.entitySet}' is ${value.length} characters long; the maximum length is ${col.maxLength}.`,
            400,
            'validation',
            col.name,
          );
        }
        return value;
      }
      case 'enum':
        if (typeof value !== 'string' || (col.enumSymbols && !col.enumSymbols.includes(value))) {
          throw this.invalid(t, col, value, `one of the enum symbols ${(col.enumSymbols ?? []).join(', ')}`);
        }
        return value;
      case 'int':
      case 'bigint':
      case 'optionset': {
        const n = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
        if (typeof n !== 'number' || !Number.isInteger(n)) throw this.invalid(t, col, value, 'a whole number');
        if (col.type === 'optionset' && col.options && !col.options.some((o) => o.value === n)) {
          throw this.invalid(t, col, value, `one of the option values ${col.options.map((o) => `${o.value} (${o.label})`).join(', ')}`);
        }
        return n;
      }
      case 'decimal': {
        // Decimals may arrive as strings (IEEE754Compatible=true).
        const n = typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
        if (typeof n !== 'number' || !Number.isFinite(n)) throw this.invalid(t, col, value, 'a number');
        return n;
      }
      case 'bool':
        if (typeof value !== 'boolean') throw this.invalid(t, col, value, 'true or false');
        return value ? 1 : 0;
      case 'datetime': {
        const norm = typeof value === 'string' ? normalizeDateTime(value) : undefined;
        if (!norm) throw this.invalid(t, col, value, 'an ISO 8601 date and time such as 2024-05-01T12:00:00Z');
        return norm;
      }
      case 'date':
        if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) throw this.invalid(t, col, value, 'a date such as 2024-05-01');
        return value;
      case 'guid':
      case 'lookup':
        if (typeof value !== 'string' || !GUID_RE.test(value)) throw this.invalid(t, col, value, 'a GUID such as 00000000-0000-0000-0000-000000000001');
        return value.toLowerCase();
    }
  }

  private fromSql(t: TableInfo, raw: Record<string, unknown>, select?: readonly string[]): Row {
    const out: Row = {};
    const names = select ?? t.schema.columns.map((c) => c.name);
    for (const name of names) out[name] = raw[name] ?? null;
    for (const b of t.boolColumns) if (b in out && out[b] !== null) out[b] = out[b] === 1;
    return out;
  }

  /** Validates input properties and returns stored values by column (only the given ones). */
  private prepare(t: TableInfo, input: Row, opts: WriteOptions): Map<string, SqlValue> {
    const values = new Map<string, SqlValue>();
    for (const [name, value] of Object.entries(input)) {
      if (name.startsWith('@odata.') || name.startsWith('@')) continue;
      const col = t.columns.get(name);
      if (!col) {
        const nearly = t.columnsLower.get(name.toLowerCase());
        throw new StoreError(
          `The property '${name}' does not exist on type '${t.schema.entityType}'.${nearly ? ` Property names are case-sensitive: did you mean '${nearly.name}'?` : ''}`,
          400,
          'validation',
          name,
        );
      }
      if (col.readOnly && (opts.readOnly ?? 'ignore') !== 'allow') {
        if (opts.readOnly === 'reject') throw new StoreError(`The property '${name}' of '${t.schema.entitySet}' is read-only.`, 400, 'validation', name);
        continue;
      }
      values.set(name, this.toSql(t, col, value));
    }
    return values;
  }

  /** Converts key values (from a URL or a body) to their stored form. */
  private keyParams(t: TableInfo, key: KeyValues | Row): SqlValue[] {
    return t.pk.map((k) => {
      const v = key[k];
      if (v === undefined || v === null || v === '') {
        throw new StoreError(`The key property '${k}' of '${t.schema.entitySet}' is missing; the key is (${t.pk.join(', ')}).`, 400, 'validation', k);
      }
      return this.toSql(t, t.columns.get(k)!, v);
    });
  }

  private keyOf(t: TableInfo, row: Row): KeyValues {
    const out: KeyValues = {};
    for (const k of t.pk) out[k] = row[k] as string | number;
    return out;
  }

  private stamp(t: TableInfo, values: Map<string, SqlValue>): void {
    const m = t.schema.modifiedColumn;
    if (m && t.columns.has(m)) values.set(m, this.now().toISOString());
  }

  // ---- CRUD -----------------------------------------------------------------------------

  get(entitySet: string, key: KeyValues, select?: readonly string[]): Row | undefined {
    const t = this.info(entitySet);
    const raw = t.selectByKey.get(...this.keyParams(t, key)) as Record<string, unknown> | undefined;
    return raw ? this.fromSql(t, raw, select) : undefined;
  }

  /** Whether a record with this key exists (cheaper than get: reads no columns). */
  exists(entitySet: string, key: KeyValues): boolean {
    const t = this.info(entitySet);
    return this.prepared(`SELECT 1 FROM ${t.table} WHERE ${t.keyWhere}`).get(...this.keyParams(t, key)) !== undefined;
  }

  /** A record with its hidden row version (for ETags / RowVersion). */
  getWithVersion(entitySet: string, key: KeyValues, select?: readonly string[]): { row: Row; version: number } | undefined {
    const t = this.info(entitySet);
    const raw = t.selectByKey.get(...this.keyParams(t, key)) as Record<string, unknown> | undefined;
    return raw ? { row: this.fromSql(t, raw, select), version: raw._version as number } : undefined;
  }

  /** Empties every table (and the tombstones); versions keep counting up. */
  clearAll(): void {
    this.transaction(() => {
      for (const t of this.tables.values()) this.db.exec(`DELETE FROM ${t.table}`);
      this.db.exec('DELETE FROM "_tombstones"');
    });
  }

  /** Creates a record; fails with 409 if the key exists, 400 on invalid or missing required values. */
  insert(entitySet: string, input: Row, opts: WriteOptions = {}): Row {
    const t = this.info(entitySet);
    const values = this.prepare(t, input, opts);
    for (const col of t.schema.columns) {
      if ((col.required || t.pk.includes(col.name)) && (values.get(col.name) ?? null) === null) {
        throw new StoreError(`The property '${col.name}' of '${t.schema.entitySet}' is required and was not given a value.`, 400, 'validation', col.name);
      }
    }
    this.stamp(t, values);
    return this.transaction(() => {
      const keyParams = t.pk.map((k) => values.get(k)!);
      if (t.selectByKey.get(...keyParams)) {
        throw new StoreError(
          `A record of '${t.schema.entitySet}' with key (${t.pk.map((k, i) => `${k}=${JSON.stringify(keyParams[i])}`).join(', ')}) already exists.`,
          409,
          'conflict',
        );
      }
      const version = ++this.version;
      const stored: Record<string, unknown> = {};
      const params = t.schema.columns.map((c) => (stored[c.name] = values.get(c.name) ?? null));
      t.insert.run(...params, version);
      // Build the row from what was written instead of reading it back.
      const row = this.fromSql(t, stored);
      this.emit({ entitySet, message: 'Create', key: this.keyOf(t, row), row, version });
      return row;
    });
  }

  /** Updates the given properties of a record; 404 if it does not exist. Key columns cannot change. */
  update(entitySet: string, key: KeyValues, patch: Row, opts: WriteOptions = {}): { row: Row; previous: Row } {
    const t = this.info(entitySet);
    const keyParams = this.keyParams(t, key);
    const values = this.prepare(t, patch, opts);
    for (const [i, k] of t.pk.entries()) {
      if (values.has(k)) {
        if (values.get(k) !== keyParams[i] && String(values.get(k)).toLowerCase() !== String(keyParams[i]).toLowerCase()) {
          throw new StoreError(`The key property '${k}' of '${t.schema.entitySet}' cannot be changed (from ${JSON.stringify(keyParams[i])} to ${JSON.stringify(values.get(k))}).`, 400, 'validation', k);
        }
        values.delete(k);
      }
    }
    for (const col of t.schema.columns) {
      if (col.required && values.has(col.name) && values.get(col.name) === null) {
        throw new StoreError(`The property '${col.name}' of '${t.schema.entitySet}' is required and cannot be set to null.`, 400, 'validation', col.name);
      }
    }
    this.stamp(t, values);
    return this.transaction(() => {
      const before = t.selectByKey.get(...keyParams) as Record<string, unknown> | undefined;
      if (!before) throw this.notFound(t, keyParams);
      const version = ++this.version;
      const names = [...values.keys()];
      const stmt = this.prepared(`UPDATE ${t.table} SET ${[...names.map((n) => `${quoteIdent(n)} = ?`), '"_version" = ?'].join(', ')} WHERE ${t.keyWhere}`);
      stmt.run(...names.map((n) => values.get(n)!), version, ...keyParams);
      const row = this.fromSql(t, t.selectByKey.get(...keyParams) as Record<string, unknown>);
      const previous = this.fromSql(t, before);
      this.emit({ entitySet, message: 'Update', key: this.keyOf(t, row), row, previous, version });
      return { row, previous };
    });
  }

  /** Creates or updates by key (the key is taken from `key`, falling back to the input). */
  upsert(entitySet: string, key: KeyValues, input: Row, opts: WriteOptions = {}): { row: Row; created: boolean } {
    const t = this.info(entitySet);
    return this.transaction(() => {
      if (t.selectByKey.get(...this.keyParams(t, key))) return { row: this.update(entitySet, key, input, opts).row, created: false };
      return { row: this.insert(entitySet, { ...input, ...key }, opts), created: true };
    });
  }

  /** Deletes a record and returns it; 404 if it does not exist. */
  delete(entitySet: string, key: KeyValues): Row {
    const t = this.info(entitySet);
    const keyParams = this.keyParams(t, key);
    return this.transaction(() => {
      const before = t.selectByKey.get(...keyParams) as Record<string, unknown> | undefined;
      if (!before) throw this.notFound(t, keyParams);
      t.deleteByKey.run(...keyParams);
      const version = ++this.version;
      const row = this.fromSql(t, before);
      const keyValues = this.keyOf(t, row);
      if (t.schema.changeTracking) {
        this.prepared('INSERT INTO "_tombstones" (entity_set, key, version, row) VALUES (?, ?, ?, ?)').run(entitySet, JSON.stringify(keyValues), version, JSON.stringify(row));
      }
      this.emit({ entitySet, message: 'Delete', key: keyValues, row, previous: row, version });
      return row;
    });
  }

  private notFound(t: TableInfo, keyParams: SqlValue[]): StoreError {
    return new StoreError(
      `No record of '${t.schema.entitySet}' has the key (${t.pk.map((k, i) => `${k}=${JSON.stringify(keyParams[i])}`).join(', ')}).`,
      404,
      'not_found',
    );
  }

  /**
   * Loads many trusted rows fast (seeding): one transaction, one prepared statement, no
   * per-row validation beyond key presence, no change events. Existing keys are replaced.
   */
  bulkLoad(entitySet: string, rows: Iterable<Row>): number {
    const t = this.info(entitySet);
    const cols = t.schema.columns;
    const stmt = this.prepared(`INSERT OR REPLACE INTO ${t.table} (${cols.map((c) => quoteIdent(c.name)).join(', ')}, "_version") VALUES (${cols.map(() => '?').join(', ')}, ?)`);
    const modified = t.schema.modifiedColumn;
    const stampNow = this.now().toISOString();
    let n = 0;
    this.transaction(() => {
      const params: SqlValue[] = new Array<SqlValue>(cols.length + 1);
      for (const row of rows) {
        for (let i = 0; i < cols.length; i++) {
          const c = cols[i]!;
          const v = row[c.name];
          params[i] = v === undefined || v === null ? (c.name === modified ? stampNow : null) : typeof v === 'boolean' ? (v ? 1 : 0) : (v as SqlValue);
        }
        params[cols.length] = ++this.version;
        stmt.run(...params);
        n++;
      }
    });
    return n;
  }

  // ---- queries --------------------------------------------------------------------------

  query(entitySet: string, q: QueryOptions = {}): QueryResult {
    const t = this.info(entitySet);
    const clauses: string[] = [];
    const params: SqlValue[] = [];
    if (q.filter !== undefined && q.filter.trim() !== '') {
      const f = compileFilter(q.filter, { entitySet, columns: t.schema.columns, starWildcardEquals: q.starWildcardEquals });
      clauses.push(f.sql);
      params.push(...f.params);
    }
    if (q.where) {
      clauses.push(q.where.sql);
      params.push(...q.where.params);
    }
    let count: number | undefined;
    if (q.count) {
      const sql = `SELECT count(*) AS n FROM ${t.table}${clauses.length ? ` WHERE ${clauses.join(' AND ')}` : ''}`;
      count = (this.prepared(sql).get(...params) as { n: number }).n;
    }
    const order = q.orderBy ? parseOrderBy(q.orderBy, entitySet, t.schema.columns) : [];
    const pageClauses = [...clauses];
    const pageParams = [...params];
    if (q.after && order.length === 0) {
      if (q.after.length !== t.pk.length) throw new StoreError('The continuation cursor does not match the key of this entity set.', 400, 'validation');
      pageClauses.push(`(${t.pk.map(quoteIdent).join(', ')}) > (${t.pk.map(() => '?').join(', ')})`);
      pageParams.push(...q.after);
    }
    const orderSql = [...order.map((o) => `${quoteIdent(o.column)} ${o.descending ? 'DESC' : 'ASC'}`), ...t.pk.filter((k) => !order.some((o) => o.column === k)).map(quoteIdent)].join(', ');
    const columnList = [...t.schema.columns.map((c) => quoteIdent(c.name)), '"_version"'].join(', ');
    let sql = `SELECT ${columnList} FROM ${t.table}${pageClauses.length ? ` WHERE ${pageClauses.join(' AND ')}` : ''} ORDER BY ${orderSql}`;
    if (q.limit !== undefined || q.skip) {
      sql += ' LIMIT ? OFFSET ?';
      pageParams.push(q.limit ?? -1, q.skip ?? 0);
    }
    // Raw arrays, turned into objects once here: pages are up to 10,000 wide rows.
    const arrays = this.prepared(sql, true).all(...pageParams) as unknown[][];
    const cols = t.schema.columns;
    const wanted = (q.select ?? cols.map((c) => c.name)).map((name) => cols.findIndex((c) => c.name === name));
    const isBool = cols.map((c) => c.type === 'bool');
    const versionIndex = cols.length;
    const rows: Row[] = new Array<Row>(arrays.length);
    const versions: number[] = new Array<number>(arrays.length);
    for (let r = 0; r < arrays.length; r++) {
      const a = arrays[r]!;
      const row: Row = {};
      for (const i of wanted) {
        const v = a[i] ?? null;
        row[cols[i]!.name] = isBool[i] && v !== null ? v === 1 : v;
      }
      rows[r] = row;
      versions[r] = a[versionIndex] as number;
    }
    const last = arrays[arrays.length - 1];
    const pkIndexes = t.pk.map((k) => cols.findIndex((c) => c.name === k));
    return {
      rows,
      versions,
      count,
      lastKey: order.length === 0 && last ? pkIndexes.map((i) => last[i] as string | number | null) : undefined,
    };
  }

  count(entitySet: string, where?: CompiledSql): number {
    const t = this.info(entitySet);
    const sql = `SELECT count(*) AS n FROM ${t.table}${where ? ` WHERE ${where.sql}` : ''}`;
    return (this.prepared(sql).get(...(where?.params ?? [])) as { n: number }).n;
  }

  /**
   * A content checksum of an entity set: SHA-256 over its rows in key order, over the given
   * columns (default: every column that is not read-only, so server-set timestamps do not make
   * two equal data sets differ).
   */
  checksum(entitySet: string, columns?: readonly string[]): { count: number; checksum: string } {
    const t = this.info(entitySet);
    const names = columns ?? t.schema.columns.filter((c) => !c.readOnly).map((c) => c.name);
    for (const n of names) if (!t.columns.has(n)) throw new StoreError(`'${n}' is not a column of '${entitySet}'.`, 400, 'validation', n);
    const hash = createHash('sha256');
    let count = 0;
    const stmt = this.db.prepare(`SELECT ${names.map(quoteIdent).join(', ')} FROM ${t.table} ORDER BY ${t.pk.map(quoteIdent).join(', ')}`).raw(true);
    for (const values of stmt.iterate() as Iterable<unknown[]>) {
      hash.update(JSON.stringify(values));
      hash.update('\n');
      count++;
    }
    return { count, checksum: hash.digest('hex') };
  }

  /** Changes after a version (for change tracking): current rows and tombstones. */
  changesSince(entitySet: string, sinceVersion: number, limit = 5000): { upserts: Row[]; deletes: { key: KeyValues; version: number }[]; maxVersion: number } {
    const t = this.info(entitySet);
    const raws = this.prepared(`SELECT * FROM ${t.table} WHERE "_version" > ? ORDER BY "_version" LIMIT ?`).all(sinceVersion, limit) as Record<string, unknown>[];
    const tombs = this.prepared('SELECT key, version FROM "_tombstones" WHERE entity_set = ? AND version > ? ORDER BY version LIMIT ?').all(entitySet, sinceVersion, limit) as {
      key: string;
      version: number;
    }[];
    // If either list was cut at the limit, stop at the earlier cut so nothing is skipped.
    let maxVersion = Math.max(sinceVersion, ...raws.map((r) => r._version as number), ...tombs.map((d) => d.version));
    if (raws.length === limit) maxVersion = Math.min(maxVersion, raws[raws.length - 1]!._version as number);
    if (tombs.length === limit) maxVersion = Math.min(maxVersion, tombs[tombs.length - 1]!.version);
    return {
      upserts: raws.filter((r) => (r._version as number) <= maxVersion).map((r) => this.fromSql(t, r)),
      deletes: tombs.filter((d) => d.version <= maxVersion).map((d) => ({ key: JSON.parse(d.key) as KeyValues, version: d.version })),
      maxVersion,
    };
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
