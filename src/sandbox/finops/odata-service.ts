import type { Context } from 'hono';
import type { EntitySetSchema } from '../../schema/entity-schema';
import { EntityStore, StoreError, type KeyValues, type Row } from '../shared/entity-store';
import { executeBatch, type DirectRequest, type DirectResponse } from '../shared/multipart-batch';
import { ODataQueryError, parseKeyPredicate, parseSelect, quoteIdent, type CompiledSql } from '../shared/odata-filter';
import { ContinuationTokenError, decodeContinuation, encodeContinuation, type ContinuationState } from '../shared/paging';
import { FINOPS_RELATIONS, FINOPS_TABLE_NAMES, withFinopsDefaults } from './entities';
import { finopsErrorBody, finopsErrorResponse, writeFailedBody } from './errors';
import { buildMetadataXml } from './metadata';

/**
 * The F&O OData service at `/data/`: service document, $metadata, entity sets with $filter,
 * $select, $top, $skip, $count, $orderby, cross-company, server-driven paging, key access,
 * POST / PATCH / PUT / DELETE and multipart $batch. Protocol facts: protocols.md §2.
 */

export interface FinopsServiceOptions {
  store: EntityStore;
  /** The company a request sees without cross-company=true (the user's default company). */
  defaultCompany: string;
  /** Server-driven page size; F&O's is 10,000. */
  maxPageSize: number;
  maxBatchOperations: number;
  /** Runs a request through the whole app (auth, faults, routes), for $batch parts. */
  dispatch: (request: Request) => Promise<Response>;
}

const SERVICE_ROOT = '/data/';
const KNOWN_OPTIONS = new Set(['$filter', '$select', '$top', '$skip', '$count', '$orderby', '$skiptoken', '$format', '$expand']);

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function etag(version: number): string {
  return `W/"${Buffer.from(`'0,${version}'`).toString('base64')}"`;
}

const JSON_TYPE = 'application/json; odata.metadata=minimal; odata.streaming=true';

function json(body: unknown, status = 200, headers: Record<string, string> = {}): DirectResponse {
  return jsonText(JSON.stringify(body), status, headers);
}

function jsonText(text: string, status = 200, headers: Record<string, string> = {}): DirectResponse {
  return { status, headers: { 'content-type': JSON_TYPE, 'odata-version': '4.0', ...headers }, body: text };
}

function noContent(): DirectResponse {
  return { status: 204, headers: { 'odata-version': '4.0' }, body: '' };
}

function errorResponse(status: number, body: unknown): DirectResponse {
  return { status, headers: { 'content-type': 'application/json; odata.metadata=minimal', 'odata-version': '4.0' }, body: JSON.stringify(body) };
}

/** `{"@odata.etag":..., ...row}` as text, without copying the row object. */
function entityJson(prefix: string, version: number, row: Row): string {
  const rest = JSON.stringify(row);
  return `{${prefix}"@odata.etag":${JSON.stringify(etag(version))}${rest.length > 2 ? `,${rest.slice(1)}` : '}'}`;
}

function keyLiteral(value: unknown): string {
  return typeof value === 'number' ? String(value) : `'${String(value).replace(/'/g, "''")}'`;
}

export function keySegment(schema: EntitySetSchema, row: Row): string {
  return `${schema.entitySet}(${schema.primaryKey.map((k) => `${k}=${keyLiteral(row[k])}`).join(',')})`;
}

function parseNonNegativeInt(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw)) throw new HttpError(400, `${name} must be a non-negative whole number, got '${raw}'.`);
  return Number(raw);
}

export interface FinopsService {
  /** Answers one request from plain data (also the $batch fast path). */
  handle(request: DirectRequest): Promise<DirectResponse>;
  /** The hono route handler. */
  route(c: Context): Promise<Response>;
}

