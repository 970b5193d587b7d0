import type { Client } from '@temporalio/client';
import type { SyncDependencies } from '../../activities/sync/deps';
import { createConnector } from '../connectors/factory';
import type { ConnectorHooks } from '../connectors/shared/client-setup';
import type { Connector } from '../connectors/types';
import type { SystemEndpoint } from '../config/runtime-config';
import { DATAVERSE_ENTITY_SETS } from '../sandbox/dataverse/entities';
import { FINOPS_ENTITY_SETS } from '../sandbox/finops/entities';
import type { EntitySetSchema, SystemName } from '../schema/entity-schema';
import type { Store } from '../store';
import type { MapProvider } from './map-provider';

/**
 * The entity sets dualwrite knows by default: those of the standard maps, with the names and
 * keys the real services use (the sandboxes serve exactly these).
 */
export const STANDARD_SCHEMAS: EntitySetSchema[] = [...FINOPS_ENTITY_SETS, ...DATAVERSE_ENTITY_SETS];

/** What a connector needs to know per entity set, derived from its schema. */
export function entitySetOptions(schemas: readonly EntitySetSchema[], system: SystemName) {
  return Object.fromEntries(
    schemas
      .filter((s) => s.system === system)
      .map((s) => [
        s.entitySet,
        {
          logicalName: s.entityType,
          ...(system === 'dataverse' ? { idColumn: s.primaryKey[0] } : {}),
          key: system === 'dataverse' ? (s.alternateKeys?.[0]?.columns.map((c) => (s.columns.find((col) => col.name === c)?.type === 'lookup' ? `_${c}_value` : c)) ?? s.primaryKey) : s.primaryKey,
          ...(s.companyColumn ? { companyColumn: system === 'dataverse' ? `_${s.companyColumn}_value` : s.companyColumn } : {}),
        },
      ]),
  );
}

export function createConnectors(
  endpoints: Record<SystemName, SystemEndpoint>,
  companies: string[],
  schemas: readonly EntitySetSchema[] = STANDARD_SCHEMAS,
  hooks: Partial<Record<SystemName, ConnectorHooks>> = {},
): Record<SystemName, Connector> {
  return {
    finops: createConnector({ system: 'finops', ...endpoints.finops, companies, entitySets: entitySetOptions(schemas, 'finops') }, hooks.finops),
    dataverse: createConnector({ system: 'dataverse', ...endpoints.dataverse, companies, entitySets: entitySetOptions(schemas, 'dataverse') }, hooks.dataverse),
  };
}

export function syncDependencies(parts: {
  store: Store;
  connectors: Record<SystemName, Connector>;
  maps: MapProvider;
  companies: string[];
  client?: Client;
  taskQueue?: string;
  schemas?: EntitySetSchema[];
}): SyncDependencies {
  return {
    store: parts.store,
    connectors: parts.connectors,
    maps: parts.maps,
    schemas: parts.schemas ?? STANDARD_SCHEMAS,
    companies: parts.companies,
    client: parts.client,
    taskQueue: parts.taskQueue,
  };
}
