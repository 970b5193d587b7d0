import type { ChangeRecord, Connector, DeltaResult, HealthCheck, KeyValues, Page, PageRequest, Row, WriteOp, WriteResult } from '../types';
import { parseDataverseConfig, type DataverseConfig, type DataverseConfigInput } from '../config';
import { ConnectorError } from '../errors';
import type { BatchOperation, BatchPartResponse } from '../http/batch';
import { classifyHttp, type OperationKind } from '../http/classify';
import type { HttpClient, HttpResponse } from '../http/http-client';
import type { TokenProvider } from '../http/token-provider';
import { executeBatch } from '../shared/batch-executor';
import { HealthChecks } from '../shared/health-checks';
import { TtlCache } from '../shared/cache';
import { createHttpClient, type ConnectorHooks } from '../shared/client-setup';
import { andFilters, chunkKeyFilters, isGuid, keySegment, mapLimited, queryString, versionFromEtag } from '../shared/odata';
import { parseRemoteExecutionContexts, pluralise } from '../shared/remote-execution-context';
import { parseCsdl } from '../shared/csdl';
import type { EntitySetSchema } from '../../schema/entity-schema';
import { parseDeltaPage } from './delta';

const HEADERS = { Accept: 'application/json', 'OData-MaxVersion': '4.0', 'OData-Version': '4.0' };
/** Only on reads: asks for current data rather than a cached 304 (docs: "If-None-Match: null"). */
const READ_HEADERS = { 'If-None-Match': 'null' };
const MAX_PAGE = 5000;
const FILTER_BUDGET = 6000;
const KEYS_PER_REQUEST = 100;

/** Continuation tokens of pollChanges: a deltaLink to poll later, or a nextLink inside a long change list. */
const DELTA_PREFIX = 'delta:';
const PAGE_PREFIX = 'page:';
const INITIAL_PREFIX = 'initial:';

/**
 * Dataverse Web API connector (v9.2): maxpagesize paging with untouched nextLinks, alternate-key
 * URLs, upsert by PATCH, multipart $batch with continue-on-error, change tracking with a
 * caller-owned deltaLink, webhook parsing, alternate key -> GUID resolution with a cache.
 */
export class DataverseConnector implements Connector {
  readonly system = 'dataverse' as const;
  readonly config: DataverseConfig;
  readonly http: HttpClient;
  readonly tokens: TokenProvider;
  private readonly servicePath: string;
  private readonly idCache: TtlCache<string>;
  private readonly companyIds = new Map<string, Promise<string>>();

  constructor(input: DataverseConfigInput | DataverseConfig, hooks: ConnectorHooks = {}) {
    this.config = parseDataverseConfig(input);
    const { http, tokens, root } = createHttpClient(this.config, HEADERS, hooks);
    this.http = http;
    this.tokens = tokens;
    this.servicePath = new URL(root).pathname;
    this.idCache = new TtlCache(this.config.lookupCacheSize, this.config.lookupCacheTtlMs);
  }

  // ---------------------------------------------------------------- names

  /** GUID primary key column: configured, else <logical name>id. */
  idColumn(entitySet: string): string {
    return this.config.entitySets[entitySet]?.idColumn ?? `${this.logicalName(entitySet)}id`;
  }

  logicalName(entitySet: string): string {
    const configured = this.config.entitySets[entitySet]?.logicalName;
    if (configured) return configured;
    if (/ies$/.test(entitySet)) return `${entitySet.slice(0, -3)}y`;
    if (/(ss|x|z|ch|sh)es$/.test(entitySet)) return entitySet.slice(0, -2);
    return entitySet.replace(/s$/, '');
  }

  private entitySetFor(logicalName: string): string {
    for (const [set, options] of Object.entries(this.config.entitySets)) if (options.logicalName === logicalName) return set;
    return pluralise(logicalName);
  }

  private companyColumn(entitySet: string): string {
    return this.config.entitySets[entitySet]?.companyColumn ?? this.config.company.lookupColumn;
  }

  // ---------------------------------------------------------------- companies and keys