export function createFinopsService(options: FinopsServiceOptions): FinopsService {
  const { store, defaultCompany, maxPageSize } = options;
  const metadataXml = buildMetadataXml(store.schemas);

  function schemaOf(name: string): EntitySetSchema {
    if (!store.has(name)) throw new HttpError(404, `No HTTP resource was found that matches the request URI: the entity set '${name}' does not exist. Known entity sets: ${store.schemas.map((s) => s.entitySet).join(', ')}.`);
    return store.schema(name);
  }

  function parseKey(schema: EntitySetSchema, text: string): KeyValues {
    const parts = parseKeyPredicate(text);
    const expected = `(${schema.primaryKey.map((k) => `${k}=...`).join(',')})`;
    if (parts.length === 1 && parts[0]!.name === undefined && schema.primaryKey.length === 1) {
      return { [schema.primaryKey[0]!]: parts[0]!.value as string | number };
    }
    const key: KeyValues = {};
    for (const p of parts) {
      if (p.name === undefined || !schema.primaryKey.includes(p.name)) {
        throw new HttpError(400, `The key ${p.name ? `property '${p.name}'` : 'value'} is not part of the key of '${schema.entitySet}'. You must provide all fields in the entity key: ${expected}.`);
      }
      if (p.value === null || typeof p.value === 'boolean') throw new HttpError(400, `The key property '${p.name}' needs a string or number value.`);
      key[p.name] = p.value;
    }
    const missing = schema.primaryKey.filter((k) => !(k in key));
    if (missing.length > 0) throw new HttpError(400, `The key of '${schema.entitySet}' is incomplete: missing ${missing.join(', ')}. You must provide all fields in the entity key: ${expected}.`);
    return key;
  }

  /** Without cross-company=true a company-specific entity shows only the default company. */
  function companyScope(schema: EntitySetSchema, crossCompany: boolean): CompiledSql | undefined {
    if (!schema.companySpecific || crossCompany || !schema.companyColumn) return undefined;
    return { sql: `${quoteIdent(schema.companyColumn)} = ?`, params: [defaultCompany] };
  }

  function context(req: DirectRequest, fragment: string): string {
    return `${new URL(SERVICE_ROOT, req.url).toString()}$metadata#${fragment}`;
  }

  function readBody(req: DirectRequest): Row {
    const text = req.body;
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (err) {
      throw new HttpError(400, `The request body is not valid JSON: ${(err as Error).message}.`);
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new HttpError(400, 'The request body must be a JSON object with the entity properties.');
    return body as Row;
  }

  // ---- F&O write rules on top of the generic store -----------------------------------------

  function checkCompany(schema: EntitySetSchema, company: unknown): void {
    if (!schema.companySpecific) return;
    if (typeof company !== 'string' || !store.exists('LegalEntities', { LegalEntityId: company })) {
      throw new StoreError(`The company '${String(company)}' does not exist; dataAreaId must be the id of a legal entity (LegalEntities).`, 400, 'validation', 'dataAreaId');
    }
  }

  function checkRequiredNotEmpty(schema: EntitySetSchema, values: Row, creating: boolean): void {
    for (const col of schema.columns) {
      if (!col.required) continue;
      if (!creating && !(col.name in values)) continue;
      const v = values[col.name];
      if (v === undefined || v === null || v === '') {
        throw new StoreError(`Field '${col.name}' must be filled in.`, 400, 'validation', col.name);
      }
    }
  }

  function checkRelations(schema: EntitySetSchema, values: Row, company: unknown): void {
    for (const rel of FINOPS_RELATIONS) {
      if (rel.entitySet !== schema.entitySet || !(rel.column in values)) continue;
      const value = values[rel.column];
      if (value === null || value === undefined || value === '') continue;
      const target = store.schema(rel.target);
      const key: KeyValues = { [rel.targetColumn]: value as string };
      if (target.companySpecific && target.companyColumn) key[target.companyColumn] = company as string;
      if (typeof value !== 'string' || !store.exists(rel.target, key)) {
        throw new StoreError(`The value '${String(value)}' in field '${rel.column}' is not found in the relating table '${rel.target}'.`, 400, 'validation', rel.column);
      }
    }
  }

  function normalizeCompany(schema: EntitySetSchema, values: Row, fromKey?: KeyValues): void {
    const cc = schema.companyColumn;
    if (!schema.companySpecific || !cc) return;
    if (values[cc] === undefined && !fromKey) values[cc] = defaultCompany;
    if (typeof values[cc] === 'string') values[cc] = (values[cc] as string).toLowerCase();
  }

  // ---- handlers -------------------------------------------------------------------------

  function serviceDocument(req: DirectRequest): DirectResponse {
    return json({
      '@odata.context': `${new URL(SERVICE_ROOT, req.url).toString()}$metadata`,
      value: store.schemas.map((s) => ({ name: s.entitySet, kind: 'EntitySet', url: s.entitySet })),
    });
  }

  function queryCollection(req: DirectRequest, schema: EntitySetSchema, countOnly: boolean): DirectResponse {
    const url = new URL(req.url);
    const params = url.searchParams;
    for (const name of params.keys()) {
      if (name.startsWith('$') && !KNOWN_OPTIONS.has(name)) throw new HttpError(400, `The query parameter '${name}' is not supported. Supported: ${[...KNOWN_OPTIONS].join(', ')}.`);
    }
    if (params.has('$expand')) throw new HttpError(400, 'The sandbox does not support $expand; query the related entity set instead.');
    const crossCompany = (params.get('cross-company') ?? '').toLowerCase() === 'true';
    const where = companyScope(schema, crossCompany);
    const filter = params.get('$filter') ?? undefined;
    if (countOnly) {
      const n = store.query(schema.entitySet, { filter, where, count: true, limit: 0, starWildcardEquals: true }).count ?? 0;
      return { status: 200, headers: { 'content-type': 'text/plain', 'odata-version': '4.0' }, body: String(n) };
    }
    const select = params.has('$select') ? parseSelect(params.get('$select')!, schema.entitySet, schema.columns) : undefined;
    const orderBy = params.get('$orderby') ?? undefined;
    const count = (params.get('$count') ?? '').toLowerCase() === 'true';
    const token = params.get('$skiptoken');
    let state: ContinuationState = {};
    let skip: number | undefined;
    let remaining: number | undefined;
    if (token !== null) {
      state = decodeContinuation(token);
      remaining = state.remaining;
      skip = state.offset;
    } else {
      remaining = parseNonNegativeInt('$top', params.get('$top') ?? undefined);
      skip = parseNonNegativeInt('$skip', params.get('$skip') ?? undefined);
    }
    const pageSize = Math.min(maxPageSize, remaining ?? Number.MAX_SAFE_INTEGER);
    const keyset = !orderBy;
    const result = store.query(schema.entitySet, {
      filter,
      where,
      orderBy,
      select: undefined,
      // One row more than the page tells whether another page exists.
      limit: pageSize + 1,
      skip,
      after: keyset ? state.after : undefined,
      count,
      starWildcardEquals: true,
    });
    const more = result.rows.length > pageSize;
    const rows = more ? result.rows.slice(0, pageSize) : result.rows;
    const parts: string[] = [`{"@odata.context":${JSON.stringify(context(req, select ? `${schema.entitySet}(${select.join(',')})` : schema.entitySet))}`];
    if (count) parts.push(`,"@odata.count":${result.count ?? 0}`);
    parts.push(',"value":[');
    rows.forEach((row, i) => {
      const shaped = select ? Object.fromEntries(select.map((k) => [k, row[k]])) : row;
      parts.push(i === 0 ? '' : ',', entityJson('', result.versions[i]!, shaped));
    });
    parts.push(']');
    const left = remaining === undefined ? undefined : remaining - rows.length;
    if (more && (left === undefined || left > 0)) {
      const last = rows[rows.length - 1]!;
      const next: ContinuationState = keyset ? { after: schema.primaryKey.map((k) => last[k] as string | number) } : { offset: (skip ?? 0) + rows.length };
      if (left !== undefined) next.remaining = left;
      const nextUrl = new URL(url.toString());
      for (const p of ['$top', '$skip', '$skiptoken']) nextUrl.searchParams.delete(p);
      nextUrl.searchParams.set('$skiptoken', encodeContinuation(next));
      parts.push(`,"@odata.nextLink":${JSON.stringify(nextUrl.toString())}`);
    }
    parts.push('}');
    return jsonText(parts.join(''));
  }

  function getByKey(req: DirectRequest, schema: EntitySetSchema, key: KeyValues): DirectResponse {
    const params = new URL(req.url).searchParams;
    const crossCompany = (params.get('cross-company') ?? '').toLowerCase() === 'true';
    const select = params.has('$select') ? parseSelect(params.get('$select')!, schema.entitySet, schema.columns) : undefined;
    const found = store.getWithVersion(schema.entitySet, key);
    const cc = schema.companyColumn;
    const hidden = found && schema.companySpecific && cc && !crossCompany && String(found.row[cc]).toLowerCase() !== defaultCompany;
    if (!found || hidden) throw new StoreError(`No record of '${schema.entitySet}' matches the key${hidden ? ` in the default company '${defaultCompany}' (add cross-company=true to read other companies)` : ''}.`, 404, 'not_found');
    const shaped = select ? Object.fromEntries(select.map((k) => [k, found.row[k]])) : found.row;
    return jsonText(entityJson(`"@odata.context":${JSON.stringify(context(req, `${schema.entitySet}/$entity`))},`, found.version, shaped));
  }

  async function create(req: DirectRequest, schema: EntitySetSchema): Promise<DirectResponse> {
    const input = readBody(req);
    normalizeCompany(schema, input);
    const company = schema.companyColumn ? input[schema.companyColumn] : undefined;
    const row = await store.write(() => {
      checkCompany(schema, company);
      checkRequiredNotEmpty(schema, input, true);
      checkRelations(schema, input, company);
      return store.insert(schema.entitySet, withFinopsDefaults(schema, input));
    });
    const location = `${new URL(req.url).origin}${SERVICE_ROOT}${keySegment(schema, row)}`;
    // OData's Prefer: return=minimal answers 204 with the entity's address only.
    if (/\breturn=minimal\b/i.test(req.headers.prefer ?? '')) {
      return { status: 204, headers: { 'odata-version': '4.0', location, 'odata-entityid': location, 'preference-applied': 'return=minimal' }, body: '' };
    }
    return jsonText(entityJson(`"@odata.context":${JSON.stringify(context(req, `${schema.entitySet}/$entity`))},`, store.currentVersion(), row), 201, { location });
  }

  async function update(req: DirectRequest, schema: EntitySetSchema, key: KeyValues): Promise<DirectResponse> {
    const patch = readBody(req);
    normalizeCompany(schema, patch, key);
    const company = schema.companyColumn ? String(key[schema.companyColumn]).toLowerCase() : undefined;
    await store.write(() => {
      checkRequiredNotEmpty(schema, patch, false);
      checkRelations(schema, patch, company);
      store.update(schema.entitySet, key, patch);
    });
    return noContent();
  }

  async function remove(schema: EntitySetSchema, key: KeyValues): Promise<DirectResponse> {
    await store.write(() => store.delete(schema.entitySet, key));
    return noContent();
  }

  function restOfPath(url: URL): string | undefined {
    let path: string;
    try {
      path = decodeURIComponent(url.pathname);
    } catch {
      throw new HttpError(400, `The request URI '${url.pathname}' is not valid: a '%' escape is malformed.`);
    }
    return path.startsWith(SERVICE_ROOT) ? path.slice(SERVICE_ROOT.length) : path === '/data' ? '' : undefined;
  }

  async function dispatch(req: DirectRequest): Promise<DirectResponse> {
    const url = new URL(req.url);
    const rest = restOfPath(url);
    if (rest === undefined) throw new HttpError(404, `No HTTP resource was found that matches the request URI '${url.toString()}'.`);
    const method = req.method;
    if (rest === '') {
      if (method !== 'GET') throw new HttpError(405, `The service root supports GET only, not ${method}.`);
      return serviceDocument(req);
    }
    if (rest === '$metadata') {
      if (method !== 'GET') throw new HttpError(405, `$metadata supports GET only, not ${method}.`);
      return { status: 200, headers: { 'content-type': 'application/xml', 'odata-version': '4.0' }, body: metadataXml };
    }
    if (rest === '$batch') throw new HttpError(400, 'A batch cannot contain another batch request.');
    const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:\((.*)\))?(\/\$count)?\/?$/.exec(rest);
    if (!m) throw new HttpError(404, `No HTTP resource was found that matches the request URI '${url.pathname}'. The sandbox serves entity sets, keys and $count (no navigation or property paths).`);
    const schema = schemaOf(m[1]!);
    const keyText = m[2];
    if (keyText === undefined) {
      if (method === 'GET') return queryCollection(req, schema, m[3] !== undefined);
      if (method === 'POST' && !m[3]) return create(req, schema);
      throw new HttpError(405, `${method} is not supported on the collection '${schema.entitySet}'; use GET or POST, or address one record by its key for PATCH and DELETE.`);
    }
    if (m[3]) throw new HttpError(400, '$count applies to a collection, not to one record.');
    const key = parseKey(schema, keyText);
    switch (method) {
      case 'GET':
        return getByKey(req, schema, key);
      case 'PATCH':
      case 'PUT':
      case 'MERGE':
        return update(req, schema, key);
      case 'DELETE':
        return remove(schema, key);
      default:
        throw new HttpError(405, `${method} is not supported on a record; use GET, PATCH, PUT or DELETE.`);
    }
  }

  function failure(err: unknown, url: string): DirectResponse {
    if (err instanceof HttpError) return errorResponse(err.status, finopsErrorBody(err.message));
    if (err instanceof ODataQueryError || err instanceof ContinuationTokenError) return errorResponse(400, finopsErrorBody(err.message));
    if (err instanceof StoreError) {
      const entitySet = /^\/data\/([A-Za-z0-9_]+)/.exec(new URL(url).pathname)?.[1] ?? '';
      const table = FINOPS_TABLE_NAMES[entitySet] ?? entitySet;
      if (err.code === 'not_found') return errorResponse(404, finopsErrorBody(err.message));
      return errorResponse(400, writeFailedBody(table, err.message));
    }
    console.error('finops sandbox: unexpected error', err);
    return errorResponse(500, finopsErrorBody('An error has occurred.', { message: (err as Error).message, type: 'System.Exception' }));
  }

  async function handle(req: DirectRequest): Promise<DirectResponse> {
    try {
      return await dispatch(req);
    } catch (err) {
      return failure(err, req.url);
    }
  }

  return {
    handle,
    async route(c: Context): Promise<Response> {
      const url = new URL(c.req.url);
      if (url.pathname === `${SERVICE_ROOT}$batch` || url.pathname.toLowerCase() === `${SERVICE_ROOT}%24batch`) {
        if (c.req.method !== 'POST') return finopsErrorResponse(405, `$batch supports POST only, not ${c.req.method}.`);
        return executeBatch(c.req.raw, {
          handler: options.dispatch,
          directHandler: handle,
          atomically: (fn) => store.exclusive(fn),
          serviceRoot: new URL(SERVICE_ROOT, c.req.url).toString(),
          errorResponse: (status, message) => finopsErrorResponse(status, message),
          maxOperations: options.maxBatchOperations,
          stopStatus: 200,
        });
      }
      const body = c.req.method === 'GET' || c.req.method === 'DELETE' ? '' : await c.req.text();
      const prefer = c.req.header('prefer');
      const res = await handle({ method: c.req.method, url: c.req.url, headers: prefer ? { prefer } : {}, body });
      return new Response(res.status === 204 ? null : res.body, { status: res.status, headers: res.headers });
    },
  };
}
