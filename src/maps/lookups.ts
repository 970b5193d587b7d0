import type { KeyValues } from '../connectors/types';
import {
  DATAVERSE_COMPANY_CODE_COLUMN,
  DATAVERSE_COMPANY_ENTITY_SET,
  FINOPS_COMPANY_COLUMN,
  companyCodeForDataverse,
  lookupValueColumn,
} from './company';
import { evaluateExpression } from './expressions';
import { effectiveSettings, lookupMapNames, type ColumnMapping, type TableMap, type TransformDirection } from './schema';

/**
 * Lookups are resolved in Dataverse in both directions, because F&O rows carry natural keys
 * while Dataverse rows carry GUIDs:
 *
 * - `find-id` (F&O -> Dataverse): find the GUID of the row of `entitySet` whose key columns equal
 *   `key`. When `company` is set the referenced map is company-specific: the engine first resolves
 *   the company (itself a `find-id` on cdm_companies, included in the same request list) and adds
 *   `_<companyColumn>_value` to the key. The result is the GUID.
 * - `read-column` (Dataverse -> F&O): read `column` of the row `recordId` of `entitySet`. The
 *   result is that value (the F&O key value, or the company code).
 * - `first-of` (a lookup naming several maps, i.e. a polymorphic Dataverse lookup such as
 *   customerid: account or contact): its `candidates`, one `find-id` or `read-column` per
 *   referenced map, are tried in order and the result is the first one found. The engine also
 *   reports each candidate's own result under the candidate's id (up to the one found), which is
 *   how transformRecord knows the table to bind through.
 *
 * Requests carry a stable `id`; identical requests of many rows share it, so the engine collects
 * the requests of a whole batch, de-duplicates by id, resolves them in as few reads as it likes
 * (connector.resolveId / readByKeys) and passes one `LookupResults` to every transformRecord call.
 * A result of `null` means "looked up, not found".
 */
export interface FindIdRequest {
  id: string;
  kind: 'find-id';
  entitySet: string;
  key: KeyValues;
  /** F&O company code (dataAreaId) of the referenced row, for company-specific referenced maps. */
  company?: string;
  /** Company lookup column of the referenced entity set (add `_<companyColumn>_value` to the key). */
  companyColumn?: string;
  /** A candidate of a polymorphic lookup: the referenced map's Dataverse filter, which a row must pass to count. */
  filter?: string;
}

export interface ReadColumnRequest {
  id: string;
  kind: 'read-column';
  entitySet: string;
  recordId: string;
  column: string;
  /** As FindIdRequest's. */
  filter?: string;
}

/** A single read: what every request comes down to. */
export type SingleLookupRequest = FindIdRequest | ReadColumnRequest;

export interface FirstOfRequest {
  id: string;
  kind: 'first-of';
  /** One request per referenced map, in the map's order. */
  candidates: SingleLookupRequest[];
}

export type LookupRequest = SingleLookupRequest | FirstOfRequest;

export type LookupResults = Readonly<Record<string, string | number | boolean | null>>;

export function companyIdRequest(dataAreaId: string): LookupRequest {
  return withId({ kind: 'find-id', entitySet: DATAVERSE_COMPANY_ENTITY_SET, key: { [DATAVERSE_COMPANY_CODE_COLUMN]: companyCodeForDataverse(dataAreaId) } });
}

export function companyCodeRequest(companyGuid: string): LookupRequest {
  return withId({ kind: 'read-column', entitySet: DATAVERSE_COMPANY_ENTITY_SET, recordId: companyGuid.toLowerCase(), column: DATAVERSE_COMPANY_CODE_COLUMN });
}

type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

function withId(request: WithoutId<SingleLookupRequest>): SingleLookupRequest {
  const { kind } = request;
  const filter = request.filter ? ` where ${request.filter}` : '';
  const id =
    kind === 'find-id'
      ? `find-id ${request.entitySet} ${JSON.stringify(Object.entries(request.key).sort(([a], [b]) => a.localeCompare(b)))}${request.company ? ` company=${request.company.toLowerCase()}` : ''}${filter}`
      : `read-column ${request.entitySet}(${request.recordId}) ${request.column}${filter}`;
  return { ...request, id } as SingleLookupRequest;
}

/** One request for a column: the single read itself, or a `first-of` over several. */
function oneRequest(candidates: SingleLookupRequest[]): LookupRequest | undefined {
  if (candidates.length <= 1) return candidates[0];
  return { id: `first-of [${candidates.map((c) => c.id).join(' | ')}]`, kind: 'first-of', candidates };
}