  /** GUID of a company row (cdm_companies by code), cached for the connector's life. */
  companyId(code: string): Promise<string> {
    if (isGuid(code as unknown)) return Promise.resolve(code);
    let found = this.companyIds.get(code);
    if (!found) {
      const { entitySet, idColumn, codeColumn } = this.config.company;
      found = this.http
        .request({ method: 'GET', url: `${entitySet}${queryString({ $select: idColumn, $filter: `${codeColumn} eq '${code.replace(/'/g, "''")}'` })}`, headers: READ_HEADERS, operation: 'read' })
        .then((res) => {
          const row = valueArray(res.body)[0];
          const id = row?.[idColumn];
          if (!isGuid(id)) {
            throw new ConnectorError({ class: 'validation', message: `company "${code}" not found in ${entitySet} (${codeColumn}): enable it for dual-write or fix the companies list` });
          }
          return id;
        });
      found.catch(() => this.companyIds.delete(code)); // do not cache failures
      this.companyIds.set(code, found);
    }
    return found;
  }

  /** Replaces a company code in the company lookup column of a key by its GUID. */
  private async resolveKey(entitySet: string, key: KeyValues): Promise<KeyValues> {
    const column = this.companyColumn(entitySet);
    const logical = column.replace(/^_(.+)_value$/, '$1');
    let out = key;
    if (logical !== column && logical in key && !(column in key)) {
      // Accept the lookup's logical name (msdyn_company) for its read form (_msdyn_company_value).
      const { [logical]: value, ...rest } = key;
      out = { ...rest, [column]: value as KeyValues[string] };
    }
    const value = out[column];
    if (typeof value === 'string' && !isGuid(value)) return { ...out, [column]: await this.companyId(value) };
    return out;
  }

  /** Relative URL of a row: `accounts(<guid>)` for the primary key, else the alternate key. */
  async rowPath(entitySet: string, key: KeyValues): Promise<string> {
    const resolved = await this.resolveKey(entitySet, key);
    const idColumn = this.idColumn(entitySet);
    const entries = Object.entries(resolved);
    if (entries.length === 1 && entries[0]?.[0] === idColumn && isGuid(entries[0][1])) return `${entitySet}(${entries[0][1]})`;
    return keySegment(entitySet, resolved, new Set([idColumn]));
  }

  /** Value for `<nav>@odata.bind` addressing a row by its key (no lookup round trip needed). */
  async bindPath(entitySet: string, key: KeyValues): Promise<string> {
    return `/${await this.rowPath(entitySet, key)}`;
  }

  // ---------------------------------------------------------------- reads

  async readPage(req: PageRequest): Promise<Page> {
    const pageSize = Math.min(req.pageSize ?? this.config.pageSize, MAX_PAGE);
    let url = req.continuation;
    if (url === undefined) {
      const companyFilter = req.company ? `${this.companyColumn(req.entitySet)} eq ${await this.companyId(req.company)}` : undefined;
      url = `${req.entitySet}${queryString({ $select: req.select?.join(','), $filter: andFilters(companyFilter, req.filter) })}`;
    }
    const res = await this.get(url, { Prefer: `odata.maxpagesize=${pageSize}` });
    const page: Page = { rows: valueArray(res.body) };
    const next = nextLink(res.body);
    if (next) page.continuation = next;
    return page;
  }

  private get(url: string, headers: Record<string, string> = {}): Promise<HttpResponse> {
    return this.http.request({ method: 'GET', url, headers: { ...READ_HEADERS, ...headers }, operation: 'read' });
  }

  /** All rows of a query, following nextLinks untouched. */
  private async readAll(url: string): Promise<Row[]> {
    const rows: Row[] = [];
    let next: string | undefined = url;
    while (next) {
      const res = await this.get(next, { Prefer: `odata.maxpagesize=${MAX_PAGE}` });
      rows.push(...valueArray(res.body));
      next = nextLink(res.body);
    }
    return rows;
  }

