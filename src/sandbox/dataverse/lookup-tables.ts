import { lookupTargets, type ColumnSchema, type EntitySetSchema } from '../../schema/entity-schema';
import type { DataverseStore } from './store';

/**
 * The table a stored lookup value points to. A polymorphic lookup (customerid: account or
 * contact) stores only the GUID, so the target is the first of its tables holding that row;
 * Dataverse keeps the type beside the value, and GUIDs are unique across tables, so the answer
 * is the same. A dangling value falls back to the first target.
 */
export function lookupTable(store: DataverseStore, column: ColumnSchema, id: string): EntitySetSchema | undefined {
  const targets = lookupTargets(column);
  if (targets.length > 1) {
    for (const target of targets) if (store.schema(target.entitySet) && store.getById(target.entitySet, id)) return store.schema(target.entitySet);
  }
  return targets[0] ? store.schema(targets[0].entitySet) : undefined;
}
