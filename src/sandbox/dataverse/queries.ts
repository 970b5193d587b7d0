/**
 * Collection reads: $select, $filter, $orderby, $top, $count, server paging by
 * `Prefer: odata.maxpagesize` with an opaque `$skiptoken`, and change tracking
 * (`Prefer: odata.track-changes` -> `@odata.deltaLink`; a `$deltatoken` GET returns changed rows
 * then `$deletedEntity` entries, paged by nextLink until a page carries the deltaLink).
 */
import type { ColumnSchema, EntitySetSchema } from '../../schema/entity-schema';
import { compileFilter, ODataQueryError, parseOrderBy, parseSelect, quoteIdent } from '../shared/odata-filter';
import type { CompiledSql } from '../shared/odata-filter';
import { ContinuationTokenError, decodeContinuation, encodeContinuation } from '../shared/paging';
import type { ContinuationState } from '../shared/paging';
import { dataverseEntitySet } from './entities';
import { lookupTable } from './lookup-tables';
import { badRequest, DV_CODES } from './errors';
import { wireName } from './store';
import type { DataverseStore, Row } from './store';

export const MAX_PAGE_SIZE = 5000;

export interface QueryRequest {
  url: URL;
  /** Absolute service root ending in '/'. */
  root: string;
  prefer: string;
}

export interface QueryResponse {
  body: Record<string, unknown>;
  preferenceApplied: string[];
}

/** Columns under their wire names, as the filter compiler and $select see them. */
export function wireSchemaColumns(schema: EntitySetSchema): ColumnSchema[] {
  return schema.columns.map((c) => (c.type === 'lookup' ? { ...c, name: wireName(c) } : c));
}

export function etagOf(row: Row): string {
  return `W/"${String(row.versionnumber)}"`;
}

export interface AnnotationChoice {
  /** `<col>@OData.Community.Display.V1.FormattedValue` on choices and yes/no columns. */
  formatted: boolean;
  /** `_x_value@Microsoft.Dynamics.CRM.lookuplogicalname` on lookups. */
  lookups: boolean;
}

/** Which annotations a `Prefer: odata.include-annotations="..."` asks for. */
export function annotationChoice(annotations: string | undefined): AnnotationChoice | undefined {
  if (!annotations) return undefined;
  const all = annotations === '*';
  const choice = { formatted: all || /FormattedValue|OData\.Community\.Display\.V1\.\*/.test(annotations), lookups: all || /lookuplogicalname|Microsoft\.Dynamics\.CRM\.\*/.test(annotations) };
  return choice.formatted || choice.lookups ? choice : undefined;
}

/**
 * Shapes a row for the wire: @odata.etag first, the selected columns, the primary key always.
 * `store` tells which table a polymorphic lookup's value points to (for its lookuplogicalname).
 */
export function shapeRow(schema: EntitySetSchema, row: Row, select?: readonly string[], annotate?: AnnotationChoice, store?: DataverseStore): Row {
  const out: Row = { '@odata.etag': etagOf(row) };
  const pk = schema.primaryKey[0] ?? '';
  const names = select ? [...select, pk] : Object.keys(row);
  for (const name of names) {
    const value = row[name] ?? null;
    out[name] = value;
    if (!annotate || value === null) continue;
    const column = schema.columns.find((c) => c.name === name || (c.type === 'lookup' && wireName(c) === name));
    if (!column) continue;
    if (annotate.formatted && column.type === 'optionset') {
      const label = column.options?.find((o) => o.value === value)?.label;
      if (label !== undefined) out[`${name}@OData.Community.Display.V1.FormattedValue`] = label;
    } else if (annotate.formatted && column.type === 'bool') {
      out[`${name}@OData.Community.Display.V1.FormattedValue`] = value ? 'Yes' : 'No';
    } else if (annotate.lookups && column.type === 'lookup') {
      const table = store ? lookupTable(store, column, String(value)) : dataverseEntitySet(column.lookup?.entitySet ?? '');
      out[`${name}@Microsoft.Dynamics.CRM.lookuplogicalname`] = table?.entityType ?? column.lookup?.entitySet;
    }
  }
  return out;
}

export function parsePreferences(prefer: string): { maxPageSize?: number; trackChanges: boolean; representation: boolean; continueOnError: boolean; annotations?: string } {
  const out: ReturnType<typeof parsePreferences> = { trackChanges: false, representation: false, continueOnError: false };
  // Split on commas outside quotes: an annotation list is itself comma-separated inside quotes.
  for (const raw of prefer.split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/)) {
    const p = raw.trim();
    const m = /^odata\.maxpagesize\s*=\s*"?(\d+)"?$/i.exec(p);
    if (m) out.maxPageSize = Number(m[1]);
    else if (/^odata\.track-changes$/i.test(p)) out.trackChanges = true;
    else if (/^return\s*=\s*representation$/i.test(p)) out.representation = true;
    else if (/^odata\.continue-on-error$/i.test(p)) out.continueOnError = true;
    else if (/^odata\.include-annotations\s*=/i.test(p)) out.annotations = p.slice(p.indexOf('=') + 1).trim().replace(/"/g, '');
  }
  return out;
}