  async readByKeys(entitySet: string, keys: KeyValues[], select?: string[]): Promise<Row[]> {
    if (keys.length === 0) return [];
    const resolved = await Promise.all(keys.map((k) => this.resolveKey(entitySet, k)));
    const columns = select ? [...new Set([...select, ...Object.keys(resolved[0] ?? {}), this.idColumn(entitySet)])] : undefined;
    const chunks = chunkKeyFilters(resolved, FILTER_BUDGET, KEYS_PER_REQUEST, new Set([this.idColumn(entitySet)]));
    const pages = await mapLimited(chunks, this.config.concurrency, (chunk) => this.readAll(`${entitySet}${queryString({ $select: columns?.join(','), $filter: chunk.filter })}`));
    return pages.flat();
  }

  async resolveId(entitySet: string, key: KeyValues): Promise<string | undefined> {
    const path = await this.rowPath(entitySet, key);
    const cached = this.idCache.get(path);
    if (cached) return cached;
    const idColumn = this.idColumn(entitySet);
    const res = await this.http.request({ method: 'GET', url: `${path}${queryString({ $select: idColumn })}`, headers: READ_HEADERS, operation: 'read', acceptStatuses: [404] });
    if (res.status === 404) return undefined; // not cached: the row may be created any moment
    const id = (res.body as Row | undefined)?.[idColumn];
    if (!isGuid(id)) throw new ConnectorError({ class: 'validation', status: res.status, message: `${path} answered without ${idColumn}: set entitySets.${entitySet}.idColumn` });
    this.idCache.set(path, id);
    return id;
  }

  private identity: Promise<string> | undefined;

  /**
   * The user this connector acts as (WhoAmI's UserId): webhooks carry it as InitiatingUserId on
   * the changes we made ourselves, so they can be told apart without reading anything.
   */
  whoAmI(): Promise<string> {
    this.identity ??= this.http.request({ method: 'GET', url: 'WhoAmI', headers: READ_HEADERS, operation: 'read' }).then((res) => {
      const id = (res.body as Row | undefined)?.UserId;
      if (!isGuid(id)) throw new ConnectorError({ class: 'validation', status: res.status, message: 'WhoAmI answered without a UserId' });
      return id.toLowerCase();
    });
    this.identity.catch(() => {
      this.identity = undefined; // try again next time rather than remembering a failure
    });
    return this.identity;
  }

  // ---------------------------------------------------------------- writes

  async writeBatch(entitySet: string, ops: WriteOp[]): Promise<WriteResult[]> {
    const results: WriteResult[] = [];
    for (let i = 0; i < ops.length; i += this.config.batchSize) {
      results.push(...(await this.writeChunk(entitySet, ops.slice(i, i + this.config.batchSize))));
    }
    return results;
  }

  private async writeChunk(entitySet: string, ops: WriteOp[]): Promise<WriteResult[]> {
    const prepared: { op: WriteOp; index: number; request?: BatchOperation; path?: string; error?: WriteResult }[] = [];
    for (const [index, op] of ops.entries()) {
      try {
        const path = await this.rowPath(entitySet, op.key);
        prepared.push({ op, index, path, request: this.writeRequest(entitySet, op, path) });
      } catch (err) {
        if (!(err instanceof ConnectorError) || err.retryable) throw err;
        prepared.push({ op, index, error: { id: op.id, ok: false, error: err.info } });
      }
    }
    const toSend = prepared.filter((p) => p.request);
    const answers = toSend.length
      ? await executeBatch(
          this.http,
          toSend.map((p) => p.request as BatchOperation),
          { Prefer: 'odata.continue-on-error' },
        )
      : [];
    toSend.forEach((p, i) => {
      p.error = this.writeResult(entitySet, p.op, answers[i] as BatchPartResponse);
      if (p.op.kind === 'delete' && p.path) this.idCache.delete(p.path);
    });
    return prepared.map((p) => p.error as WriteResult);
  }

