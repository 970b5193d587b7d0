import type { KeyValues, Row } from '../connectors/types';
import { lookupTargets, type EntitySetSchema } from '../schema/entity-schema';
import {
  DATAVERSE_COMPANY_ENTITY_SET,
  FINOPS_COMPANY_COLUMN,
  companyCodeForFinops,
  lookupValueColumn,
} from './company';
import { compileExpression, evaluateExpression, referencedColumns } from './expressions';
import { companyCodeRequest, companyIdRequest, lookupOutcome, planLookup, type LookupResults, type ResolvedLookupColumn } from './lookups';
import { effectiveSettings, type ColumnMapping, type MapSide, type TableMap, type TransformDirection } from './schema';

export interface TransformContext {
  /** Results for the requests of `lookupRequests`, by request id. */
  lookups?: LookupResults;
  /** Other maps of the catalog, for lookups to them (the map itself is always known). */
  catalog?: readonly TableMap[];
  /** The Dataverse entity set's schema, for lookup navigation properties (`<nav>@odata.bind`). */
  dataverseSchema?: EntitySetSchema;
}

export interface TransformError {
  /** Target column (or `$key` / `$company`). */
  column: string;
  /** `missing-lookup`: the referenced row is not there (yet), worth a retry; `transform`: bad data or map. */
  class: 'transform' | 'missing-lookup';
  message: string;
}

export interface TransformResult {
  /** Target columns as written (Dataverse lookups as `<nav>@odata.bind: "/set(guid)"`). */
  values: Row;
  /**
   * The same values as a read of the target returns them (lookups as `_<col>_value`). Merge it
   * over the current target row and pass that to contentHash(map, targetSide, ...) for the echo ledger.
   */
  image: Row;
  /** Target integration key as the connector addresses the row; undefined when it cannot be built. */
  key: KeyValues | undefined;
  errors: TransformError[];
}

function isMissing(v: unknown): boolean {
  return v === null || v === undefined;
}

function flows(column: ColumnMapping, direction: TransformDirection): boolean {
  return column.direction === '<->' || column.direction === (direction === 'finops-to-dataverse' ? '->' : '<-');
}

/** Value-map lookup in either direction; values compare by their text so 3 matches '3'. */
function applyValueMap(column: ColumnMapping, direction: TransformDirection, value: unknown): { ok: true; value: unknown } | { ok: false } {
  const map = column.valueMap;
  if (!map || isMissing(value)) return { ok: true, value };
  if (direction === 'finops-to-dataverse') {
    const key = String(value);
    return Object.prototype.hasOwnProperty.call(map, key) ? { ok: true, value: map[key] } : { ok: false };
  }
  const entry = Object.entries(map).find(([, target]) => String(target) === String(value));
  return entry ? { ok: true, value: entry[0] } : { ok: false };
}

function presentInputs(column: ColumnMapping, expression: string | undefined, sourceSide: MapSide, row: Readonly<Record<string, unknown>>): boolean {
  const has = (name: string): boolean => Object.prototype.hasOwnProperty.call(row, name);
  if (expression) {
    const inputs = referencedColumns(compileExpression(expression));
    return inputs.length === 0 || inputs.some(has);
  }
  const source = column[sourceSide];
  return source === undefined || has(source);
}

/**
 * The navigation property to bind `column` to a row of `entitySet`: the map's own setting for a
 * lookup to one map, else the schema's property for that table (a polymorphic lookup has one per
 * table: customerid_account, customerid_contact), else the column name.
 */
function navigationProperty(column: ColumnMapping, schema: EntitySetSchema | undefined, entitySet: string, binding: boolean): { property: string } | { problem: string } {
  const name = column.dataverse as string;
  if (column.lookup?.navigationProperty && typeof column.lookup.map === 'string') return { property: column.lookup.navigationProperty };
  const schemaColumn = schema?.columns.find((c) => c.name === name);
  const targets = schemaColumn ? lookupTargets(schemaColumn) : [];
  const target = targets.find((t) => t.entitySet === entitySet);
  if (target) return { property: target.navigationProperty };
  // Binding a polymorphic column through another table's property would be refused (400) by
  // Dataverse; say which tables it takes instead. Clearing it goes through any of them.
  if (binding && targets.length > 1) {
    return { problem: `${name} points to ${targets.map((t) => t.entitySet).join(' or ')}, not ${entitySet}: list only maps of those tables in the column's lookup.map` };
  }
  return { property: targets[0]?.navigationProperty ?? name };
}

