/**
 * The Dataverse Web API routes under `/api/data/v9.2/`: service document, $metadata, $batch,
 * collection GET, GET by id or alternate key, POST, PATCH (upsert with If-Match /
 * If-None-Match), DELETE, with webhooks fired inside (sync) or after (async) the transaction.
 */
import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import { lookupTargets, type EntitySetSchema } from '../../schema/entity-schema';
import type { EventMessage, RegistrationStore } from '../shared/admin';
import type { EventDelivery } from '../shared/event-delivery';
import { executeBatch } from '../shared/multipart-batch';
import type { DirectRequest, DirectResponse } from '../shared/multipart-batch';
import { badRequest, DataverseError, DV_CODES, notFound } from './errors';
import { describeKey, findRow, keySegment, parseResourcePath, resolveKey } from './keys';
import type { RowKey } from './keys';
import { lookupTable } from './lookup-tables';
import { metadataXml, serviceDocument } from './metadata';
import { annotationChoice, etagOf, parsePreferences, parseSelectOption, queryCollection, shapeRow } from './queries';
import { wireName } from './store';
import type { DataverseStore, Row, Transaction } from './store';
import { remoteExecutionContext, webhookTarget } from './webhooks';
import { prepareWrite } from './writes';

export const SERVICE_ROOT_PATH = '/api/data/v9.2/';

export interface DataverseApiDeps {
  store: DataverseStore;
  registrations: RegistrationStore;
  delivery: EventDelivery;
  /** Sync webhook timeout (the service allows 60 s). */
  webhookTimeoutMs: number;
  /** The systemuserid of the caller (from the Authorization header's bearer token). */
  callerId: (authorization: string | undefined) => string;
  /** The full app's fetch, used to run $batch parts through auth and all routes. */
  dispatch: () => (request: Request) => Promise<Response> | Response;
}

const JSON_TYPE = 'application/json; odata.metadata=minimal';

/** A request as the handlers need it: from hono for HTTP, or from a $batch part directly. */
interface ApiRequest {
  method: string;
  url: URL;
  header(name: string): string | undefined;
  text(): Promise<string>;
  /** The fetch Request, when there is one ($batch needs the raw body stream and headers). */
  raw?: Request;
}

/** A response as plain data (converted to a fetch Response only at the HTTP edge). */
type ApiResponse = DirectResponse;

function json(body: unknown, status: number, headers: Record<string, string> = {}): ApiResponse {
  return { status, headers: { 'content-type': JSON_TYPE, 'odata-version': '4.0', ...headers }, body: JSON.stringify(body) };
}

function empty(status: number, headers: Record<string, string> = {}): ApiResponse {
  return { status, headers: { 'odata-version': '4.0', ...headers }, body: '' };
}

function toFetchResponse(r: ApiResponse | Response): Response {
  if (r instanceof Response) return r;
  return new Response(r.status === 204 || r.status === 304 ? null : r.body, { status: r.status, headers: r.headers });
}

export function errorResponse(err: DataverseError): Response {
  return toFetchResponse(json(err.body(), err.status, err.headers));
}

async function readBody(c: ApiRequest): Promise<unknown> {
  const text = await c.text();
  if (text.trim() === '') throw badRequest('The request body is empty; send a JSON object.');
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw badRequest(`The request body is not valid JSON: ${(err as Error).message}`, '0x80048d19');
  }
}

function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE';
}

function duplicateKeyError(schema: EntitySetSchema, row: Row, existingId?: string): DataverseError {
  for (const key of schema.alternateKeys ?? []) {
    const cols = key.columns.map((n) => schema.columns.find((c) => c.name === n));
    if (cols.some((c) => !c || row[wireName(c)] === undefined || row[wireName(c)] === null)) continue;
    return new DataverseError(
      412,
      DV_CODES.duplicate,
      `A record that has the attribute values ${key.columns.join(', ')} already exists. The entity key ${key.name} requires that this set of attributes contains unique values. Select unique values and try again.`,
    );
  }
  return new DataverseError(412, DV_CODES.duplicate, `Cannot insert duplicate key.${existingId ? ` A ${schema.entityType} with id ${existingId} already exists.` : ''}`);
}

/** Fixed ids the sandbox reports from WhoAmI (one organization, one business unit). */
const SANDBOX_ORGANIZATION_ID = '00000000-0000-4000-8000-0000000d0e01';
const SANDBOX_BUSINESS_UNIT_ID = '00000000-0000-4000-8000-0000000d0e02';

