import { createHash } from 'node:crypto';
import type { ChangeRecord, Row } from '../types';
import type { SystemName } from '../../schema/entity-schema';
import { ConnectorError } from '../errors';

/**
 * Parses the RemoteExecutionContext that Dataverse webhooks post and that F&O data events carry
 * (DataContract JSON: collections are [{key, value}] arrays, dates are "/Date(ms)/", typed values
 * carry "__type"). Values are normalised to Web API shapes: EntityReference -> `_<name>_value`
 * GUID (Dataverse) or the referenced id, OptionSetValue/Money -> number, dates -> ISO 8601.
 */
export interface ContextParseOptions {
  system: SystemName;
  /** Logical (entity) name -> entity set. */
  entitySetFor(logicalName: string): string;
  /** Key columns of an entity set, to fill `ChangeRecord.key` from the attributes. */
  keyColumnsFor?(entitySet: string): string[] | undefined;
  /** Write lookups as `_<name>_value` (Dataverse Web API read shape). */
  lookupsAsValueColumns: boolean;
}

const UPSERT_MESSAGES = new Set(['create', 'update', 'upsert', 'setstate', 'setstatedynamicentity', 'assign', 'merge']);
const DELETE_MESSAGES = new Set(['delete']);

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function bad(message: string): ConnectorError {
  return new ConnectorError({ class: 'validation', message: `invalid RemoteExecutionContext: ${message}` });
}

/** `[{key, value}]` -> Map; also accepts a plain object (some serializers emit one). */
function pairs(collection: unknown, where: string): Map<string, unknown> {
  const out = new Map<string, unknown>();
  if (collection === undefined || collection === null) return out;
  if (Array.isArray(collection)) {
    collection.forEach((item, i) => {
      if (!isObject(item) || typeof item.key !== 'string') throw bad(`${where}[${i}] is not a {"key","value"} pair`);
      out.set(item.key, item.value);
    });
    return out;
  }
  if (isObject(collection)) {
    for (const [k, v] of Object.entries(collection)) out.set(k, v);
    return out;
  }
  throw bad(`${where} must be an array of {"key","value"} pairs`);
}

/** "/Date(1506384247000)/" or "/Date(1506409448000-0700)/" -> ISO (the offset is display-only; ms are UTC). */
export function parseDataContractDate(value: string): string | undefined {
  const m = /^\/Date\((-?\d+)([+-]\d{4})?\)\/$/.exec(value);
  if (!m?.[1]) return undefined;
  return new Date(Number(m[1])).toISOString();
}

function typeTag(v: Json): string {
  return typeof v.__type === 'string' ? v.__type.split(':')[0] ?? '' : '';
}

function normaliseValue(v: unknown): unknown {
  if (typeof v === 'string') return parseDataContractDate(v) ?? v;
  if (Array.isArray(v)) return v.map(normaliseValue);
  if (!isObject(v)) return v;
  const tag = typeTag(v);
  if ((tag === 'OptionSetValue' || tag === 'Money' || tag === 'BooleanManagedProperty') && 'Value' in v) return v.Value;
  if (tag === 'EntityReference' || ('LogicalName' in v && 'Id' in v && !('Attributes' in v))) return typeof v.Id === 'string' ? v.Id : null;
  if (tag === 'OptionSetValueCollection' && Array.isArray(v.Value)) return v.Value;
  if ('Value' in v && Object.keys(v).every((k) => k === 'Value' || k === '__type')) return v.Value;
  return v;
}

function isEntityReference(v: unknown): boolean {
  return isObject(v) && (typeTag(v) === 'EntityReference' || ('LogicalName' in v && 'Id' in v && !('Attributes' in v)));
}

function attributesOf(entity: Json, options: ContextParseOptions, where: string): Row {
  const out: Row = {};
  for (const [name, raw] of pairs(entity.Attributes, `${where}.Attributes`)) {
    if (isEntityReference(raw) && options.lookupsAsValueColumns) out[`_${name}_value`] = normaliseValue(raw);
    else out[name] = normaliseValue(raw);
  }
  return out;
}

function entityIn(collection: Map<string, unknown>, name?: string): Json | undefined {
  if (name !== undefined) {
    const v = collection.get(name);
    return isObject(v) ? v : undefined;
  }
  for (const v of collection.values()) if (isObject(v) && 'Attributes' in v) return v;
  return undefined;
}

/** Accepts one context, an array of them, or a JSON string of either. */
export function parseRemoteExecutionContexts(body: unknown, options: ContextParseOptions): ChangeRecord[] {
  let data = body;
  if (Buffer.isBuffer(data)) data = data.toString('utf8');
  if (typeof data === 'string') {
    try {
      data = JSON.parse(data.charCodeAt(0) === 0xfeff ? data.slice(1) : data) as unknown;
    } catch (err) {
      throw bad(`body is not JSON (${(err as Error).message})`);
    }
  }
  const contexts = Array.isArray(data) ? data : [data];
  return contexts.flatMap((c, i) => parseOne(c, options, contexts.length > 1 ? `[${i}]` : 'body'));
}