/** A referenced map with the read that looks the value up in it. */
export interface LookupCandidate {
  map: TableMap;
  request: SingleLookupRequest;
}

export interface ResolvedLookupColumn {
  column: ColumnMapping;
  /** The first referenced map (the only one unless the lookup names several). */
  referenced: TableMap | undefined;
  /** The reads to try, in order; empty when the value is empty or there is a problem. */
  candidates: LookupCandidate[];
  /** What lookupRequests asks the engine for: the single read, or a `first-of` over the candidates. */
  request: LookupRequest | undefined;
  /** Why no request could be made (e.g. the referenced map is not in the catalog). */
  problem?: string;
}

/** The answer for one column, read from the engine's results. */
export type LookupOutcome =
  | { state: 'unresolved' }
  | { state: 'missing' }
  | { state: 'found'; value: string | number | boolean; map: TableMap };

/**
 * Reads a planned column's answer: the first candidate found, in order. A candidate with no
 * result before any was found means the engine was not asked (`unresolved`).
 */
export function lookupOutcome(plan: ResolvedLookupColumn, results: LookupResults): LookupOutcome {
  for (const candidate of plan.candidates) {
    if (!Object.prototype.hasOwnProperty.call(results, candidate.request.id)) return { state: 'unresolved' };
    const value = results[candidate.request.id];
    if (value !== null && value !== undefined) return { state: 'found', value, map: candidate.map };
  }
  return plan.candidates.length === 0 ? { state: 'unresolved' } : { state: 'missing' };
}

/** The annotation Dataverse adds to `_x_value` (with Prefer odata.include-annotations): the target's logical name. */
export const LOOKUP_LOGICAL_NAME_ANNOTATION = 'Microsoft.Dynamics.CRM.lookuplogicalname';

/** Whether an entity set is the table of a logical name (accounts/account, cdm_companies/cdm_company). */
function isTableOf(entitySet: string, logicalName: string): boolean {
  const set = entitySet.toLowerCase();
  const name = logicalName.toLowerCase();
  return set === name || set === `${name}s` || set === `${name}es` || (name.endsWith('y') && set === `${name.slice(0, -1)}ies`);
}

/** The Dataverse key column of the referenced map that holds the F&O value. */
export function lookupTargetKey(column: ColumnMapping, referenced: TableMap): string | undefined {
  if (column.lookup?.key) return column.lookup.key;
  return referenced.dataverse.key.length === 1 ? referenced.dataverse.key[0] : undefined;
}

function sourceValue(column: ColumnMapping, direction: TransformDirection, row: Readonly<Record<string, unknown>>): unknown {
  if (direction === 'finops-to-dataverse') {
    if (column.toDataverse) {
      const r = evaluateExpression(column.toDataverse, row);
      return r.ok ? r.value : undefined;
    }
    return column.finops !== undefined ? row[column.finops] : undefined;
  }
  return column.dataverse !== undefined ? row[lookupValueColumn(column.dataverse)] : undefined;
}

/** Plans the lookup of one column of one row (shared by lookupRequests and transformRecord). */
export function planLookup(
  map: TableMap,
  column: ColumnMapping,
  direction: TransformDirection,
  row: Readonly<Record<string, unknown>>,
  mapsByName: ReadonlyMap<string, TableMap>,
): ResolvedLookupColumn {
  const lookup = column.lookup;
  if (!lookup) return { column, referenced: undefined, candidates: [], request: undefined };
  const referencedMaps: TableMap[] = [];
  for (const name of lookupMapNames(lookup)) {
    const referenced = name === map.name ? map : mapsByName.get(name);
    if (!referenced) return { column, referenced: referencedMaps[0], candidates: [], request: undefined, problem: `lookup map '${name}' is not in the catalog` };
    referencedMaps.push(referenced);
  }
  const first = referencedMaps[0];
  const value = sourceValue(column, direction, row);
  if (value === null || value === undefined || value === '') return { column, referenced: first, candidates: [], request: undefined };
  const candidates: LookupCandidate[] = [];
  for (const referenced of direction === 'dataverse-to-finops' ? narrowByLogicalName(referencedMaps, column, row) : referencedMaps) {
    const keyColumn = lookupTargetKey(column, referenced);
    if (!keyColumn) return { column, referenced: first, candidates: [], request: undefined, problem: `map '${referenced.name}' has a composite Dataverse key; set lookup.key` };
    // Among several maps, a row counts for a map only inside its filter: two maps may share a
    // table (customers-v3-contacts and contacts-for-customers both sync contacts).
    const filter = referencedMaps.length > 1 && referenced.dataverse.filter ? { filter: referenced.dataverse.filter } : {};
    if (direction === 'finops-to-dataverse') {
      const company = referenced.scope === 'company' ? row[FINOPS_COMPANY_COLUMN] : undefined;
      const request = withId({
        kind: 'find-id',
        entitySet: referenced.dataverse.entitySet,
        key: { [keyColumn]: value as string | number | boolean },
        ...(typeof company === 'string' ? { company, companyColumn: effectiveSettings(referenced).companyColumn } : {}),
        ...filter,
      });
      candidates.push({ map: referenced, request });
    } else {
      candidates.push({ map: referenced, request: withId({ kind: 'read-column', entitySet: referenced.dataverse.entitySet, recordId: String(value).toLowerCase(), column: keyColumn, ...filter }) });
    }
  }
  return { column, referenced: first, candidates, request: oneRequest(candidates.map((c) => c.request)) };
}

