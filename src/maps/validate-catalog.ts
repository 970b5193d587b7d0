import { lookupTargets, type ColumnSchema, type EntitySetSchema } from '../schema/entity-schema';
import { FINOPS_COMPANY_COLUMN, lookupValueColumn } from './company';
import { checkMap } from './check-map';
import { didYouMean, jsonPath, type MapError } from './errors';
import { compileExpression, referencedColumns } from './expressions';
import { filterColumns, parseFilter } from './odata-filter';
import { topologicalOrder } from './graph';
import { lookupTargetKey } from './lookups';
import { effectiveSettings, lookupMapNames, type MapSide, type TableMap } from './schema';

export interface ValidateOptions {
  /** File of each map, by name, to label errors. */
  files?: ReadonlyMap<string, string>;
}

const SIDE_LABEL: Record<MapSide, string> = { finops: 'F&O', dataverse: 'Dataverse' };

/**
 * Validates a whole catalog against the entity set schemas of both systems: entity sets and
 * columns exist, keys match, lookups point at maps that exist and at the right entity set, one-way
 * columns have a source, value maps cover the F&O enum / Dataverse option set, filters and
 * expressions name real columns, dependencies exist and have no cycle. Returns every problem.
 */
export function validateCatalog(maps: readonly TableMap[], schemas: readonly EntitySetSchema[], options: ValidateOptions = {}): MapError[] {
  const errors: MapError[] = [];
  const byName = new Map<string, TableMap>();
  for (const map of maps) {
    const file = options.files?.get(map.name);
    if (byName.has(map.name)) {
      errors.push({ file, map: map.name, path: '$.name', code: 'duplicate-map', message: `two maps are named '${map.name}'`, expected: 'unique map names', hint: 'rename one of them' });
      continue;
    }
    byName.set(map.name, map);
    errors.push(...checkMap(map, file));
  }
  for (const map of byName.values()) errors.push(...validateAgainstSchemas(map, byName, schemas, options.files?.get(map.name)));
  for (const e of topologicalOrder([...byName.values()]).errors) errors.push({ ...e, file: e.map ? options.files?.get(e.map) : undefined });
  return errors;
}