/** Rejects options Dataverse does not support, with its messages. */
function checkUnsupported(url: URL): void {
  for (const opt of ['$skip', '$search', '$format']) {
    if (url.searchParams.has(opt)) throw badRequest(`The query parameter ${opt} is not supported`, DV_CODES.segmentNotFound);
  }
  for (const opt of ['$expand', '$apply']) {
    if (url.searchParams.has(opt)) throw badRequest(`The query option ${opt} is not implemented by the dualwrite Dataverse sandbox.`, DV_CODES.segmentNotFound);
  }
}

function wrapQueryError<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof ODataQueryError) throw badRequest(err.message, DV_CODES.segmentNotFound);
    if (err instanceof ContinuationTokenError) throw badRequest(err.message, DV_CODES.invalidArgument);
    throw err;
  }
}

export function parseSelectOption(schema: EntitySetSchema, url: URL): string[] | undefined {
  const text = url.searchParams.get('$select');
  if (text === null) return undefined;
  return wrapQueryError(() => parseSelect(text, schema.entitySet, wireSchemaColumns(schema)));
}

function contextUrl(root: string, entitySet: string, select: readonly string[] | undefined, suffix = ''): string {
  return `${root}$metadata#${entitySet}${select ? `(${select.join(',')})` : ''}${suffix}`;
}

function pageSize(prefs: ReturnType<typeof parsePreferences>): { size: number; applied?: string } {
  if (prefs.maxPageSize === undefined) return { size: MAX_PAGE_SIZE };
  if (prefs.maxPageSize < 1) throw badRequest('odata.maxpagesize must be a positive whole number.', DV_CODES.invalidArgument);
  const size = Math.min(prefs.maxPageSize, MAX_PAGE_SIZE);
  return { size, applied: `odata.maxpagesize=${size}` };
}

/** The skiptoken in Dataverse's cookie form; the paging cookie itself is our opaque state. */
function skipToken(state: ContinuationState, page: number, tracking: boolean): string {
  return `<cookie pagenumber="${page}" pagingcookie="${encodeContinuation(state)}" istracking="${tracking ? 'True' : 'False'}" />`;
}

function readSkipToken(token: string): { state: ContinuationState; page: number } {
  const m = /pagenumber="(\d+)"\s+pagingcookie="([^"]+)"/.exec(token);
  if (!m) throw badRequest(`The $skiptoken '${token.slice(0, 60)}' is not valid; use the @odata.nextLink exactly as returned.`, DV_CODES.invalidArgument);
  return { state: wrapQueryError(() => decodeContinuation(m[2] as string)), page: Number(m[1]) };
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/**
 * The request URL under the public service root with some query options replaced. The other
 * options keep their raw form, and `$` names stay literal, as in the service's links.
 */