function parseOne(context: unknown, options: ContextParseOptions, where: string): ChangeRecord[] {
  if (!isObject(context)) throw bad(`${where} must be a JSON object with MessageName, PrimaryEntityName and PrimaryEntityId`);
  const message = context.MessageName;
  const logicalName = context.PrimaryEntityName;
  if (typeof message !== 'string' || message === '') throw bad(`${where}.MessageName is missing (expected Create, Update or Delete)`);
  if (typeof logicalName !== 'string' || logicalName === '') throw bad(`${where}.PrimaryEntityName is missing`);
  const lower = message.toLowerCase();
  const op = DELETE_MESSAGES.has(lower) ? 'delete' : UPSERT_MESSAGES.has(lower) ? 'upsert' : undefined;
  if (!op) throw bad(`${where}.MessageName "${message}" is not a data change (expected Create, Update, Upsert or Delete)`);

  const inputs = pairs(context.InputParameters, `${where}.InputParameters`);
  const pre = pairs(context.PreEntityImages, `${where}.PreEntityImages`);
  const post = pairs(context.PostEntityImages, `${where}.PostEntityImages`);
  const target = inputs.get('Target');
  const entitySet = options.entitySetFor(logicalName);

  // Images first, then Target: Target carries the values this very operation wrote.
  let values: Row | undefined;
  if (op === 'upsert') {
    values = {};
    const preImage = entityIn(pre);
    const postImage = entityIn(post);
    if (preImage) Object.assign(values, attributesOf(preImage, options, `${where}.PreEntityImages`));
    if (postImage) Object.assign(values, attributesOf(postImage, options, `${where}.PostEntityImages`));
    if (isObject(target) && 'Attributes' in target) Object.assign(values, attributesOf(target, options, `${where}.InputParameters.Target`));
  }

  const recordId = firstString(context.PrimaryEntityId, isObject(target) ? target.Id : undefined);
  const keyAttributes = isObject(target) ? pairs(target.KeyAttributes, `${where}.InputParameters.Target.KeyAttributes`) : new Map<string, unknown>();
  const key = buildKey(entitySet, values, keyAttributes, options);
  const rowVersion = firstString(isObject(target) ? target.RowVersion : undefined, values?.versionnumber);
  const changedAt = firstString(
    typeof values?.modifiedon === 'string' ? values.modifiedon : undefined,
    typeof context.OperationCreatedOn === 'string' ? parseDataContractDate(context.OperationCreatedOn) : undefined,
  );
  const changedBy = firstString(context.InitiatingUserId, context.UserId);
  const operationId = firstString(context.OperationId, context.RequestId, context.CorrelationId);

  const record: ChangeRecord = {
    system: options.system,
    entitySet,
    op,
    eventId: operationId
      ? `${operationId}:${recordId ?? stableKey(key)}:${lower}`
      : `sha256:${createHash('sha256').update(JSON.stringify(context)).digest('hex')}`,
  };
  if (recordId && recordId !== '00000000-0000-0000-0000-000000000000') record.recordId = recordId;
  if (key) record.key = key;
  if (values && Object.keys(values).length > 0) record.values = values;
  if (rowVersion !== undefined) record.version = String(rowVersion);
  if (changedAt) record.changedAt = changedAt;
  if (changedBy) record.changedBy = changedBy;
  return [record];
}

function buildKey(entitySet: string, values: Row | undefined, keyAttributes: Map<string, unknown>, options: ContextParseOptions): ChangeRecord['key'] {
  const out: Record<string, string | number | boolean> = {};
  for (const [k, v] of keyAttributes) {
    const n = normaliseValue(v);
    if (typeof n === 'string' || typeof n === 'number' || typeof n === 'boolean') out[k] = n;
  }
  const columns = options.keyColumnsFor?.(entitySet);
  if (columns && values) {
    const lowerIndex = new Map(Object.keys(values).map((k) => [k.toLowerCase(), k]));
    for (const column of columns) {
      // Data events may name columns in another case than the OData entity; match loosely.
      const source = column in values ? column : lowerIndex.get(column.toLowerCase());
      const v = source === undefined ? undefined : values[source];
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[column] = v;
    }
    if (!columns.every((c) => c in out)) return Object.keys(out).length && keyAttributes.size ? out : undefined;
  }
  return Object.keys(out).length ? out : undefined;
}

function firstString(...candidates: unknown[]): string | undefined {
  for (const c of candidates) {
    if (typeof c === 'string' && c !== '') return c;
    if (typeof c === 'number') return String(c);
  }
  return undefined;
}

function stableKey(key: Record<string, unknown> | undefined): string {
  if (!key) return 'unknown';
  return Object.keys(key)
    .sort()
    .map((k) => `${k}=${String(key[k])}`)
    .join(',');
}

/** account -> accounts, cdm_company -> cdm_companies, msdyn_address -> msdyn_addresses. */
export function pluralise(logicalName: string): string {
  if (/[^aeiou]y$/i.test(logicalName)) return `${logicalName.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/i.test(logicalName)) return `${logicalName}es`;
  return `${logicalName}s`;
}