  private writeRequest(entitySet: string, op: WriteOp, path: string): BatchOperation {
    const url = `${this.servicePath}${path}`;
    const headers: Record<string, string> = {};
    if (op.kind === 'delete') {
      if (op.ifMatch) headers['If-Match'] = op.ifMatch;
      return { method: 'DELETE', url, headers };
    }
    if (!op.values || Object.keys(op.values).length === 0) {
      throw new ConnectorError({ class: 'transform', message: `upsert ${op.id} of ${entitySet} has no values to write` });
    }
    const mode = op.mode ?? 'upsert';
    if (op.ifMatch) headers['If-Match'] = op.ifMatch;
    else if (mode === 'update') headers['If-Match'] = '*';
    else if (mode === 'create') headers['If-None-Match'] = '*';
    headers.Prefer = 'return=representation';
    return { method: 'PATCH', url: `${url}${queryString({ $select: this.idColumn(entitySet) })}`, headers, body: op.values };
  }

  private writeResult(entitySet: string, op: WriteOp, part: BatchPartResponse): WriteResult {
    if (part.status >= 200 && part.status < 300) {
      const body = (part.body ?? {}) as Row;
      const result: WriteResult = { id: op.id, ok: true };
      if (op.kind === 'upsert') {
        if (part.status === 201) result.created = true;
        else if (part.status === 200) result.created = false;
      }
      const id = body[this.idColumn(entitySet)] ?? guidFromEntityId(part.headers['odata-entityid']);
      if (isGuid(id)) result.recordId = id;
      const version = versionFromEtag(body['@odata.etag'] ?? part.headers.etag);
      if (version) result.version = version;
      return result;
    }
    const kind: OperationKind = op.kind === 'delete' ? 'delete' : (op.mode ?? 'upsert');
    return { id: op.id, ok: false, error: classifyHttp({ status: part.status, body: part.body, operation: op.ifMatch ? 'update' : kind }) };
  }

  // ---------------------------------------------------------------- change capture

  async pollChanges(entitySet: string, deltaToken: string | undefined, select?: string[]): Promise<DeltaResult> {
    let url: string;
    /** Requests carry track-changes until the deltaLink: the initial listing and its nextLinks. */
    let tracking: boolean;
    let initial: boolean;
    if (deltaToken === undefined) {
      url = `${entitySet}${queryString({ $select: select?.join(',') })}`;
      [tracking, initial] = [true, true];
    } else if (deltaToken.startsWith(INITIAL_PREFIX)) {
      url = deltaToken.slice(INITIAL_PREFIX.length);
      [tracking, initial] = [true, true];
    } else if (deltaToken.startsWith(PAGE_PREFIX)) {
      url = deltaToken.slice(PAGE_PREFIX.length);
      [tracking, initial] = [true, false];
    } else if (deltaToken.startsWith(DELTA_PREFIX)) {
      url = deltaToken.slice(DELTA_PREFIX.length);
      [tracking, initial] = [false, false];
    } else {
      throw new ConnectorError({ class: 'validation', message: `delta token for ${entitySet} was not issued by this connector (expected "${DELTA_PREFIX}…", "${PAGE_PREFIX}…" or "${INITIAL_PREFIX}…")` });
    }
    const changes: ChangeRecord[] = [];
    const idColumn = this.idColumn(entitySet);
    const result = (token: string, more: boolean): DeltaResult => ({ changes, deltaToken: token, ...(more ? { more } : {}), ...(initial ? { initial } : {}) });
    for (let pages = 0; pages < this.config.deltaPagesPerPoll; pages++) {
      // The initial request and its nextLinks carry track-changes; the deltaLink itself needs no Prefer.
      const prefer = tracking ? `odata.track-changes,odata.maxpagesize=${this.config.pageSize}` : `odata.maxpagesize=${this.config.pageSize}`;
      const res = await this.get(url, { Prefer: prefer });
      const page = parseDeltaPage(res.body, { entitySet, idColumn, tokenForIds: url });
      changes.push(...page.changes);
      if (page.deltaLink) return result(`${DELTA_PREFIX}${page.deltaLink}`, false);
      if (!page.nextLink) {
        // "An empty JSON response is returned if no table changes have occurred": keep the token.
        if (deltaToken !== undefined && !tracking) return result(deltaToken, false);
        throw new ConnectorError({ class: 'validation', message: `${entitySet} answered a change-tracking request without @odata.deltaLink: is change tracking enabled on the table?` });
      }
      url = page.nextLink;
      tracking = true;
    }
    return result(`${initial ? INITIAL_PREFIX : PAGE_PREFIX}${url}`, true);
  }

