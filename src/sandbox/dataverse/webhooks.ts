/**
 * Dataverse webhook payloads: the RemoteExecutionContext DataContract JSON (fixture
 * dataverse-webhook-remoteexecutioncontext.json) and the headers the service sends with it.
 * Sync steps are posted inside the operation (a failure rolls it back); async steps after commit.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { ColumnSchema, EntitySetSchema } from '../../schema/entity-schema';
import type { EventMessage, EventRegistration } from '../shared/admin';
import type { DeliveryTarget } from '../shared/event-delivery';
import type { Row } from './store';

export const SANDBOX_ORGANIZATION_ID = '4ef5b371-e89e-e711-8122-000d3aa2331c';
export const SANDBOX_ORGANIZATION_NAME = 'dualwrite-sandbox';
export const SANDBOX_BUSINESS_UNIT_ID = 'e2b9dd85-e89e-e711-8122-000d3aa2331c';

/** A stable GUID for an application user, derived from the OAuth client id (like an application user's systemuserid). */
export function userIdForClient(clientId: string): string {
  const h = createHash('sha1').update(`dataverse-sandbox-user:${clientId}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h.slice(16, 17), 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const ENTITY_TYPE = 'Entity:http://schemas.microsoft.com/xrm/2011/Contracts';
const REFERENCE_TYPE = 'EntityReference:http://schemas.microsoft.com/xrm/2011/Contracts';
const OPTION_TYPE = 'OptionSetValue:http://schemas.microsoft.com/xrm/2011/Contracts';
const MONEY_TYPE = 'Money:http://schemas.microsoft.com/xrm/2011/Contracts';

/** `\/Date(ms)\/` as DataContract JSON writes dates (the escaped slashes appear after JSON.stringify). */
function contractDate(iso: string): string {
  return `/Date(${Date.parse(iso)})/`;
}

function reference(logicalName: string, id: string): Record<string, unknown> {
  return { __type: REFERENCE_TYPE, Id: id, KeyAttributes: [], LogicalName: logicalName, Name: null, RowVersion: null };
}

export interface EntityTypeLookup {
  (entitySet: string): EntitySetSchema | undefined;
}

export type LookupTableOf = (column: ColumnSchema, id: string) => EntitySetSchema | undefined;

/** Converts wire attributes to DataContract key/value pairs (lookups as EntityReference, choices as OptionSetValue). */
export function toAttributes(schema: EntitySetSchema, values: Row, typeOf: EntityTypeLookup, lookupTable?: LookupTableOf): { key: string; value: unknown }[] {
  const out: { key: string; value: unknown }[] = [];
  for (const column of schema.columns) {
    const wire = column.type === 'lookup' ? `_${column.name}_value` : column.name;
    if (!(wire in values)) continue;
    const v = values[wire];
    let value: unknown = v;
    if (v !== null && v !== undefined) {
      if (column.type === 'lookup') value = reference((lookupTable?.(column, String(v)) ?? typeOf(column.lookup?.entitySet ?? ''))?.entityType ?? column.lookup?.entitySet ?? '', String(v));
      else if (column.type === 'optionset') value = { __type: OPTION_TYPE, Value: v };
      else if (column.type === 'datetime') value = contractDate(String(v));
      else if (column.type === 'decimal' && /revenue|amount|price|cost|creditlimit/.test(column.name)) value = { __type: MONEY_TYPE, Value: v };
    }
    out.push({ key: column.name, value });
  }
  return out;
}

function entity(schema: EntitySetSchema, id: string, attributes: { key: string; value: unknown }[], withType: boolean, rowVersion: string | null): Record<string, unknown> {
  return {
    ...(withType ? { __type: ENTITY_TYPE } : {}),
    Attributes: attributes,
    EntityState: null,
    FormattedValues: [],
    Id: id,
    KeyAttributes: [],
    LogicalName: schema.entityType,
    RelatedEntities: [],
    RowVersion: rowVersion,
  };
}

export interface ExecutionInput {
  schema: EntitySetSchema;
  message: EventMessage;
  id: string;
  /** Wire values sent by the client (Create/Update), including the primary key. */
  target: Row;
  /** Row before the operation (Update/Delete). */
  before?: Row;
  /** Row after the operation (Create/Update). */
  after?: Row;
  mode: 'sync' | 'async';
  userId: string;
  correlationId: string;
  registration: EventRegistration;
  typeOf: EntityTypeLookup;
  /** The table a lookup value points to (a polymorphic lookup has several); default: its first target. */
  lookupTable?: LookupTableOf;
}

export function remoteExecutionContext(input: ExecutionInput): Record<string, unknown> {
  const { schema, message, id } = input;
  const primaryKey = schema.primaryKey[0] ?? '';
  const target =
    message === 'Delete'
      ? reference(schema.entityType, id)
      : entity(schema, id, toAttributes(schema, { ...input.target, [primaryKey]: id }, input.typeOf, input.lookupTable), true, null);
  const image = (row: Row) => entity(schema, id, toAttributes(schema, row, input.typeOf, input.lookupTable), false, row.versionnumber === undefined ? null : String(row.versionnumber));
  const now = new Date().toISOString();
  return {
    BusinessUnitId: SANDBOX_BUSINESS_UNIT_ID,
    CorrelationId: input.correlationId,
    Depth: 1,
    InitiatingUserId: input.userId,
    InputParameters: [{ key: 'Target', value: target }],
    IsExecutingOffline: false,
    IsInTransaction: input.mode === 'sync',
    IsOfflinePlayback: false,
    IsolationMode: 1,
    MessageName: message,
    Mode: input.mode === 'sync' ? 0 : 1,
    OperationCreatedOn: contractDate(now),
    OperationId: randomUUID(),
    OrganizationId: SANDBOX_ORGANIZATION_ID,
    OrganizationName: SANDBOX_ORGANIZATION_NAME,
    OutputParameters: message === 'Create' ? [{ key: 'id', value: id }] : [],
    OwningExtension: { Id: input.registration.id, KeyAttributes: [], LogicalName: 'sdkmessageprocessingstep', Name: null, RowVersion: null },
    ParentContext: null,
    PostEntityImages: input.after ? [{ key: 'PostImage', value: image(input.after) }] : [],
    PreEntityImages: input.before ? [{ key: 'PreImage', value: image(input.before) }] : [],
    PrimaryEntityId: id,
    PrimaryEntityName: schema.entityType,
    RequestId: randomUUID(),
    SecondaryEntityName: 'none',
    SharedVariables: [],
    Stage: 40,
    UserId: input.userId,
  };
}

/** The delivery target for a registration: URL plus the service's headers and the secret header. */
export function webhookTarget(registration: EventRegistration, schema: EntitySetSchema, message: EventMessage, correlationId: string): DeliveryTarget {
  const headers: Record<string, string> = {
    'x-ms-dynamics-organization': `${SANDBOX_ORGANIZATION_NAME}.crm.dynamics.com`,
    'x-ms-dynamics-entity-name': schema.entityType,
    'x-ms-dynamics-request-name': message,
    'x-ms-correlation-request-id': correlationId,
  };
  if (registration.secretHeader) headers[registration.secretHeader.name] = registration.secretHeader.value;
  return { url: registration.url, headers, registrationId: registration.id };
}