function describeMissing(plan: ResolvedLookupColumn): string {
  return plan.candidates
    .map(({ map, request }) =>
      request.kind === 'find-id'
        ? `no ${request.entitySet} with ${JSON.stringify(request.key)}${request.company ? ` in company ${request.company}` : ''} (map '${map.name}')`
        : `no ${request.entitySet}(${request.recordId}) (map '${map.name}')`,
    )
    .join(', ');
}

function companyNavigationProperty(companyColumn: string, schema: EntitySetSchema | undefined): string {
  return schema?.columns.find((c) => c.name === companyColumn)?.lookup?.navigationProperty ?? companyColumn;
}

/**
 * Transforms one source row into the target's columns, in one direction. Pure: lookups are
 * resolved beforehand by the engine (see lookupRequests) and passed in `ctx.lookups`. Never
 * throws on bad data: problems come back in `errors`, one per column, and the other columns are
 * still transformed.
 */
export function transformRecord(
  map: TableMap,
  direction: TransformDirection,
  sourceRow: Readonly<Record<string, unknown>>,
  ctx: TransformContext = {},
): TransformResult {
  const toDataverse = direction === 'finops-to-dataverse';
  const sourceSide: MapSide = toDataverse ? 'finops' : 'dataverse';
  const targetSide: MapSide = toDataverse ? 'dataverse' : 'finops';
  const values: Row = {};
  const image: Row = {};
  const errors: TransformError[] = [];
  const lookups = ctx.lookups ?? {};
  const byName = new Map((ctx.catalog ?? []).map((m) => [m.name, m]));
  const settings = effectiveSettings(map);

  for (const column of map.columns) {
    const target = column[targetSide];
    if (target === undefined || !flows(column, direction)) continue;

    if (column.lookup) {
      const sourceName = toDataverse ? column.finops : column.dataverse && lookupValueColumn(column.dataverse);
      if (sourceName !== undefined && !Object.prototype.hasOwnProperty.call(sourceRow, sourceName)) continue; // partial row: leave it
      const plan = planLookup(map, column, direction, sourceRow, byName);
      if (plan.problem) {
        errors.push({ column: target, class: 'transform', message: plan.problem });
        continue;
      }
      let resolved: unknown = null;
      let entitySet = plan.referenced?.dataverse.entitySet ?? '';
      if (plan.request) {
        const outcome = lookupOutcome(plan, lookups);
        if (outcome.state === 'unresolved') {
          errors.push({ column: target, class: 'missing-lookup', message: `lookup not resolved: ${plan.request.id} (pass the results of lookupRequests in ctx.lookups)` });
          continue;
        }
        if (outcome.state === 'missing') {
          errors.push({ column: target, class: 'missing-lookup', message: `couldn't resolve ${target}: ${describeMissing(plan)}` });
          continue;
        }
        resolved = outcome.value;
        entitySet = outcome.map.dataverse.entitySet;
      }
      if (toDataverse) {
        const navigation = navigationProperty(column, ctx.dataverseSchema, entitySet, !isMissing(resolved));
        if ('problem' in navigation) {
          errors.push({ column: target, class: 'transform', message: navigation.problem });
          continue;
        }
        values[`${navigation.property}@odata.bind`] = isMissing(resolved) ? null : `/${entitySet}(${String(resolved)})`;
        image[lookupValueColumn(target)] = isMissing(resolved) ? null : String(resolved).toLowerCase();
      } else {
        values[target] = resolved;
        image[target] = resolved;
      }
      continue;
    }

    let value: unknown;
    const expression = toDataverse ? column.toDataverse : column.toFinops;
    // A partial row (a webhook or data event carries only changed columns) says nothing about a
    // column whose inputs it lacks: leave that target column alone rather than blank it.
    if (!presentInputs(column, expression, sourceSide, sourceRow)) continue;
    if (expression) {
      const result = evaluateExpression(expression, sourceRow);
      if (!result.ok) {
        errors.push({ column: target, class: 'transform', message: `expression failed: ${result.message}` });
        continue;
      }
      value = result.value;
    } else {
      const source = column[sourceSide];
      value = source === undefined ? undefined : sourceRow[source];
    }
    const mapped = applyValueMap(column, direction, value);
    if (!mapped.ok) {
      if (column.default !== undefined) {
        value = column.default;
      } else {
        const known = toDataverse ? Object.keys(column.valueMap ?? {}) : Object.values(column.valueMap ?? {}).map(String);
        errors.push({ column: target, class: 'transform', message: `value ${JSON.stringify(value)} of ${column[sourceSide] ?? 'the expression'} has no entry in the value map (known: ${known.join(', ')})` });
        continue;
      }
    } else {
      value = mapped.value;
    }
    if (isMissing(value) && column.default !== undefined) value = column.default;
    if (value === undefined) continue; // nothing to say about this column: leave the target as it is
    values[target] = value;
    image[target] = value;
  }

  const key = targetKey(map, direction, sourceRow, values, image, lookups, errors, ctx.dataverseSchema, settings.companyColumn, settings.companyInKey);
  return { values, image, key, errors };
}

