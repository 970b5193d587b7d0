/**
 * Resource paths and keys: `accounts`, `accounts(<guid>)`, `accounts(accountid=<guid>)`,
 * `accounts(accountnumber='X',_msdyn_company_value=<guid>)` (an alternate key, a lookup addressed
 * as `_x_value`), and entity references used by `@odata.bind` (relative, absolute or by key).
 */
import type { EntitySetSchema } from '../../schema/entity-schema';
import { ODataQueryError, parseKeyPredicate } from '../shared/odata-filter';
import { badRequest, DataverseError, DV_CODES } from './errors';
import { wireName } from './store';
import type { DataverseStore, Row } from './store';

export interface ResourcePath {
  entitySet: string;
  keyText?: string;
  /** What follows the entity or collection, e.g. `$count` or a property name. */
  tail?: string;
}

export type RowKey = { kind: 'id'; id: string } | { kind: 'alternate'; values: Record<string, unknown> };

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isGuid(s: string): boolean {
  return GUID.test(s);
}

export function parseResourcePath(rest: string): ResourcePath | undefined {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:\((.*)\))?(?:\/(.+))?$/.exec(rest);
  if (!m) return undefined;
  return { entitySet: m[1] as string, ...(m[2] !== undefined ? { keyText: m[2] } : {}), ...(m[3] !== undefined ? { tail: m[3] } : {}) };
}

function invalidKey(schema: EntitySetSchema): DataverseError {
  const t = `Microsoft.Dynamics.CRM.${schema.entityType}`;
  return badRequest(
    `The key in the request URI is not valid for resource '${t}'. Ensure that the names and number of key properties match the declared or alternate key properties for the resource '${t}'.`,
    DV_CODES.segmentNotFound,
  );
}

/** Parses the key segment against the primary key and the declared alternate keys. */
export function resolveKey(schema: EntitySetSchema, keyText: string): RowKey {
  let parts;
  try {
    parts = parseKeyPredicate(decodeURIComponent(keyText));
  } catch (err) {
    if (err instanceof ODataQueryError || err instanceof URIError) throw invalidKey(schema);
    throw err;
  }
  const pk = schema.primaryKey[0] ?? '';
  if (parts.length === 1 && parts[0] && (parts[0].name === undefined || parts[0].name === pk)) {
    const v = String(parts[0].value);
    if (!isGuid(v)) throw badRequest(`'${v}' is not a valid GUID for the key of ${schema.entitySet}; use ${schema.entitySet}(00000000-0000-0000-0000-000000000001) or an alternate key.`, DV_CODES.segmentNotFound);
    return { kind: 'id', id: v.toLowerCase() };
  }
  if (parts.some((p) => p.name === undefined)) throw invalidKey(schema);
  const given = parts.map((p) => p.name as string).sort();
  for (const key of schema.alternateKeys ?? []) {
    const cols = key.columns.map((name) => schema.columns.find((c) => c.name === name));
    const wires = cols.map((c) => (c ? wireName(c) : '')).sort();
    if (wires.length !== given.length || wires.some((w, i) => w !== given[i])) continue;
    const values: Record<string, unknown> = {};
    for (const p of parts) {
      const col = cols.find((c) => c && wireName(c) === p.name);
      if (!col) throw invalidKey(schema);
      let v: unknown = p.value;
      if (col.type === 'lookup' || col.type === 'guid') {
        if (typeof v !== 'string' || !isGuid(v)) throw badRequest(`The key property '${p.name}' of ${schema.entitySet} needs a GUID, got ${JSON.stringify(p.value)}.`, DV_CODES.segmentNotFound);
        v = v.toLowerCase();
      } else if (col.type === 'string' && typeof v !== 'string') v = String(v);
      values[p.name as string] = v;
    }
    return { kind: 'alternate', values };
  }
  throw invalidKey(schema);
}

export function findRow(store: DataverseStore, schema: EntitySetSchema, key: RowKey): Row | undefined {
  return key.kind === 'id' ? store.getById(schema.entitySet, key.id) : store.findByKey(schema.entitySet, key.values);
}

/** The key segment as it should appear in an entity URL (OData-EntityId keeps the URL's key form). */
export function keySegment(key: RowKey): string {
  if (key.kind === 'id') return key.id;
  return Object.entries(key.values)
    .map(([k, v]) => `${k}=${typeof v === 'string' && !isGuid(v) ? `'${v.replace(/'/g, "''")}'` : String(v)}`)
    .join(',');
}

export function describeKey(schema: EntitySetSchema, key: RowKey): string {
  return key.kind === 'id' ? key.id : Object.entries(key.values).map(([k, v]) => `${k}:${String(v)}`).join(',');
}

/**
 * Parses an entity reference from `@odata.bind` / `@odata.id`: `/cdm_companies(<guid>)`,
 * `cdm_companies(<guid>)`, an absolute URL under the service root, or a key form.
 */
export function parseEntityReference(text: string, serviceRootPath: string): { entitySet: string; keyText: string } | undefined {
  let path = text.trim();
  if (/^https?:\/\//i.test(path)) {
    try {
      path = new URL(path).pathname;
    } catch {
      return undefined;
    }
  }
  const rootIdx = path.indexOf(serviceRootPath);
  if (rootIdx >= 0) path = path.slice(rootIdx + serviceRootPath.length);
  path = path.replace(/^\/+/, '');
  const m = /^([A-Za-z_][A-Za-z0-9_]*)\((.+)\)$/.exec(path);
  if (!m) return undefined;
  return { entitySet: m[1] as string, keyText: m[2] as string };
}