  parseEvent(body: unknown): ChangeRecord[] {
    return parseRemoteExecutionContexts(body, {
      system: 'dataverse',
      entitySetFor: (logical) => this.entitySetFor(logical),
      keyColumnsFor: (set) => this.config.entitySets[set]?.key,
      lookupsAsValueColumns: true,
    });
  }

  // ---------------------------------------------------------------- metadata

  /** Entity set schemas from $metadata (keys, alternate keys, columns, change tracking). */
  async describe(entitySets?: string[]): Promise<EntitySetSchema[]> {
    const res = await this.http.request({ method: 'GET', url: '$metadata', headers: { Accept: 'application/xml' }, operation: 'read' });
    const all = parseCsdl(res.text, { system: 'dataverse', companyColumn: this.config.company.lookupColumn.replace(/^_(.+)_value$/, '$1') });
    return entitySets ? all.filter((s) => entitySets.includes(s.entitySet)) : all;
  }

  // ---------------------------------------------------------------- health

  async health(entitySets: string[]): Promise<HealthCheck[]> {
    const checks = new HealthChecks();
    const check = (name: string, run: () => Promise<string>) => checks.check(name, run);
    const authenticated = await check('authentication', async () => {
      await this.tokens.getToken();
      return `token issued for client ${this.config.clientId}`;
    });
    if (!authenticated) return checks.results;
    for (const company of this.config.companies) {
      await check(`company ${company}`, async () => `${this.config.company.entitySet} row ${await this.companyId(company)}`);
    }
    for (const set of entitySets) {
      await check(`entity set ${set}`, async () => {
        await this.get(`${set}${queryString({ $top: '1' })}`);
        return 'readable';
      });
      const key = this.config.entitySets[set]?.key;
      if (key) await check(`alternate key ${set}(${key.join(',')})`, () => this.probeKey(set, key));
      await check(`change tracking ${set}`, async () => {
        const res = await this.get(set, { Prefer: 'odata.track-changes,odata.maxpagesize=1' });
        const applied = (res.headers['preference-applied'] ?? '').includes('odata.track-changes');
        const body = res.body as Row | undefined;
        if (applied || typeof body?.['@odata.deltaLink'] === 'string') return 'enabled';
        throw new Error(`change tracking is off for ${set}: enable "Track changes" on the table`);
      });
    }
    return checks.results;
  }

  /** A lookup by a made-up key value: 404 means the key is defined, 400 "key … not valid" means it is not. */
  private async probeKey(entitySet: string, key: string[]): Promise<string> {
    const probe: KeyValues = {};
    for (const c of key) probe[c] = /^_.+_value$/.test(c) ? '00000000-0000-0000-0000-000000000000' : 'dualwrite-health-probe';
    const res = await this.http.request({ method: 'GET', url: keySegment(entitySet, probe), headers: READ_HEADERS, operation: 'read', acceptStatuses: [404] });
    return res.status === 404 ? 'defined (probe value not found, as expected)' : 'defined';
  }

  async close(): Promise<void> {
    this.http.close();
  }
}

function valueArray(body: unknown): Row[] {
  const value = (body as { value?: unknown } | undefined)?.value;
  return Array.isArray(value) ? (value as Row[]) : [];
}

function nextLink(body: unknown): string | undefined {
  const link = (body as Record<string, unknown> | undefined)?.['@odata.nextLink'];
  return typeof link === 'string' && link !== '' ? link : undefined;
}

function guidFromEntityId(header: string | undefined): string | undefined {
  const m = header ? /\(([0-9a-f-]{36})\)\s*$/i.exec(header) : null;
  return m?.[1];
}