function targetKey(
  map: TableMap,
  direction: TransformDirection,
  sourceRow: Readonly<Record<string, unknown>>,
  values: Row,
  image: Row,
  lookups: LookupResults,
  errors: TransformError[],
  schema: EntitySetSchema | undefined,
  companyColumn: string,
  companyInKey: boolean,
): KeyValues | undefined {
  const key: KeyValues = {};
  let complete = true;
  if (map.scope === 'company') {
    if (direction === 'finops-to-dataverse') {
      const dataAreaId = sourceRow[FINOPS_COMPANY_COLUMN];
      if (typeof dataAreaId !== 'string' || dataAreaId === '') {
        errors.push({ column: '$company', class: 'transform', message: `the F&O row has no ${FINOPS_COMPANY_COLUMN}, required by the company-specific map '${map.name}'` });
        complete = false;
      } else {
        const request = companyIdRequest(dataAreaId);
        const guid = lookups[request.id];
        if (isMissing(guid)) {
          errors.push({ column: '$company', class: 'missing-lookup', message: `company '${dataAreaId}' is not in ${DATAVERSE_COMPANY_ENTITY_SET}${Object.prototype.hasOwnProperty.call(lookups, request.id) ? '' : ' (not resolved: pass lookupRequests results)'}` });
          complete = false;
        } else {
          const id = String(guid).toLowerCase();
          if (companyInKey) key[lookupValueColumn(companyColumn)] = id;
          values[`${companyNavigationProperty(companyColumn, schema)}@odata.bind`] = `/${DATAVERSE_COMPANY_ENTITY_SET}(${id})`;
          image[lookupValueColumn(companyColumn)] = id;
        }
      }
    } else {
      const guid = sourceRow[lookupValueColumn(companyColumn)];
      const code = typeof guid === 'string' && guid !== '' ? lookups[companyCodeRequest(guid).id] : undefined;
      if (typeof code !== 'string' || code === '') {
        errors.push({ column: '$company', class: typeof guid === 'string' && guid !== '' ? 'missing-lookup' : 'transform', message: `cannot tell the company of the Dataverse row (${lookupValueColumn(companyColumn)} = ${JSON.stringify(guid ?? null)})` });
        complete = false;
      } else {
        const dataAreaId = companyCodeForFinops(code);
        key[FINOPS_COMPANY_COLUMN] = dataAreaId;
        values[FINOPS_COMPANY_COLUMN] = dataAreaId;
        image[FINOPS_COMPANY_COLUMN] = dataAreaId;
      }
    }
  }
  const targetSide: MapSide = direction === 'finops-to-dataverse' ? 'dataverse' : 'finops';
  for (const column of map[targetSide].key) {
    const isLookup = targetSide === 'dataverse' && map.columns.some((c) => c.dataverse === column && c.lookup);
    const name = isLookup ? lookupValueColumn(column) : column;
    const v = image[name];
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') {
      if (v !== '') {
        key[name] = v;
        continue;
      }
    }
    if (!errors.some((e) => e.column === column)) {
      errors.push({ column, class: 'transform', message: `key column ${column} has no value` });
    }
    complete = false;
  }
  return complete ? key : undefined;
}