function validateAgainstSchemas(map: TableMap, byName: ReadonlyMap<string, TableMap>, schemas: readonly EntitySetSchema[], file: string | undefined): MapError[] {
  const errors: MapError[] = [];
  const err = (path: PropertyKey[], code: string, message: string, expected: string, hint?: string): void => {
    errors.push({ file, map: map.name, path: jsonPath(path), code, message, expected, hint });
  };
  const schemaOf = (side: MapSide): EntitySetSchema | undefined => {
    const name = map[side].entitySet;
    const found = schemas.find((s) => s.system === side && s.entitySet === name);
    if (!found) {
      const known = schemas.filter((s) => s.system === side).map((s) => s.entitySet);
      err([side, 'entitySet'], 'unknown-entity-set', `${SIDE_LABEL[side]} has no entity set '${name}'`, `one of ${known.join(', ') || '(none known)'}`, didYouMean(name, known));
    }
    return found;
  };
  const fo = schemaOf('finops');
  const dv = schemaOf('dataverse');
  const schemaFor: Record<MapSide, EntitySetSchema | undefined> = { finops: fo, dataverse: dv };
  const companyColumn = effectiveSettings(map).companyColumn;

  const column = (side: MapSide, name: string, path: PropertyKey[]): ColumnSchema | undefined => {
    const schema = schemaFor[side];
    if (!schema) return undefined;
    const found = schema.columns.find((c) => c.name === name) ?? (side === 'dataverse' ? schema.columns.find((c) => lookupValueColumn(c.name) === name) : undefined);
    if (!found) {
      const names = schema.columns.map((c) => c.name);
      err(path, 'unknown-column', `${SIDE_LABEL[side]} entity set ${schema.entitySet} has no column '${name}'`, `a column of ${schema.entitySet}`, didYouMean(name, names) ?? `known columns: ${names.slice(0, 30).join(', ')}${names.length > 30 ? ', ...' : ''}`);
    }
    return found;
  };

  // Company striping must agree on both sides: dual-write maps company-specific to company-specific only.
  // Exception: a one-way F&O -> Dataverse map may publish company-specific rows into a global
  // table (released products -> products), keyed without the company.
  const oneWayToDataverse = map.columns.every((c) => c.direction === '->');
  if (fo && fo.companySpecific !== (map.scope === 'company') && !(fo.companySpecific && map.scope === 'global' && oneWayToDataverse)) {
    err(['scope'], 'scope-mismatch', `scope is "${map.scope}" but F&O ${fo.entitySet} is ${fo.companySpecific ? 'company-specific' : 'global'}`, `"${fo.companySpecific ? 'company' : 'global'}"`);
  }
  if (dv && map.scope === 'company') {
    const c = dv.columns.find((x) => x.name === companyColumn);
    if (!c) err(['dataverse', 'companyColumn'], 'no-company-column', `Dataverse ${dv.entitySet} has no company lookup '${companyColumn}'`, 'a lookup to cdm_companies', dv.companyColumn ? `this entity set's company column is '${dv.companyColumn}'` : 'add the company lookup to the entity, or make the map global');
  }

  for (const side of ['finops', 'dataverse'] as const) {
    map[side].key.forEach((k, i) => column(side, k, [side, 'key', i]));
    const filter = map[side].filter;
    if (filter !== undefined) {
      try {
        for (const c of filterColumns(parseFilter(filter))) column(side, c, [side, 'filter']);
      } catch {
        // Syntax errors are reported by checkMap.
      }
    }
  }
  if (dv && dv.alternateKeys) {
    const wanted = [...map.dataverse.key, ...(map.scope === 'company' && effectiveSettings(map).companyInKey ? [companyColumn] : [])].sort().join(',');
    const matches = dv.alternateKeys.some((k) => [...k.columns].map((c) => c.replace(/^_(.*)_value$/, '$1')).sort().join(',') === wanted);
    if (!matches) {
      err(['dataverse', 'key'], 'no-alternate-key', `Dataverse ${dv.entitySet} has no alternate key on (${wanted})`, `one of its alternate keys: ${dv.alternateKeys.map((k) => `(${k.columns.join(', ')})`).join('; ') || 'none'}`, map.scope === 'company' ? 'company-specific maps include the company lookup in the key unless "companyInKey": false' : undefined);
    }
  }

  map.columns.forEach((c, i) => {
    const at = (...rest: PropertyKey[]): PropertyKey[] => ['columns', i, ...rest];
    const foCol = c.finops !== undefined ? column('finops', c.finops, at('finops')) : undefined;
    const dvCol = c.dataverse !== undefined ? column('dataverse', c.dataverse, at('dataverse')) : undefined;
    const toDv = c.direction !== '<-';
    const toFo = c.direction !== '->';
    if (toDv && dvCol?.readOnly) err(at('direction'), 'read-only-target', `Dataverse column ${dvCol.name} is read-only`, 'direction "<-" for a read-only Dataverse column');
    if (toFo && foCol?.readOnly) err(at('direction'), 'read-only-target', `F&O column ${foCol.name} is read-only`, 'direction "->" for a read-only F&O column');
    if (map.scope === 'company' && c.finops === FINOPS_COMPANY_COLUMN) return;

    for (const [expression, side] of [[c.toDataverse, 'finops'], [c.toFinops, 'dataverse']] as const) {
      if (expression === undefined) continue;
      try {
        for (const ref of referencedColumns(compileExpression(expression))) column(side, ref, at(side === 'finops' ? 'toDataverse' : 'toFinops'));
      } catch {
        // Syntax errors are reported by checkMap.
      }
    }

    if (c.lookup) {
      // A polymorphic lookup names several maps: each is checked, and errors point at its entry.
      const names = lookupMapNames(c.lookup);
      const mapPath = (j: number): PropertyKey[] => (typeof c.lookup?.map === 'string' ? at('lookup', 'map') : at('lookup', 'map', j));
      const referencedMaps = names.map((name) => byName.get(name));
      names.forEach((name, j) => {
        if (!referencedMaps[j]) err(mapPath(j), 'unknown-lookup-map', `lookup to map '${name}', which is not in the catalog`, 'the name of a map in the catalog', didYouMean(name, byName.keys()));
      });
      if (referencedMaps.some((m) => m === undefined)) return;
      if (dvCol && dvCol.type !== 'lookup') err(at('dataverse'), 'not-a-lookup', `Dataverse column ${dvCol.name} is ${dvCol.type}, not a lookup`, 'a lookup column', 'remove "lookup" to copy the value as it is');
      const targets = dvCol ? lookupTargets(dvCol).map((t) => t.entitySet) : [];
      referencedMaps.forEach((referenced, j) => {
        if (!referenced) return;
        if (dvCol?.lookup && !targets.includes(referenced.dataverse.entitySet)) {
          err(mapPath(j), 'lookup-target-mismatch', `Dataverse column ${dvCol.name} points to ${targets.join(' or ')}, map '${referenced.name}' syncs ${referenced.dataverse.entitySet}`, `a map of ${targets.join(' or ')}`);
        }
        const key = lookupTargetKey(c, referenced);
        if (!key) err(at('lookup', 'key'), 'lookup-key-ambiguous', `map '${referenced.name}' has a composite Dataverse key`, 'lookup.key naming the key column that holds this value');
        else if (!referenced.dataverse.key.includes(key)) err(at('lookup', 'key'), 'lookup-key-unknown', `'${key}' is not a key column of map '${referenced.name}'`, `one of ${referenced.dataverse.key.join(', ')}`);
        if (referenced.scope === 'company' && map.scope !== 'company') {
          err(mapPath(j), 'lookup-scope', `global map '${map.name}' refers to company-specific map '${referenced.name}'`, 'a lookup from a company-specific map, which knows the company');
        }
      });
      return;
    }
    if (dvCol?.type === 'lookup') {
      err(at('lookup'), 'lookup-missing', `Dataverse column ${dvCol.name} is a lookup but the mapping has no "lookup"`, `"lookup": { "map": "<map of ${lookupTargets(dvCol).map((t) => t.entitySet).join(' or ') || 'the referenced entity set'}>" }`);
    }

    // Keys are exempt from the length check: truncating a key would merge distinct records, while
    // an over-long key is refused by the target service with a clear record error.
    const isKey = (c.finops !== undefined && map.finops.key.includes(c.finops)) || (c.dataverse !== undefined && map.dataverse.key.includes(c.dataverse));
    if (foCol && dvCol) checkCompatibility(c, foCol, dvCol, !isKey, at, err);

    // Value maps must cover the source's whole domain, or some records fail at run time.
    if (c.valueMap) {
      const entries = Object.entries(c.valueMap);
      if (foCol?.enumSymbols) {
        for (const [symbol] of entries) {
          if (!foCol.enumSymbols.includes(symbol)) err(at('valueMap', symbol), 'value-map-unknown-symbol', `'${symbol}' is not a symbol of F&O enum column ${foCol.name}`, `one of ${foCol.enumSymbols.join(', ')}`, didYouMean(symbol, foCol.enumSymbols));
        }
        if (toDv && c.default === undefined) {
          const missing = foCol.enumSymbols.filter((s) => !(s in c.valueMap!));
          if (missing.length) err(at('valueMap'), 'value-map-incomplete', `no entry for F&O enum symbol(s) ${missing.join(', ')} of ${foCol.name}`, 'an entry for every symbol (or a default)', `add ${missing.map((m) => `"${m}": ...`).join(', ')}`);
        }
      }
      if (dvCol?.options) {
        const values = dvCol.options.map((o) => o.value);
        for (const [symbol, target] of entries) {
          if (typeof target !== 'number' || !values.includes(target)) err(at('valueMap', symbol), 'value-map-unknown-option', `${JSON.stringify(target)} is not an option of Dataverse column ${dvCol.name}`, `one of ${dvCol.options.map((o) => `${o.value} (${o.label})`).join(', ')}`);
        }
        if (toFo && c.default === undefined) {
          const mapped = new Set(entries.map(([, t]) => t));
          const missing = dvCol.options.filter((o) => !mapped.has(o.value));
          if (missing.length) err(at('valueMap'), 'value-map-incomplete', `no entry for Dataverse option(s) ${missing.map((o) => `${o.value} (${o.label})`).join(', ')} of ${dvCol.name}`, 'an entry for every option (or a default)');
        }
      }
    } else if (c.direction !== '<-' && foCol?.type === 'enum' && dvCol && (dvCol.type === 'optionset' || dvCol.type === 'bool') && !c.toDataverse) {
      err(at(), 'value-map-missing', `F&O enum ${foCol.name} is written to Dataverse ${dvCol.type} ${dvCol.name} without a value map`, 'a "valueMap" from enum symbols to Dataverse values');
    } else if (c.direction !== '->' && dvCol && (dvCol.type === 'optionset' || dvCol.type === 'bool') && foCol?.type === 'enum' && !c.toFinops) {
      err(at(), 'value-map-missing', `Dataverse ${dvCol.type} ${dvCol.name} is written to F&O enum ${foCol.name} without a value map`, 'a "valueMap"');
    }
  });
  return errors;
}