/**
 * A Dataverse row read with lookup annotations says which table its polymorphic lookup points
 * to: then only the maps of that table are tried. Without it (or if it names no map's table),
 * every map is.
 */
function narrowByLogicalName(maps: TableMap[], column: ColumnMapping, row: Readonly<Record<string, unknown>>): TableMap[] {
  if (maps.length < 2 || column.dataverse === undefined) return maps;
  const logicalName = row[`${lookupValueColumn(column.dataverse)}@${LOOKUP_LOGICAL_NAME_ANNOTATION}`];
  if (typeof logicalName !== 'string' || logicalName === '') return maps;
  const narrowed = maps.filter((m) => isTableOf(m.dataverse.entitySet, logicalName));
  return narrowed.length > 0 ? narrowed : maps;
}

/**
 * Whether the row refers to another row of its own map in this direction (a customer's invoice
 * account): only such rows need the second pass of a self-referencing initial sync. A row whose
 * self reference is empty transforms completely in the first (its lookup is simply cleared).
 */
export function holdsSelfReference(map: TableMap, direction: TransformDirection, row: Readonly<Record<string, unknown>>): boolean {
  return map.columns.some((c) => {
    if (!c.lookup || !lookupMapNames(c.lookup).includes(map.name) || !flows(c, direction)) return false;
    const value = sourceValue(c, direction, row);
    return value !== null && value !== undefined && value !== '';
  });
}

function flows(column: ColumnMapping, direction: TransformDirection): boolean {
  return column.direction === '<->' || column.direction === (direction === 'finops-to-dataverse' ? '->' : '<-');
}

/**
 * Everything the engine must look up before transforming this row: the company (for
 * company-specific maps) and each lookup column flowing in this direction. De-duplicated by id.
 * `catalog` provides the referenced maps (the map itself is always known).
 */
export function lookupRequests(
  map: TableMap,
  direction: TransformDirection,
  row: Readonly<Record<string, unknown>>,
  catalog: readonly TableMap[] = [],
): LookupRequest[] {
  const out = new Map<string, LookupRequest>();
  const add = (r: LookupRequest | undefined): void => {
    if (r && !out.has(r.id)) out.set(r.id, r);
  };
  const byName = new Map(catalog.map((m) => [m.name, m]));
  const companies = new Set<string>();
  if (map.scope === 'company') {
    if (direction === 'finops-to-dataverse') {
      const dataAreaId = row[FINOPS_COMPANY_COLUMN];
      if (typeof dataAreaId === 'string' && dataAreaId !== '') companies.add(dataAreaId);
    } else {
      const guid = row[lookupValueColumn(effectiveSettings(map).companyColumn)];
      if (typeof guid === 'string' && guid !== '') add(companyCodeRequest(guid));
    }
  }
  for (const column of map.columns) {
    if (!column.lookup || !flows(column, direction)) continue;
    const plan = planLookup(map, column, direction, row, byName);
    add(plan.request);
    for (const { request } of plan.candidates) if (request.kind === 'find-id' && request.company) companies.add(request.company);
  }
  for (const company of companies) add(companyIdRequest(company));
  return [...out.values()];
}
