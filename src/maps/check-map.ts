import { FINOPS_COMPANY_COLUMN, lookupValueColumn } from './company';
import { jsonPath, type MapError } from './errors';
import { ExpressionSyntaxError, FUNCTIONS, parseExpression } from './expressions';
import { FilterSyntaxError, parseFilter } from './odata-filter';
import { DEFAULT_DATAVERSE_COMPANY_COLUMN, effectiveSettings, type MapSide, type TableMap } from './schema';

/**
 * Checks one map on its own (no schemas, no other maps): expressions and filters parse, every
 * column has a source and a target for its direction, keys are mapped, value maps can be
 * reversed. Catalog-level checks live in validate-catalog.ts.
 */
export function checkMap(map: TableMap, file?: string): MapError[] {
  const errors: MapError[] = checkSyntax(map, file);
  const err = (path: PropertyKey[], code: string, message: string, expected: string, hint?: string): void => {
    errors.push({ file, map: map.name, path: jsonPath(path), code, message, expected, hint });
  };

  const companyColumn = effectiveSettings(map).companyColumn;
  const targets: Record<MapSide, Map<string, number>> = { finops: new Map(), dataverse: new Map() };

  map.columns.forEach((c, i) => {
    const at = (...rest: PropertyKey[]): PropertyKey[] => ['columns', i, ...rest];
    if (c.finops === undefined && c.dataverse === undefined) {
      err(at(), 'no-column', 'the mapping names no column', 'a "finops" column, a "dataverse" column, or both');
      return;
    }
    if (map.scope === 'company' && (c.finops === FINOPS_COMPANY_COLUMN || c.dataverse === companyColumn || c.dataverse === lookupValueColumn(companyColumn))) {
      err(at(), 'company-column-mapped', `the company column is mapped explicitly`, 'no mapping for dataAreaId or the company lookup', `scope "company" pairs dataAreaId with ${companyColumn ?? DEFAULT_DATAVERSE_COMPANY_COLUMN} implicitly; remove this column`);
    }

    const toDv = c.direction === '<->' || c.direction === '->';
    const toFo = c.direction === '<->' || c.direction === '<-';
    if (c.direction === '<->' && (c.finops === undefined || c.dataverse === undefined)) {
      err(at('direction'), 'one-sided-bidirectional', `"<->" needs a column on both sides, found only ${c.finops !== undefined ? `finops "${c.finops}"` : `dataverse "${c.dataverse}"`}`, 'both "finops" and "dataverse"', 'use "->" or "<-" with a default or an expression for a one-sided column');
    }
    if (toDv && c.dataverse === undefined && c.direction === '->') {
      err(at(), 'no-target', '"->" writes to Dataverse but names no dataverse column', 'a "dataverse" column');
    }
    if (toFo && c.finops === undefined && c.direction === '<-') {
      err(at(), 'no-target', '"<-" writes to F&O but names no finops column', 'a "finops" column');
    }
    if (c.direction === '->' && c.finops === undefined && c.toDataverse === undefined && c.default === undefined) {
      err(at(), 'no-source', `"->" column ${c.dataverse ?? ''} has no source`, 'a "finops" column, a "toDataverse" expression or a "default"');
    }
    if (c.direction === '<-' && c.dataverse === undefined && c.toFinops === undefined && c.default === undefined) {
      err(at(), 'no-source', `"<-" column ${c.finops ?? ''} has no source`, 'a "dataverse" column, a "toFinops" expression or a "default"');
    }
    if (c.direction === '->' && c.toFinops !== undefined) err(at('toFinops'), 'unused-expression', 'toFinops is never used on a "->" column', 'no toFinops, or direction "<->"');
    if (c.direction === '<-' && c.toDataverse !== undefined) err(at('toDataverse'), 'unused-expression', 'toDataverse is never used on a "<-" column', 'no toDataverse, or direction "<->"');

    if (c.lookup) {
      if (c.valueMap || c.toDataverse || c.toFinops || c.default !== undefined) {
        err(at('lookup'), 'lookup-with-transform', 'a lookup column cannot also have valueMap, toDataverse, toFinops or default', 'only "lookup"', 'the lookup carries the referenced record\'s key as it is; an empty value clears the reference');
      }
      if (c.finops === undefined || c.dataverse === undefined) {
        err(at('lookup'), 'lookup-one-sided', 'a lookup pairs an F&O key value with a Dataverse lookup column', 'both "finops" and "dataverse"');
      }
      if (Array.isArray(c.lookup.map) && c.lookup.navigationProperty !== undefined) {
        err(at('lookup', 'navigationProperty'), 'lookup-navigation-ambiguous', 'a lookup to several maps binds through one navigation property per table, not one for all', 'no "navigationProperty"', 'the Dataverse entity schema names each table\'s navigation property (customerid_account, customerid_contact)');
      }
    }

    if (c.valueMap && toFo) {
      const seen = new Map<string, string>();
      for (const [fo, dv] of Object.entries(c.valueMap)) {
        const k = String(dv);
        const previous = seen.get(k);
        if (previous !== undefined) {
          err(at('valueMap', fo), 'value-map-ambiguous', `Dataverse value ${JSON.stringify(dv)} maps back to both '${previous}' and '${fo}'`, 'each Dataverse value used once when the column flows to F&O', 'make the column "->" or give each F&O value its own Dataverse value');
        } else seen.set(k, fo);
      }
    }

    for (const side of ['finops', 'dataverse'] as const) {
      const name = c[side];
      const writes = side === 'dataverse' ? toDv : toFo;
      if (name === undefined || !writes) continue;
      const previous = targets[side].get(name);
      if (previous !== undefined) {
        err(at(side), 'duplicate-target', `${side} column ${name} is written by columns[${previous}] and columns[${i}]`, 'each target column written by one mapping');
      } else targets[side].set(name, i);
    }
  });

  // Keys pair up position by position through column mappings, so both sides agree on identity.
  const { finops, dataverse } = map;
  if (finops.key.length !== dataverse.key.length) {
    err(['dataverse', 'key'], 'key-mismatch', `F&O key has ${finops.key.length} column(s), Dataverse key ${dataverse.key.length}`, 'the same number of key columns on both sides (company excluded)', 'list the Dataverse alternate key columns that match the F&O entity key, in the same order');
  }
  finops.key.forEach((fo, i) => {
    const dv = dataverse.key[i];
    const pair = map.columns.find((c) => c.finops === fo && (dv === undefined || c.dataverse === dv));
    if (!pair) {
      err(['finops', 'key', i], 'key-not-mapped', `key column ${fo} is not paired with ${dv ?? 'a Dataverse key column'} in columns`, `a column mapping { "finops": "${fo}", "dataverse": "${dv ?? '...'}" }`, 'key columns must be mapped so both sides identify the same record');
    }
  });
  return errors;
}

