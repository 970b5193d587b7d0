import type { ChangeRecord, Connector, HealthCheck, KeyValues, Page, PageRequest, Row, WriteOp, WriteResult } from '../types';
import { parseFinopsConfig, type FinopsConfig, type FinopsConfigInput } from '../config';
import { ConnectorError } from '../errors';
import type { BatchOperation, BatchPartResponse } from '../http/batch';
import { classifyHttp, type OperationKind } from '../http/classify';
import type { HttpClient, HttpResponse } from '../http/http-client';
import type { TokenProvider } from '../http/token-provider';
import { executeBatch } from '../shared/batch-executor';
import { HealthChecks } from '../shared/health-checks';
import { createHttpClient, type ConnectorHooks } from '../shared/client-setup';
import { andFilters, chunkKeyFilters, keySegment, literal, mapLimited, queryString, versionFromEtag } from '../shared/odata';
import { parseRemoteExecutionContexts } from '../shared/remote-execution-context';
import { parseCsdl } from '../shared/csdl';
import type { EntitySetSchema } from '../../schema/entity-schema';

const HEADERS = { Accept: 'application/json', 'OData-MaxVersion': '4.0', 'OData-Version': '4.0' };
const MAX_PAGE = 10_000;
const FILTER_BUDGET = 6000;
const KEYS_PER_REQUEST = 100;
/**
 * F&O does not document odata.continue-on-error; OData 4.0 lets a service stop at the first
 * failed change set without it. We ask anyway, and executeBatch re-sends whatever was not answered.
 */
const CONTINUE_ON_ERROR = { Prefer: 'odata.continue-on-error' };

/** Entity keys of the standard entities (from F&O $metadata); others come from config.entitySets.<set>.key. */
export const STANDARD_FINOPS_KEYS: Readonly<Record<string, string[]>> = {
  CustomersV3: ['dataAreaId', 'CustomerAccount'],
  CustomerGroups: ['dataAreaId', 'CustomerGroupId'],
  VendorsV2: ['dataAreaId', 'VendorAccountNumber'],
  VendorGroups: ['dataAreaId', 'VendorGroupId'],
  ReleasedProductsV2: ['dataAreaId', 'ItemNumber'],
  PaymentTerms: ['dataAreaId', 'Name'],
};

/** Data entity names that data events carry, for the standard entity sets. */
const STANDARD_EVENT_ENTITIES: Readonly<Record<string, string>> = {
  custcustomerv3entity: 'CustomersV3',
  custcustomergroupentity: 'CustomerGroups',
  vendvendorv2entity: 'VendorsV2',
  vendvendorgroupentity: 'VendorGroups',
  ecoresreleasedproductv2entity: 'ReleasedProductsV2',
};

/**
 * Finance & Operations OData connector (/data/): composite keys with dataAreaId, cross-company
 * reads filtered per company, server-driven paging by nextLink, $batch with one change set per
 * record (change sets are atomic, so this keeps a bad record from rolling back the others), and
 * data events (RemoteExecutionContext) parsed into change records. F&O OData has no delta, so
 * there is no pollChanges: capture is by data events plus reconciliation reads.
 *
 * Upsert: F&O has no upsert-by-PATCH (PATCH on a missing key is 404). We PATCH first and POST
 * the 404s in a second round: live sync mostly updates rows that exist, so the common case is
 * one request per record, and the initial sync (which has read the target already) can say
 * `mode: 'create'` or `'update'` to skip the guess. Read-then-write would cost a read for every
 * record instead, and race the same way.
 */
export class FinopsConnector implements Connector {
  readonly system = 'finops' as const;
  readonly config: FinopsConfig;
  readonly http: HttpClient;
  readonly tokens: TokenProvider;
  private readonly servicePath: string;

  constructor(input: FinopsConfigInput | FinopsConfig, hooks: ConnectorHooks = {}) {
    this.config = parseFinopsConfig(input);
    const { http, tokens, root } = createHttpClient(this.config, HEADERS, hooks);
    this.http = http;
    this.tokens = tokens;
    this.servicePath = new URL(root).pathname;
  }

  keyColumns(entitySet: string): string[] | undefined {
    return this.config.entitySets[entitySet]?.key ?? STANDARD_FINOPS_KEYS[entitySet];
  }

  private companyColumn(entitySet: string): string {
    return this.config.entitySets[entitySet]?.companyColumn ?? 'dataAreaId';
  }

  /** `CustomersV3(dataAreaId='usmf',CustomerAccount='US-001')?cross-company=true`: a company other than the user's default needs cross-company. */
  rowPath(entitySet: string, key: KeyValues): string {
    return `${keySegment(entitySet, key)}?cross-company=true`;
  }

