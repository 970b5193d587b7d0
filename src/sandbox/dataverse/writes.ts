/**
 * Turns a client's JSON body into wire-named column values: type and length checks with the
 * service's messages, `<nav>@odata.bind` lookups resolved (a missing referenced row is a clear
 * 400), statecode/statuscode pairs checked, computed columns (contact fullname) filled in.
 */
import { lookupTargets, type ColumnSchema, type EntitySetSchema, type LookupTarget } from '../../schema/entity-schema';
import { DATAVERSE_STATE_STATUS } from './entities';
import { badRequest, DV_CODES } from './errors';
import { findRow, isGuid, parseEntityReference, resolveKey } from './keys';
import { wireName } from './store';
import type { DataverseStore, Row } from './store';

export interface WriteContext {
  store: DataverseStore;
  /** Path of the service root, e.g. /api/data/v9.2/, to read absolute references. */
  rootPath: string;
}

const typeName: Record<string, string> = {
  string: 'Edm.String',
  int: 'Edm.Int32',
  optionset: 'Edm.Int32',
  bigint: 'Edm.Int64',
  decimal: 'Edm.Decimal',
  bool: 'Edm.Boolean',
  date: 'Edm.Date',
  datetime: 'Edm.DateTimeOffset',
  guid: 'Edm.Guid',
};

function convertError(value: unknown, column: ColumnSchema) {
  return badRequest(`Cannot convert the literal '${typeof value === 'string' ? value : JSON.stringify(value)}' to the expected type '${typeName[column.type] ?? column.type}' of property '${column.name}'.`, '0x80048d19');
}

function checkValue(schema: EntitySetSchema, column: ColumnSchema, value: unknown): unknown {
  if (value === null) return null;
  switch (column.type) {
    case 'string': {
      if (typeof value !== 'string') throw convertError(value, column);
      if (column.maxLength !== undefined && value.length > column.maxLength) {
        throw badRequest(
          `A validation error occurred.  The length of the '${column.name}' attribute of the '${schema.entityType}' entity exceeded the maximum allowed length of '${column.maxLength}'.`,
          DV_CODES.validation,
        );
      }
      return value;
    }
    case 'int':
    case 'bigint':
      if (typeof value !== 'number' || !Number.isInteger(value)) throw convertError(value, column);
      return value;
    case 'optionset': {
      if (typeof value !== 'number' || !Number.isInteger(value)) throw convertError(value, column);
      const allowed = column.options?.map((o) => o.value) ?? [];
      if (allowed.length > 0 && !allowed.includes(value)) {
        throw badRequest(
          `A validation error occurred. The value ${value} of '${column.name}' on record of type '${schema.entityType}' is outside the valid range. Accepted Values: ${allowed.join(',')}`,
          DV_CODES.validation,
        );
      }
      return value;
    }
    case 'decimal':
      if (typeof value !== 'number' || !Number.isFinite(value)) throw convertError(value, column);
      return value;
    case 'bool':
      if (typeof value !== 'boolean') throw convertError(value, column);
      return value;
    case 'date':
      if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) throw convertError(value, column);
      return value;
    case 'datetime':
      if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) throw convertError(value, column);
      return value;
    case 'guid':
      if (typeof value !== 'string' || !isGuid(value)) throw convertError(value, column);
      return value.toLowerCase();
    default:
      return value;
  }
}

/**
 * Resolves `"<nav>@odata.bind": "<reference>"` to the referenced row's id. The navigation
 * property names the target table: a polymorphic lookup has one per table (customerid_account,
 * customerid_contact), each accepting only its own table's rows.
 */
function resolveBind(ctx: WriteContext, schema: EntitySetSchema, lookupTarget: LookupTarget, property: string, value: unknown): string | null {
  if (value === null) return null;
  const target = lookupTarget.entitySet;
  const targetSchema = ctx.store.schema(target);
  if (typeof value !== 'string' || !targetSchema) {
    throw badRequest(`'${property}' must be a string like "/${target}(00000000-0000-0000-0000-000000000001)", got ${JSON.stringify(value)}.`);
  }
  const ref = parseEntityReference(value, ctx.rootPath);
  if (!ref) throw badRequest(`'${property}' value '${value}' is not an entity reference; expected "/${target}(<guid>)" or "/${target}(<alternate key>)".`);
  if (ref.entitySet !== target) {
    throw badRequest(`'${property}' on ${schema.entitySet} must reference ${target}, but '${value}' references ${ref.entitySet}.`);
  }
  const key = resolveKey(targetSchema, ref.keyText);
  const row = findRow(ctx.store, targetSchema, key);
  if (!row) {
    const shown = key.kind === 'id' ? key.id : ref.keyText;
    throw badRequest(`The record referenced by '${property}' was not found: ${targetSchema.entityType} With Id = ${shown} Does Not Exist.`, DV_CODES.notFound);
  }
  return String(row[targetSchema.primaryKey[0] ?? '']);
}

/**
 * Validates a body for create or update and returns wire values. `existing` is the current row on
 * update (used for state/status and computed columns).
 */