function linkWith(url: URL, root: string, set: Record<string, string | undefined>): string {
  const kept = url.search
    .replace(/^\?/, '')
    .split('&')
    .filter((pair) => pair !== '' && !(safeDecode(pair.split('=')[0] ?? '') in set));
  for (const [k, v] of Object.entries(set)) if (v !== undefined) kept.push(`${k}=${encodeURIComponent(v).replace(/[!'()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`)}`);
  const rest = url.pathname.slice(url.pathname.indexOf('/api/data/v9.2/') + '/api/data/v9.2/'.length);
  return `${root}${rest}${kept.length ? `?${kept.join('&')}` : ''}`;
}

export function queryCollection(store: DataverseStore, schema: EntitySetSchema, req: QueryRequest): QueryResponse {
  const { url } = req;
  checkUnsupported(url);
  const prefs = parsePreferences(req.prefer);
  const select = parseSelectOption(schema, url);
  if (url.searchParams.has('$deltatoken')) return deltaQuery(store, schema, req, select, prefs);
  // A nextLink of a tracking request stays a tracking request even if the Prefer header is not repeated.
  if (prefs.trackChanges || /istracking="True"/.test(url.searchParams.get('$skiptoken') ?? '')) return trackingInitial(store, schema, req, select, prefs);

  const columns = wireSchemaColumns(schema);
  const pk = schema.primaryKey[0] ?? '';
  const table = quoteIdent(schema.entitySet);
  const filterText = url.searchParams.get('$filter');
  const where: CompiledSql | undefined = filterText ? wrapQueryError(() => compileFilter(filterText, { entitySet: schema.entitySet, columns })) : undefined;
  const orderText = url.searchParams.get('$orderby');
  const order = orderText ? wrapQueryError(() => parseOrderBy(orderText, schema.entitySet, columns)) : [];
  const topText = url.searchParams.get('$top');
  let top: number | undefined;
  if (topText !== null) {
    if (!/^\d+$/.test(topText)) throw badRequest(`Invalid value '${topText}' for $top query option; expected a whole number.`, DV_CODES.segmentNotFound);
    top = Number(topText);
  }
  const { size, applied } = pageSize(prefs);
  // "If you include both, $top is ignored."
  if (applied) top = undefined;

  const tokenText = url.searchParams.get('$skiptoken');
  const token = tokenText ? readSkipToken(tokenText) : undefined;
  const state = token?.state ?? {};
  const remaining = state.remaining ?? top;
  const limit = Math.min(size, remaining ?? Number.MAX_SAFE_INTEGER);

  const clauses: string[] = [];
  const params: unknown[] = [];
  if (where) {
    clauses.push(`(${where.sql})`);
    params.push(...where.params);
  }
  const keyset = order.length === 0;
  if (keyset && state.after?.[0] !== undefined) {
    clauses.push(`${quoteIdent(pk)} > ?`);
    params.push(state.after[0]);
  }
  const orderSql = [...order.map((o) => `${quoteIdent(o.column)} ${o.descending ? 'DESC' : 'ASC'}`), `${quoteIdent(pk)} ASC`].join(', ');
  const whereSql = clauses.length ? ` WHERE ${clauses.join(' AND ')}` : '';
  const offset = keyset ? 0 : (state.offset ?? 0);
  // Read only what the page shows (plus the key and the version for the etag).
  const projection = select ? [...new Set([...select, pk, 'versionnumber'])].map(quoteIdent).join(', ') : '*';
  const rows = limit > 0 ? store.select(schema.entitySet, `SELECT ${projection} FROM ${table}${whereSql} ORDER BY ${orderSql} LIMIT ? OFFSET ?`, [...params, limit + 1, offset]) : [];
  const hasMore = rows.length > limit && (remaining === undefined || remaining > limit);
  const pageRows = rows.slice(0, limit);

  const body: Record<string, unknown> = { '@odata.context': contextUrl(req.root, schema.entitySet, select) };
  if (url.searchParams.get('$count') === 'true') {
    const countParams = where ? where.params : [];
    const total = store.scalar(`SELECT COUNT(*) FROM ${table}${where ? ` WHERE (${where.sql})` : ''}`, countParams);
    body['@odata.count'] = Math.min(total, MAX_PAGE_SIZE);
    if (prefs.annotations && /totalrecordcount|\*/.test(prefs.annotations)) {
      body['@Microsoft.Dynamics.CRM.totalrecordcount'] = Math.min(total, MAX_PAGE_SIZE);
      body['@Microsoft.Dynamics.CRM.totalrecordcountlimitexceeded'] = total > MAX_PAGE_SIZE;
    }
  }
  body.value = pageRows.map((r) => shapeRow(schema, r, select, annotationChoice(prefs.annotations), store));
  if (hasMore) {
    const last = pageRows[pageRows.length - 1] as Row;
    const next: ContinuationState = keyset ? { after: [String(last[pk])] } : { offset: offset + pageRows.length };
    if (remaining !== undefined) next.remaining = remaining - pageRows.length;
    body['@odata.nextLink'] = linkWith(url, req.root, { $skiptoken: skipToken(next, (token?.page ?? 1) + 1, false) });
  }
  const annotationsApplied = prefs.annotations ? [`odata.include-annotations="${prefs.annotations}"`] : [];
  return { body, preferenceApplied: [...(applied ? [applied] : []), ...annotationsApplied] };
}

function rejectWithTracking(url: URL): void {
  for (const opt of ['$filter', '$orderby', '$expand', '$top']) {
    if (url.searchParams.has(opt)) throw badRequest(`The "${opt}" query parameter isn't supported when Change Tracking is enabled.`, DV_CODES.invalidArgument);
  }
}