  // ---------------------------------------------------------------- reads

  async readPage(req: PageRequest): Promise<Page> {
    let url = req.continuation;
    if (url === undefined) {
      const companyFilter = req.company ? `${this.companyColumn(req.entitySet)} eq ${literal('dataAreaId', req.company)}` : undefined;
      url = `${req.entitySet}${queryString({ 'cross-company': 'true', $filter: andFilters(companyFilter, req.filter), $select: req.select?.join(',') })}`;
    }
    const res = await this.get(url, Math.min(req.pageSize ?? this.config.pageSize, MAX_PAGE));
    const page: Page = { rows: valueArray(res.body) };
    const next = nextLink(res.body);
    if (next) page.continuation = next;
    return page;
  }

  /** Page size is server-driven on F&O; the Prefer header is a hint a server may ignore. */
  private get(url: string, pageSize?: number): Promise<HttpResponse> {
    return this.http.request({ method: 'GET', url, headers: pageSize ? { Prefer: `odata.maxpagesize=${pageSize}` } : {}, operation: 'read' });
  }

  private async readAll(url: string): Promise<Row[]> {
    const rows: Row[] = [];
    let next: string | undefined = url;
    while (next) {
      const res = await this.get(next, MAX_PAGE);
      rows.push(...valueArray(res.body));
      next = nextLink(res.body);
    }
    return rows;
  }

  async readByKeys(entitySet: string, keys: KeyValues[], select?: string[]): Promise<Row[]> {
    if (keys.length === 0) return [];
    const columns = select ? [...new Set([...select, ...Object.keys(keys[0] ?? {})])] : undefined;
    const chunks = chunkKeyFilters(keys, FILTER_BUDGET, KEYS_PER_REQUEST);
    const pages = await mapLimited(chunks, this.config.concurrency, (chunk) =>
      this.readAll(`${entitySet}${queryString({ 'cross-company': 'true', $filter: chunk.filter, $select: columns?.join(',') })}`),
    );
    return pages.flat();
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
    const results = new Array<WriteResult | undefined>(ops.length);
    const first: { index: number; request: BatchOperation; kind: OperationKind }[] = [];
    ops.forEach((op, index) => {
      try {
        first.push({ index, ...this.firstRequest(entitySet, op) });
      } catch (err) {
        if (!(err instanceof ConnectorError)) throw err;
        results[index] = { id: op.id, ok: false, error: err.info };
      }
    });
    const answers = first.length ? await executeBatch(this.http, first.map((f) => f.request), CONTINUE_ON_ERROR) : [];
    // Upserts whose PATCH found no row are created in a second round.
    const creates: { index: number; request: BatchOperation }[] = [];
    first.forEach((f, i) => {
      const op = ops[f.index] as WriteOp;
      const answer = answers[i] as BatchPartResponse;
      if (answer.status === 404 && op.kind === 'upsert' && (op.mode ?? 'upsert') === 'upsert' && !op.ifMatch) {
        creates.push({ index: f.index, request: this.createRequest(entitySet, op) });
      } else {
        results[f.index] = this.writeResult(op, answer, f.kind);
      }
    });
    if (creates.length) {
      const created = await executeBatch(this.http, creates.map((c) => c.request), CONTINUE_ON_ERROR);
      creates.forEach((c, i) => {
        results[c.index] = this.writeResult(ops[c.index] as WriteOp, created[i] as BatchPartResponse, 'create');
      });
    }
    return results as WriteResult[];
  }

  private firstRequest(entitySet: string, op: WriteOp): { request: BatchOperation; kind: OperationKind } {
    this.checkKey(entitySet, op);
    const url = `${this.servicePath}${this.rowPath(entitySet, op.key)}`;
    const headers: Record<string, string> = op.ifMatch ? { 'If-Match': op.ifMatch } : {};
    if (op.kind === 'delete') return { request: { method: 'DELETE', url, headers }, kind: 'delete' };
    const mode = op.mode ?? 'upsert';
    if (mode === 'create') return { request: this.createRequest(entitySet, op), kind: 'create' };
    const values = this.valuesWithoutKey(entitySet, op);
    return { request: { method: 'PATCH', url, headers, body: values }, kind: mode === 'update' ? 'update' : 'upsert' };
  }

  private createRequest(entitySet: string, op: WriteOp): BatchOperation {
    // The key travels in the body: dataAreaId picks the company of the new row.
    return { method: 'POST', url: `${this.servicePath}${entitySet}`, body: { ...this.valuesWithoutKey(entitySet, op), ...op.key } };
  }