/**
 * Syntax of filters and expressions. Works on unvalidated data too, so a file with schema errors
 * still gets its filter and expression mistakes reported in the same run.
 */
export function checkSyntax(data: unknown, file?: string): MapError[] {
  const errors: MapError[] = [];
  if (typeof data !== 'object' || data === null) return errors;
  const raw = data as { name?: unknown; finops?: { filter?: unknown }; dataverse?: { filter?: unknown }; columns?: unknown };
  const map = typeof raw.name === 'string' ? raw.name : undefined;
  for (const side of ['finops', 'dataverse'] as const) {
    const filter = raw[side]?.filter;
    if (typeof filter !== 'string' || filter === '') continue;
    try {
      parseFilter(filter);
    } catch (e) {
      if (!(e instanceof FilterSyntaxError)) throw e;
      errors.push({ file, map, path: jsonPath([side, 'filter']), code: 'filter-syntax', message: `${e.message} at character ${e.position + 1} of ${JSON.stringify(filter)}`, expected: "an OData $filter such as PartyType eq 'Organization'", hint: "operators: eq ne gt ge lt le, and or not, ( ), contains(col,'x'), startswith, endswith; text in single quotes" });
    }
  }
  if (!Array.isArray(raw.columns)) return errors;
  raw.columns.forEach((c: unknown, i) => {
    if (typeof c !== 'object' || c === null) return;
    for (const prop of ['toDataverse', 'toFinops'] as const) {
      const expression = (c as Record<string, unknown>)[prop];
      if (typeof expression !== 'string' || expression === '') continue;
      try {
        parseExpression(expression);
      } catch (e) {
        if (!(e instanceof ExpressionSyntaxError)) throw e;
        errors.push({ file, map, path: jsonPath(['columns', i, prop]), code: 'expression-syntax', message: `${e.message} at character ${e.position + 1} of ${JSON.stringify(expression)}`, expected: "an expression such as concat(trim(Name), ' ', upper(City))", hint: `functions: ${Object.keys(FUNCTIONS).join(', ')}; text in single quotes` });
      }
    }
  });
  return errors;
}
