/**
 * The shape of an entity set as dualwrite needs to know it: keys, columns, types, limits.
 * The sandboxes declare their entity sets with it (and serve it as $metadata), the maps
 * validate column names and value kinds against it, and connectors can read it back from a
 * live service's $metadata.
 */
export type SystemName = 'finops' | 'dataverse';

export type ColumnType =
  | 'string'
  | 'int'
  | 'bigint'
  | 'decimal'
  | 'bool'
  | 'date' // yyyy-mm-dd
  | 'datetime' // ISO 8601, UTC
  | 'guid'
  | 'enum' // F&O enum: symbol strings, e.g. "Yes" / "No"
  | 'optionset' // Dataverse choice: integers
  | 'lookup'; // Dataverse lookup: read as _<name>_value (GUID), written as <navigation>@odata.bind

export interface ColumnSchema {
  name: string;
  type: ColumnType;
  /** Maximum string length. */
  maxLength?: number;
  /** Must be present (and non-null) on create. */
  required?: boolean;
  /** Allowed symbols of an F&O enum. */
  enumSymbols?: string[];
  /** Allowed integer values of a Dataverse option set, with their labels. */
  options?: { value: number; label: string }[];
  /**
   * Dataverse lookups: the entity set it points to and the navigation property used with
   * @odata.bind. A polymorphic lookup (customer, regarding) lists every target in `targets`, in
   * the service's order, the first being `entitySet`/`navigationProperty`; see lookupTargets.
   */
  lookup?: LookupTarget & { targets?: LookupTarget[] };
  /** Set by the system (e.g. modifiedon, versionnumber); never written by clients. */
  readOnly?: boolean;
  description?: string;
}

/** One table a Dataverse lookup may point to, with its single-valued navigation property. */
export interface LookupTarget {
  entitySet: string;
  navigationProperty: string;
}

export interface KeySchema {
  name: string;
  columns: string[];
}

export interface EntitySetSchema {
  system: SystemName;
  /** Entity set name in URLs, e.g. CustomersV3 or accounts. */
  entitySet: string;
  /** Entity type (logical) name, e.g. CustomerV3 or account. */
  entityType: string;
  /** Entity key columns: F&O composite keys include dataAreaId; Dataverse is the GUID id column. */
  primaryKey: string[];
  /** Dataverse alternate keys (may include a lookup column, addressed as _<name>_value). */
  alternateKeys?: KeySchema[];
  /** F&O: the entity is striped by dataAreaId. Dataverse: rows carry a company lookup. */
  companySpecific: boolean;
  /** Column holding the company: dataAreaId on F&O, a cdm_companies lookup on Dataverse. */
  companyColumn?: string;
  /** Column that carries the last-modified time, used for conflict resolution. */
  modifiedColumn?: string;
  changeTracking?: boolean;
  columns: ColumnSchema[];
}

export function findColumn(schema: EntitySetSchema, name: string): ColumnSchema | undefined {
  return schema.columns.find((c) => c.name === name);
}

/** Every table a lookup column may point to (one for a simple lookup, several for a polymorphic one). */
export function lookupTargets(column: ColumnSchema): LookupTarget[] {
  const lookup = column.lookup;
  if (!lookup) return [];
  return lookup.targets?.length ? lookup.targets : [{ entitySet: lookup.entitySet, navigationProperty: lookup.navigationProperty }];
}