  private valuesWithoutKey(entitySet: string, op: WriteOp): Row {
    if (!op.values || Object.keys(op.values).length === 0) {
      throw new ConnectorError({ class: 'transform', message: `upsert ${op.id} of ${entitySet} has no values to write` });
    }
    const out: Row = {};
    for (const [k, v] of Object.entries(op.values)) if (!(k in op.key)) out[k] = v;
    return out;
  }

  private checkKey(entitySet: string, op: WriteOp): void {
    const columns = this.keyColumns(entitySet);
    if (!columns) return;
    const missing = columns.filter((c) => op.key[c] === undefined || op.key[c] === '');
    if (missing.length) {
      throw new ConnectorError({ class: 'transform', message: `${op.kind} ${op.id} of ${entitySet} lacks key column(s) ${missing.join(', ')}: F&O needs the whole entity key incl. dataAreaId` });
    }
  }

  private writeResult(op: WriteOp, part: BatchPartResponse, kind: OperationKind): WriteResult {
    if (part.status >= 200 && part.status < 300) {
      const result: WriteResult = { id: op.id, ok: true };
      if (op.kind === 'upsert') result.created = kind === 'create';
      const body = part.body as Row | undefined;
      const version = versionFromEtag(body?.['@odata.etag'] ?? part.headers.etag);
      if (version) result.version = version;
      return result;
    }
    return { id: op.id, ok: false, error: classifyHttp({ status: part.status, body: part.body, operation: kind }) };
  }

  // ---------------------------------------------------------------- change capture

  parseEvent(body: unknown): ChangeRecord[] {
    return parseRemoteExecutionContexts(body, {
      system: 'finops',
      entitySetFor: (name) => this.entitySetFor(name),
      keyColumnsFor: (set) => this.keyColumns(set),
      lookupsAsValueColumns: false,
    });
  }

  private entitySetFor(name: string): string {
    const lower = name.toLowerCase();
    for (const [set, options] of Object.entries(this.config.entitySets)) {
      if (set.toLowerCase() === lower || options.logicalName?.toLowerCase() === lower) return set;
    }
    for (const set of Object.keys(STANDARD_FINOPS_KEYS)) if (set.toLowerCase() === lower) return set;
    // Dataverse-proxied events name the virtual table: mserp_custcustomerv3entity.
    return STANDARD_EVENT_ENTITIES[lower.replace(/^mserp_/, '')] ?? name;
  }

  // ---------------------------------------------------------------- metadata

  /** Entity set schemas from $metadata (keys incl. dataAreaId, columns, enum symbols). */
  async describe(entitySets?: string[]): Promise<EntitySetSchema[]> {
    const res = await this.http.request({ method: 'GET', url: '$metadata', headers: { Accept: 'application/xml' }, operation: 'read' });
    const all = parseCsdl(res.text, { system: 'finops', companyColumn: 'dataAreaId' });
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
    let schemas: EntitySetSchema[] | undefined;
    await check('metadata', async () => {
      schemas = await this.describe();
      return `${schemas.length} entity sets`;
    });
    for (const set of entitySets) {
      const schema = schemas?.find((s) => s.entitySet === set);
      const expected = this.keyColumns(set);
      if (schemas && expected) {
        await check(`entity key ${set}(${expected.join(',')})`, async () => {
          if (!schema) throw new Error(`${set} is not in $metadata: is the entity public (IsPublic) and the name right?`);
          const same = schema.primaryKey.length === expected.length && expected.every((c) => schema.primaryKey.includes(c));
          if (!same) throw new Error(`$metadata key of ${set} is (${schema.primaryKey.join(',')}), configured (${expected.join(',')}): fix entitySets.${set}.key`);
          return 'matches $metadata';
        });
      }
      await check(`entity set ${set}`, async () => {
        const res = await this.get(`${set}${queryString({ 'cross-company': 'true', $top: '1' })}`);
        const row = valueArray(res.body)[0];
        const columns = this.keyColumns(set);
        if (row && columns) {
          const missing = columns.filter((c) => !(c in row));
          if (missing.length) throw new Error(`${set} rows lack key column(s) ${missing.join(', ')}: check entitySets.${set}.key`);
        }
        return 'readable';
      });
      // Only entities striped by company have rows per company (Currencies, LegalEntities are global).
      const perCompany = schema ? schema.primaryKey.includes(this.companyColumn(set)) : !!this.keyColumns(set)?.includes(this.companyColumn(set));
      for (const company of perCompany ? this.config.companies : []) {
        await check(`entity set ${set} in ${company}`, async () => {
          const res = await this.get(`${set}${queryString({ 'cross-company': 'true', $filter: `${this.companyColumn(set)} eq ${literal('dataAreaId', company)}`, $top: '1' })}`);
          return valueArray(res.body).length ? 'has rows' : 'readable, no rows yet';
        });
      }
    }
    return checks.results;
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