export function prepareWrite(ctx: WriteContext, schema: EntitySetSchema, body: unknown, mode: 'create' | 'update', existing?: Row): Row {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequest(`The request body must be a JSON object with the columns of ${schema.entityType}.`);
  }
  const src = body as Record<string, unknown>;
  const byName = new Map(schema.columns.map((c) => [c.name, c]));
  const byNav = new Map(schema.columns.flatMap((column) => lookupTargets(column).map((target) => [target.navigationProperty, { column, target }] as const)));
  const pk = schema.primaryKey[0] ?? '';
  const out: Row = {};
  /** Table each bound lookup points to, by wire name (a polymorphic lookup takes one of several). */
  const boundTables = new Map<string, string | null>();
  for (const [prop, value] of Object.entries(src)) {
    if (prop.endsWith('@odata.bind')) {
      const nav = prop.slice(0, -'@odata.bind'.length);
      const bound = byNav.get(nav);
      if (!bound) {
        throw badRequest(
          `An undeclared property '${nav}' which only has property annotations in the payload but no property value was found in the payload. In OData, only declared navigation properties and declared named streams can be represented as properties without values.`,
          DV_CODES.segmentNotFound,
        );
      }
      const wire = wireName(bound.column);
      if (boundTables.has(wire)) throw badRequest(`'${bound.column.name}' is set more than once: bind it through one navigation property only.`, DV_CODES.invalidArgument);
      out[wire] = resolveBind(ctx, schema, bound.target, prop, value);
      boundTables.set(wire, out[wire] === null ? null : bound.target.entitySet);
      continue;
    }
    if (prop.includes('@')) continue; // other instance annotations (@odata.type, @odata.etag) carry no data
    const navColumn = byNav.get(prop)?.column;
    if (navColumn && !byName.has(prop)) {
      if (value === null) {
        out[wireName(navColumn)] = null;
        continue;
      }
      throw badRequest(`Deep insert through '${prop}' is not supported by the sandbox; create the related row first and use '${prop}@odata.bind'.`);
    }
    const lookupByWire = schema.columns.find((c) => c.type === 'lookup' && wireName(c) === prop);
    if (lookupByWire) {
      const how = lookupTargets(lookupByWire).map((t) => `"${t.navigationProperty}@odata.bind": "/${t.entitySet}(<guid>)"`).join(' or ');
      throw badRequest(`'${prop}' is read-only: set the lookup with ${how}.`);
    }
    const column = byName.get(prop);
    if (!column || column.type === 'lookup') {
      throw badRequest(
        `The property '${prop}' does not exist on type 'Microsoft.Dynamics.CRM.${schema.entityType}'. Make sure to only use property names that are defined by the type.`,
        DV_CODES.segmentNotFound,
      );
    }
    if (prop === pk) {
      if (mode === 'update') continue; // the URL decides which row is updated
      out[prop] = checkValue(schema, column, value);
      continue;
    }
    if (column.readOnly) throw badRequest(`The property '${prop}' of ${schema.entityType} is read-only and cannot be set.`);
    out[prop] = checkValue(schema, column, value);
  }

  if (mode === 'create') {
    for (const c of schema.columns) {
      if (!c.required) continue;
      const wire = wireName(c);
      if (out[wire] === undefined || out[wire] === null) {
        throw badRequest(`A validation error occurred. The '${c.name}' attribute of the '${schema.entityType}' entity is required and was not set.`, DV_CODES.validation);
      }
    }
  }
  applyStateStatus(schema, out, mode, existing);
  // The service keeps a note's objecttypecode in step with the table its objectid points to.
  if (schema.entitySet === 'annotations' && boundTables.has('_objectid_value')) {
    const table = boundTables.get('_objectid_value');
    out.objecttypecode = table ? (ctx.store.schema(table)?.entityType ?? null) : null;
  }
  if (schema.entitySet === 'contacts' && ('firstname' in out || 'lastname' in out || mode === 'create')) {
    const first = (out.firstname !== undefined ? out.firstname : existing?.firstname) as string | null | undefined;
    const last = (out.lastname !== undefined ? out.lastname : existing?.lastname) as string | null | undefined;
    out.fullname = [first, last].filter((s) => s).join(' ') || null;
  }
  return out;
}

function applyStateStatus(schema: EntitySetSchema, out: Row, mode: 'create' | 'update', existing?: Row): void {
  const pairs = DATAVERSE_STATE_STATUS[schema.entitySet];
  if (!pairs || !schema.columns.some((c) => c.name === 'statecode')) return;
  if (mode === 'update' && out.statecode === undefined && out.statuscode === undefined) return;
  const state = (out.statecode ?? existing?.statecode ?? 0) as number;
  const allowed = pairs[state] ?? [];
  if (out.statuscode === undefined || out.statuscode === null) {
    if (out.statecode !== undefined || mode === 'create') out.statuscode = allowed[0] ?? 1;
  } else if (!allowed.includes(out.statuscode as number)) {
    throw badRequest(`${String(out.statuscode)} is not a valid status code for state code ${schema.entityType}State.${state}. Valid status codes: ${allowed.join(', ')}.`, DV_CODES.invalidArgument);
  }
  if (out.statecode === undefined || out.statecode === null) {
    if (mode === 'create') out.statecode = state;
    else if (out.statuscode !== undefined && !allowed.includes(out.statuscode as number)) out.statecode = state;
  }
}
