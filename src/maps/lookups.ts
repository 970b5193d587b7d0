import type { KeyValues } from '../connectors/types';
import {
  DATAVERSE_COMPANY_CODE_COLUMN,
  DATAVERSE_COMPANY_ENTITY_SET,
  FINOPS_COMPANY_COLUMN,
  companyCodeForDataverse,
  lookupValueColumn,
} from './company';
import { evaluateExpression } from './expressions';
import { effectiveSettings, type ColumnMapping, type TableMap, type TransformDirection } from './schema';

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
 *
 * Requests carry a stable `id`; identical requests of many rows share it, so the engine collects
 * the requests of a whole batch, de-duplicates by id, resolves them in as few reads as it likes
 * (connector.resolveId / readByKeys) and passes one `LookupResults` to every transformRecord call.
 * A result of `null` means "looked up, not found".
 */
export type LookupRequest =
  | {
      id: string;
      kind: 'find-id';
      entitySet: string;
      key: KeyValues;
      /** F&O company code (dataAreaId) of the referenced row, for company-specific referenced maps. */
      company?: string;
      /** Company lookup column of the referenced entity set (add `_<companyColumn>_value` to the key). */
      companyColumn?: string;
    }
  | { id: string; kind: 'read-column'; entitySet: string; recordId: string; column: string };

export type LookupResults = Readonly<Record<string, string | number | boolean | null>>;

export function companyIdRequest(dataAreaId: string): LookupRequest {
  return withId({ kind: 'find-id', entitySet: DATAVERSE_COMPANY_ENTITY_SET, key: { [DATAVERSE_COMPANY_CODE_COLUMN]: companyCodeForDataverse(dataAreaId) } });
}

export function companyCodeRequest(companyGuid: string): LookupRequest {
  return withId({ kind: 'read-column', entitySet: DATAVERSE_COMPANY_ENTITY_SET, recordId: companyGuid.toLowerCase(), column: DATAVERSE_COMPANY_CODE_COLUMN });
}

type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

function withId(request: WithoutId<LookupRequest>): LookupRequest {
  const { kind } = request;
  const id =
    kind === 'find-id'
      ? `find-id ${request.entitySet} ${JSON.stringify(Object.entries(request.key).sort(([a], [b]) => a.localeCompare(b)))}${request.company ? ` company=${request.company.toLowerCase()}` : ''}`
      : `read-column ${request.entitySet}(${request.recordId}) ${request.column}`;
  return { ...request, id } as LookupRequest;
}

export interface ResolvedLookupColumn {
  column: ColumnMapping;
  referenced: TableMap | undefined;
  request: LookupRequest | undefined;
  /** Why no request could be made (e.g. the referenced map is not in the catalog). */
  problem?: string;
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
  if (!lookup) return { column, referenced: undefined, request: undefined };
  const referenced = lookup.map === map.name ? map : mapsByName.get(lookup.map);
  if (!referenced) return { column, referenced, request: undefined, problem: `lookup map '${lookup.map}' is not in the catalog` };
  const value = sourceValue(column, direction, row);
  if (value === null || value === undefined || value === '') return { column, referenced, request: undefined };
  if (direction === 'finops-to-dataverse') {
    const keyColumn = lookupTargetKey(column, referenced);
    if (!keyColumn) return { column, referenced, request: undefined, problem: `map '${referenced.name}' has a composite Dataverse key; set lookup.key` };
    const company = referenced.scope === 'company' ? row[FINOPS_COMPANY_COLUMN] : undefined;
    const request = withId({
      kind: 'find-id',
      entitySet: referenced.dataverse.entitySet,
      key: { [keyColumn]: value as string | number | boolean },
      ...(typeof company === 'string' ? { company, companyColumn: effectiveSettings(referenced).companyColumn } : {}),
    });
    return { column, referenced, request };
  }
  const keyColumn = lookupTargetKey(column, referenced);
  if (!keyColumn) return { column, referenced, request: undefined, problem: `map '${referenced.name}' has a composite Dataverse key; set lookup.key` };
  return { column, referenced, request: withId({ kind: 'read-column', entitySet: referenced.dataverse.entitySet, recordId: String(value).toLowerCase(), column: keyColumn }) };
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
    if (plan.request?.kind === 'find-id' && plan.request.company) companies.add(plan.request.company);
  }
  for (const company of companies) add(companyIdRequest(company));
  return [...out.values()];
}