type Kind = 'text' | 'number' | 'bool' | 'date' | 'datetime' | 'guid' | 'lookup';

const KIND: Record<ColumnSchema['type'], Kind> = {
  string: 'text',
  enum: 'text',
  int: 'number',
  bigint: 'number',
  decimal: 'number',
  optionset: 'number',
  bool: 'bool',
  date: 'date',
  datetime: 'datetime',
  guid: 'guid',
  lookup: 'lookup',
};

/**
 * A plain copy (no expression, no value map) must carry values the target can hold: the same kind
 * of value, and text no longer than the target allows (the service would reject the record).
 */
function checkCompatibility(
  c: TableMap['columns'][number],
  foCol: ColumnSchema,
  dvCol: ColumnSchema,
  checkLength: boolean,
  at: (...rest: PropertyKey[]) => PropertyKey[],
  err: (path: PropertyKey[], code: string, message: string, expected: string, hint?: string) => void,
): void {
  if (c.lookup || c.valueMap) return;
  // Reported more precisely elsewhere: a lookup without "lookup", an enum without a value map.
  if (foCol.type === 'lookup' || dvCol.type === 'lookup') return;
  if (foCol.type === 'enum' && (dvCol.type === 'optionset' || dvCol.type === 'bool')) return;
  const flows: [ColumnSchema, ColumnSchema, string | undefined, 'toDataverse' | 'toFinops'][] = [];
  if (c.direction !== '<-') flows.push([foCol, dvCol, c.toDataverse, 'toDataverse']);
  if (c.direction !== '->') flows.push([dvCol, foCol, c.toFinops, 'toFinops']);
  for (const [source, target, expression, prop] of flows) {
    if (expression !== undefined) continue;
    const from = KIND[source.type];
    const to = KIND[target.type];
    const compatible = from === to || (from === 'guid' && to === 'text');
    if (!compatible) {
      err(at('direction'), 'incompatible-types', `${source.name} (${source.type}) is copied into ${target.name} (${target.type})`, `a ${target.type} value`, `convert it with a "${prop}" expression or a "valueMap"`);
      continue;
    }
    if (checkLength && from === 'text' && target.maxLength !== undefined && (source.maxLength === undefined || source.maxLength > target.maxLength)) {
      err(at(prop), 'may-exceed-length', `${source.name} holds up to ${source.maxLength ?? 'unlimited'} characters, ${target.name} only ${target.maxLength}`, `text that fits in ${target.maxLength} characters`, `add "${prop}": "truncate(${source.name}, ${target.maxLength})"`);
    }
  }
}