/** `<version>!<MM/dd/yyyy HH:mm:ss>` like the service's tokens (URL-encoded in links). */
function deltaToken(version: number): string {
  const d = new Date();
  const p = (n: number) => String(n).padStart(2, '0');
  return `${version}!${p(d.getUTCMonth() + 1)}/${p(d.getUTCDate())}/${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

function readDeltaToken(store: DataverseStore, text: string): number {
  const m = /^(\d+)(?:!.*)?$/.exec(text);
  const version = m ? Number(m[1]) : NaN;
  if (!Number.isSafeInteger(version) || version > store.currentVersion()) {
    throw badRequest(`The $deltatoken '${text}' is not valid for this organization; start again with 'Prefer: odata.track-changes'.`, DV_CODES.invalidArgument);
  }
  return version;
}

/**
 * Tracking cursor, kept in the opaque paging cookie: `after` = [phase, last version served,
 * changes since (exclusive), changes up to (inclusive)]; phase 'r' = rows, 'd' = deletes.
 */
function trackingState(token: ContinuationState | undefined): { phase: 'r' | 'd'; after: number; from: number; upTo: number } | undefined {
  const a = token?.after;
  if (!a || a.length !== 4) return undefined;
  const [phase, after, from, upTo] = a;
  if ((phase !== 'r' && phase !== 'd') || typeof after !== 'number' || typeof from !== 'number' || typeof upTo !== 'number') return undefined;
  return { phase, after, from, upTo };
}

function trackingPage(
  store: DataverseStore,
  schema: EntitySetSchema,
  req: QueryRequest,
  select: string[] | undefined,
  prefs: ReturnType<typeof parsePreferences>,
  from: number,
  isDelta: boolean,
): QueryResponse {
  const { url } = req;
  const { size, applied } = pageSize(prefs);
  const tokenText = url.searchParams.get('$skiptoken');
  const token = tokenText ? readSkipToken(tokenText) : undefined;
  const cursor = token ? trackingState(token.state) : undefined;
  if (token && !cursor) throw badRequest('The $skiptoken does not belong to a change-tracking request; use the @odata.nextLink exactly as returned.', DV_CODES.invalidArgument);
  const upTo = cursor?.upTo ?? store.currentVersion();
  const since = cursor?.from ?? from;
  let phase = cursor?.phase ?? 'r';
  let after = cursor?.after ?? since;
  const table = quoteIdent(schema.entitySet);
  const value: Row[] = [];

  if (phase === 'r') {
    const rows = store.select(schema.entitySet, `SELECT * FROM ${table} WHERE versionnumber > ? AND versionnumber <= ? ORDER BY versionnumber LIMIT ?`, [after, upTo, size + 1]);
    for (const r of rows.slice(0, size)) value.push(shapeRow(schema, r, select, annotationChoice(prefs.annotations), store));
    if (rows.length > size) {
      after = Number((rows[size - 1] as Row).versionnumber);
    } else {
      phase = 'd';
      after = since;
    }
  }
  let more = phase === 'r';
  if (phase === 'd' && isDelta && value.length < size) {
    const room = size - value.length;
    const deleted = store.tombstones(schema.entitySet, after, upTo, room + 1);
    for (const t of deleted.slice(0, room)) value.push({ '@odata.context': `${req.root}$metadata#${schema.entitySet}/$deletedEntity`, id: t.id, reason: 'deleted' });
    if (deleted.length > room) {
      after = (deleted[room - 1] as { versionnumber: number }).versionnumber;
      more = true;
    }
  } else if (phase === 'd' && isDelta) {
    more = store.tombstones(schema.entitySet, after, upTo, 1).length > 0;
  }

  const body: Record<string, unknown> = { '@odata.context': contextUrl(req.root, schema.entitySet, select, isDelta ? '/$delta' : '') };
  const base = { $skiptoken: undefined, $deltatoken: undefined } as Record<string, string | undefined>;
  if (more) {
    const next: ContinuationState = { after: [phase, after, since, upTo] };
    body.value = value;
    body['@odata.nextLink'] = linkWith(url, req.root, { ...base, ...(isDelta ? { $deltatoken: url.searchParams.get('$deltatoken') ?? undefined } : {}), $skiptoken: skipToken(next, (token?.page ?? 1) + 1, true) });
  } else {
    body['@odata.deltaLink'] = linkWith(url, req.root, { ...base, $deltatoken: deltaToken(upTo) });
    body.value = value;
  }
  return { body, preferenceApplied: [...(isDelta ? [] : ['odata.track-changes']), ...(applied ? [applied] : [])] };
}

function trackingInitial(store: DataverseStore, schema: EntitySetSchema, req: QueryRequest, select: string[] | undefined, prefs: ReturnType<typeof parsePreferences>): QueryResponse {
  rejectWithTracking(req.url);
  return trackingPage(store, schema, req, select, prefs, 0, false);
}

function deltaQuery(store: DataverseStore, schema: EntitySetSchema, req: QueryRequest, select: string[] | undefined, prefs: ReturnType<typeof parsePreferences>): QueryResponse {
  rejectWithTracking(req.url);
  const from = readDeltaToken(store, req.url.searchParams.get('$deltatoken') ?? '');
  return trackingPage(store, schema, req, select, prefs, from, true);
}
