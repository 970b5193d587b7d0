import { createHash, randomUUID } from 'node:crypto';
import type { ChangeEvent, EntityStore, Row } from '../shared/entity-store';
import type { EventDelivery } from '../shared/event-delivery';
import type { RegistrationStore } from '../shared/admin';

/**
 * F&O data events: on every committed create, update or delete of an entity with a matching
 * registration, POST a RemoteExecutionContext-shaped JSON (the Dataverse webhook contract that
 * F&O data events use) to the registered URL, asynchronously, with the shared delivery's
 * retries (F&O: 3 retries one second apart).
 *
 * Sandbox choices (no public sample of an F&O data event exists): PrimaryEntityName and
 * LogicalName are the entity set name, attribute keys are the F&O property names, the entity
 * key travels in KeyAttributes, and Id is a GUID derived from the key (F&O entities have none).
 */

const ENTITY_TYPE = 'Entity:http://schemas.microsoft.com/xrm/2011/Contracts';
const REFERENCE_TYPE = 'EntityReference:http://schemas.microsoft.com/xrm/2011/Contracts';

export interface DataEventContextOptions {
  organizationId: string;
  organizationName: string;
  userId: string;
  now?: () => Date;
}

/** A stable GUID for an F&O record key, so create/update/delete of one record share an Id. */
export function recordGuid(entitySet: string, key: Record<string, unknown>): string {
  const h = createHash('sha1').update(entitySet).update('\0').update(JSON.stringify(Object.values(key).map((v) => String(v).toLowerCase()))).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h.slice(16, 18), 16) & 0x3f) | 0x80).toString(16)}${h.slice(18, 20)}-${h.slice(20, 32)}`;
}

function wcfDate(iso: string): string {
  return `/Date(${Date.parse(iso)})/`;
}

function attributes(row: Row, datetimeColumns: Set<string>): { key: string; value: unknown }[] {
  const out: { key: string; value: unknown }[] = [];
  for (const [key, value] of Object.entries(row)) {
    if (datetimeColumns.has(key)) {
      // "Any datetime properties ... that have a NULL value will be removed."
      if (value === null || value === undefined) continue;
      out.push({ key, value: wcfDate(String(value)) });
    } else out.push({ key, value: value ?? null });
  }
  return out;
}

export function buildRemoteExecutionContext(event: ChangeEvent, store: EntityStore, options: DataEventContextOptions): Record<string, unknown> {
  const schema = store.schema(event.entitySet);
  const datetimeColumns = new Set(schema.columns.filter((c) => c.type === 'datetime').map((c) => c.name));
  const id = recordGuid(event.entitySet, event.key);
  const keyAttributes = Object.entries(event.key).map(([key, value]) => ({ key, value }));
  const entity = (row: Row) => ({
    __type: ENTITY_TYPE,
    Attributes: attributes(row, datetimeColumns),
    EntityState: null,
    FormattedValues: [],
    Id: id,
    KeyAttributes: keyAttributes,
    LogicalName: event.entitySet,
    RelatedEntities: [],
    RowVersion: String(event.version),
  });
  const target =
    event.message === 'Delete'
      ? { __type: REFERENCE_TYPE, Id: id, KeyAttributes: keyAttributes, LogicalName: event.entitySet, Name: null, RowVersion: String(event.version) }
      : entity(event.row);
  const now = (options.now ?? (() => new Date()))();
  const company = schema.companyColumn ? event.key[schema.companyColumn] : undefined;
  return {
    BusinessUnitId: options.organizationId,
    CorrelationId: randomUUID(),
    Depth: 1,
    InitiatingUserId: options.userId,
    InputParameters: [{ key: 'Target', value: target }],
    IsExecutingOffline: false,
    IsInTransaction: false,
    IsOfflinePlayback: false,
    IsolationMode: 1,
    MessageName: event.message,
    Mode: 1,
    OperationCreatedOn: `/Date(${now.getTime()})/`,
    OperationId: randomUUID(),
    OrganizationId: options.organizationId,
    OrganizationName: options.organizationName,
    OutputParameters: [],
    OwningExtension: { Id: options.organizationId, KeyAttributes: [], LogicalName: 'sdkmessageprocessingstep', Name: null, RowVersion: null },
    ParentContext: null,
    PostEntityImages: event.message === 'Delete' ? [] : [{ key: 'PostImage', value: entity(event.row) }],
    PreEntityImages: event.previous ? [{ key: 'PreImage', value: entity(event.previous) }] : [],
    PrimaryEntityId: id,
    PrimaryEntityName: event.entitySet,
    RequestId: null,
    SecondaryEntityName: 'none',
    SharedVariables: company === undefined ? [] : [{ key: 'dataAreaId', value: company }],
    Stage: 40,
    UserId: options.userId,
  };
}

/** Wires committed store changes to data-event deliveries; returns the unsubscribe function. */
export function wireDataEvents(store: EntityStore, registrations: RegistrationStore, delivery: EventDelivery, options: DataEventContextOptions): () => void {
  return store.onChange((event) => {
    const targets = registrations.matching(event.entitySet, event.message, 'async');
    if (targets.length === 0) return;
    const body = buildRemoteExecutionContext(event, store, options);
    for (const reg of targets) {
      delivery.enqueue(
        {
          url: reg.url,
          registrationId: reg.id,
          headers: {
            'x-ms-dynamics-organization': options.organizationName,
            'x-ms-dynamics-entity-name': event.entitySet,
            'x-ms-dynamics-request-name': event.message,
            'x-ms-correlation-request-id': String(body.CorrelationId),
            ...(reg.secretHeader ? { [reg.secretHeader.name]: reg.secretHeader.value } : {}),
          },
        },
        body,
      );
    }
  });
}