export function createDataverseApi(deps: DataverseApiDeps): Hono {
  const { store } = deps;
  const app = new Hono();

  const schemaOf = (name: string): EntitySetSchema => {
    const s = store.schema(name);
    if (!s) throw new DataverseError(404, DV_CODES.segmentNotFound, `Resource not found for the segment '${name}'.`);
    return s;
  };

  async function fireWebhooks(tx: Transaction, c: ApiRequest, schema: EntitySetSchema, message: EventMessage, id: string, target: Row, before?: Row, after?: Row): Promise<void> {
    const regs = deps.registrations.matching(schema.entitySet, message);
    if (regs.length === 0) return;
    const correlationId = c.header('x-ms-correlation-request-id') ?? randomUUID();
    const userId = deps.callerId(c.header('authorization'));
    for (const reg of regs) {
      const payload = remoteExecutionContext({ schema, message, id, target, before, after, mode: reg.mode, userId, correlationId, registration: reg, typeOf: (s) => store.schema(s), lookupTable: (column, value) => lookupTable(store, column, value) });
      const deliveryTarget = webhookTarget(reg, schema, message, correlationId);
      if (reg.mode === 'sync') {
        const result = await deps.delivery.deliverSync(deliveryTarget, payload, deps.webhookTimeoutMs);
        if (!result.ok) throw new DataverseError(400, DV_CODES.pluginFailed, result.message ?? `The webhook ${reg.url} failed.`);
      } else {
        tx.afterCommit.push(() => deps.delivery.enqueue(deliveryTarget, payload));
      }
    }
  }

  async function create(c: ApiRequest, schema: EntitySetSchema, values: Row, tx: Transaction): Promise<Row> {
    const pk = schema.primaryKey[0] ?? '';
    const id = (values[pk] as string | undefined) ?? randomUUID();
    if (store.getById(schema.entitySet, id)) throw duplicateKeyError({ ...schema, alternateKeys: [] }, values, id);
    let row: Row;
    try {
      row = store.insert(schema.entitySet, { ...values, [pk]: id });
    } catch (err) {
      if (isUniqueViolation(err)) throw duplicateKeyError(schema, values);
      throw err;
    }
    await fireWebhooks(tx, c, schema, 'Create', id, { ...values, [pk]: id }, undefined, row);
    return row;
  }

  async function update(c: ApiRequest, schema: EntitySetSchema, existing: Row, changes: Row, tx: Transaction): Promise<Row> {
    const pk = schema.primaryKey[0] ?? '';
    const id = String(existing[pk]);
    let row: Row;
    try {
      row = store.update(schema.entitySet, id, changes, new Date(), existing);
    } catch (err) {
      if (isUniqueViolation(err)) throw duplicateKeyError(schema, { ...existing, ...changes });
      throw err;
    }
    await fireWebhooks(tx, c, schema, 'Update', id, changes, existing, row);
    return row;
  }

  function notFoundFor(schema: EntitySetSchema, key: RowKey): DataverseError {
    if (key.kind === 'id') return notFound(schema.entityType, key.id);
    return new DataverseError(404, DV_CODES.notFound, `A record with the specified key values does not exist in ${schema.entityType} entity (${describeKey(schema, key)}).`);
  }

  function checkEtag(ifMatch: string | undefined, row: Row): void {
    if (!ifMatch || ifMatch.trim() === '*' || ifMatch.trim() === 'null') return;
    const wanted = ifMatch.split(',').map((s) => s.trim());
    if (!wanted.includes(etagOf(row))) {
      throw new DataverseError(412, DV_CODES.concurrency, "The version of the existing record doesn't match the RowVersion property provided.");
    }
  }

  function representation(schema: EntitySetSchema, root: string, row: Row, url: URL, status: number, prefer: string): ApiResponse {
    const select = parseSelectOption(schema, url);
    const body = { '@odata.context': `${root}$metadata#${schema.entitySet}${select ? `(${select.join(',')})` : ''}/$entity`, ...shapeRow(schema, row, select, annotationChoice(parsePreferences(prefer).annotations), store) };
    return json(body, status, { 'preference-applied': 'return=representation', etag: etagOf(row) });
  }

  async function handle(c: ApiRequest): Promise<ApiResponse | Response> {
    const url = c.url;
    const idx = url.pathname.indexOf(SERVICE_ROOT_PATH);
    const rest = url.pathname.slice(idx + SERVICE_ROOT_PATH.length);
    const root = `${url.origin}${SERVICE_ROOT_PATH}`;
    const method = c.method.toUpperCase();
    const prefer = c.header('prefer') ?? '';

    if (rest === '' && method === 'GET') return json(serviceDocument(root, store.entitySets().map((s) => schemaOf(s))), 200);
    if (rest === 'WhoAmI' && method === 'GET') {
      // The WhoAmI function: integrations use UserId to recognise their own writes in webhooks
      // (it is the InitiatingUserId of what they wrote).
      return json({ '@odata.context': `${root}$metadata#Microsoft.Dynamics.CRM.WhoAmIResponse`, BusinessUnitId: SANDBOX_BUSINESS_UNIT_ID, UserId: deps.callerId(c.header('authorization')), OrganizationId: SANDBOX_ORGANIZATION_ID }, 200);
    }
    if (rest === '$metadata' && method === 'GET') {
      return { status: 200, headers: { 'content-type': 'application/xml', 'odata-version': '4.0' }, body: metadataXml(store.entitySets().map((s) => schemaOf(s))) };
    }
    if (rest === '$batch') {
      if (method !== 'POST') throw new DataverseError(405, DV_CODES.segmentNotFound, '$batch accepts only POST.');
      // One transaction for the whole batch (each part and change set is a savepoint in it), so a
      // batch of 1,000 upserts commits once, as ExecuteMultiple does.
      if (!c.raw) throw badRequest('A batch cannot contain another batch request.');
      return store.transaction(() => executeBatch(c.raw as Request, {
        handler: deps.dispatch(),
        // Parts skip the HTTP edge: the batch as a whole passed auth and fault checks.
        directHandler: async (part) => toDirect(await answer(directRequest(part))),
        atomically: (fn) => store.transaction(() => fn()),
        serviceRoot: root,
        errorResponse: (status, message) => toFetchResponse(json({ error: { code: DV_CODES.invalidArgument, message } }, status)),
        maxOperations: 1000,
        stopStatus: 400,
        includePriorPartsOnStop: false,
      }));
    }
    const path = parseResourcePath(rest);
    if (!path) throw new DataverseError(404, DV_CODES.segmentNotFound, `Resource not found for the segment '${rest}'.`);
    const schema = schemaOf(path.entitySet);
    const pk = schema.primaryKey[0] ?? '';

    if (path.keyText === undefined) {
      if (method === 'GET' && path.tail === '$count') {
        return { status: 200, headers: { 'content-type': 'text/plain', 'odata-version': '4.0' }, body: String(store.count(schema.entitySet)) };
      }
      if (path.tail !== undefined) throw new DataverseError(404, DV_CODES.segmentNotFound, `Resource not found for the segment '${path.tail}'.`);
      if (method === 'GET') {
        const result = queryCollection(store, schema, { url, root, prefer });
        return json(result.body, 200, result.preferenceApplied.length ? { 'preference-applied': result.preferenceApplied.join(',') } : {});
      }
      if (method === 'POST') {
        const body = await readBody(c);
        const row = await store.transaction(async (tx) => create(c, schema, prepareWrite({ store, rootPath: SERVICE_ROOT_PATH }, schema, body, 'create'), tx));
        if (parsePreferences(prefer).representation) return representation(schema, root, row, url, 201, prefer);
        return empty(204, { 'odata-entityid': `${root}${schema.entitySet}(${String(row[pk])})` });
      }
      throw new DataverseError(405, DV_CODES.segmentNotFound, `${method} is not allowed on the collection ${schema.entitySet}; address a single row, e.g. ${schema.entitySet}(<guid>).`);
    }

    const key = resolveKey(schema, path.keyText);
    const entityId = `${root}${schema.entitySet}(${keySegment(key)})`;

    if (method === 'GET') {
      const row = findRow(store, schema, key);
      if (!row) throw notFoundFor(schema, key);
      if (path.tail !== undefined) {
        const col = schema.columns.find((x) => wireName(x) === path.tail);
        if (!col) throw new DataverseError(404, DV_CODES.segmentNotFound, `Resource not found for the segment '${path.tail}'.`);
        return json({ '@odata.context': `${root}$metadata#${schema.entitySet}(${String(row[pk])})/${path.tail}`, value: row[path.tail] ?? null }, 200);
      }
      const ifNoneMatch = c.header('if-none-match');
      if (ifNoneMatch && ifNoneMatch !== 'null' && !parsePreferences(prefer).annotations && ifNoneMatch.split(',').map((s) => s.trim()).includes(etagOf(row))) {
        return empty(304, { etag: etagOf(row) });
      }
      const select = parseSelectOption(schema, url);
      const annotate = annotationChoice(parsePreferences(prefer).annotations);
      // Requests asking for annotations never get 304, as documented; they are answered in full.
      return json({ '@odata.context': `${root}$metadata#${schema.entitySet}${select ? `(${select.join(',')})` : ''}/$entity`, ...shapeRow(schema, row, select, annotate, store) }, 200, { etag: etagOf(row) });
    }

    if (path.tail !== undefined) throw new DataverseError(501, DV_CODES.segmentNotFound, `${method} on a single property (${path.tail}) is not implemented by the sandbox; PATCH the row instead.`);

    if (method === 'PATCH') {
      const body = await readBody(c);
      const ifMatch = c.header('if-match');
      const ifNoneMatch = c.header('if-none-match');
      const createOnly = ifNoneMatch?.trim() === '*';
      const result = await store.transaction(async (tx) => {
        const existing = findRow(store, schema, key);
        if (existing) {
          if (createOnly) throw new DataverseError(412, DV_CODES.duplicate, 'A record with matching key values already exists.');
          checkEtag(ifMatch, existing);
          const changes = prepareWrite({ store, rootPath: SERVICE_ROOT_PATH }, schema, body, 'update', existing);
          // "When an upsert represents an Update, these alternate key values are ignored."
          if (key.kind === 'alternate') for (const k of Object.keys(key.values)) delete changes[k];
          return { row: await update(c, schema, existing, changes, tx), created: false };
        }
        if (ifMatch !== undefined && ifMatch !== 'null') throw notFoundFor(schema, key);
        const values = prepareWrite({ store, rootPath: SERVICE_ROOT_PATH }, schema, addKeyToBody(store, schema, body, key), 'create');
        if (key.kind === 'id') values[pk] = key.id;
        return { row: await create(c, schema, values, tx), created: true };
      });
      if (parsePreferences(prefer).representation) return representation(schema, root, result.row, url, result.created ? 201 : 200, prefer);
      return empty(204, { 'odata-entityid': entityId });
    }

    if (method === 'DELETE') {
      await store.transaction(async (tx) => {
        const existing = findRow(store, schema, key);
        if (!existing) throw notFoundFor(schema, key);
        checkEtag(c.header('if-match'), existing);
        const id = String(existing[pk]);
        store.delete(schema.entitySet, id);
        await fireWebhooks(tx, c, schema, 'Delete', id, {}, existing, undefined);
      });
      return empty(204);
    }

    throw new DataverseError(405, DV_CODES.segmentNotFound, `${method} is not supported on ${schema.entitySet}(...); use GET, PATCH or DELETE.`);
  }

  /** Runs a request to completion, turning errors into the service's error responses. */
  async function answer(req: ApiRequest): Promise<ApiResponse | Response> {
    try {
      return await handle(req);
    } catch (err) {
      if (err instanceof DataverseError) return json(err.body(), err.status, err.headers);
      console.error(`dataverse sandbox: ${req.method} ${req.url.toString()} failed: ${(err as Error).stack ?? String(err)}`);
      return json({ error: { code: DV_CODES.serverError, message: `Unexpected sandbox error: ${(err as Error).message}` } }, 500);
    }
  }

  function directRequest(part: DirectRequest): ApiRequest {
    return { method: part.method, url: new URL(part.url), header: (name) => part.headers[name.toLowerCase()], text: () => Promise.resolve(part.body) };
  }

  async function toDirect(r: ApiResponse | Response): Promise<DirectResponse> {
    if (!(r instanceof Response)) return r;
    const headers: Record<string, string> = {};
    r.headers.forEach((v, k) => (headers[k] = v));
    return { status: r.status, headers, body: await r.text() };
  }

  app.all(`${SERVICE_ROOT_PATH}*`, async (c) =>
    toFetchResponse(await answer({ method: c.req.method, url: new URL(c.req.url), header: (name) => c.req.header(name), text: () => c.req.text(), raw: c.req.raw })),
  );
  app.all('/api/data/v9.2', (c) => c.redirect(SERVICE_ROOT_PATH));
  return app;
}

/**
 * On create through an alternate-key URL the key values are set from the URL unless the body has
 * them. A key lookup is bound through the navigation property of the table holding the GUID.
 */
function addKeyToBody(store: DataverseStore, schema: EntitySetSchema, body: unknown, key: RowKey): unknown {
  if (key.kind !== 'alternate' || typeof body !== 'object' || body === null || Array.isArray(body)) return body;
  const out: Record<string, unknown> = { ...(body as Record<string, unknown>) };
  for (const [wire, value] of Object.entries(key.values)) {
    const col = schema.columns.find((c) => wireName(c) === wire);
    if (!col) continue;
    if (col.type === 'lookup') {
      const targets = lookupTargets(col);
      if (targets.some((t) => `${t.navigationProperty}@odata.bind` in out)) continue;
      const table = lookupTable(store, col, String(value))?.entitySet;
      const target = targets.find((t) => t.entitySet === table) ?? targets[0];
      out[`${target?.navigationProperty ?? col.name}@odata.bind`] = `/${target?.entitySet ?? table}(${String(value)})`;
    } else if (!(col.name in out)) out[col.name] = value;
  }
  return out;
}
