import type { KeyValue, KeyValues } from '../connectors/types';
import { FINOPS_COMPANY_COLUMN, companyCodeForFinops, lookupValueColumn } from './company';
import { effectiveSettings, type ColumnMapping, type MapSide, type TableMap } from './schema';

export interface IntegrationKey {
  /**
   * Stable text form, e.g. `["usmf","US-001"]`: the company (lowercase F&O code) first for
   * company-specific maps, then the key values in key order. For the same record both sides give
   * the same text, provided a Dataverse row's company code is known (see `companyCode`).
   */
  key: string;
  /** Key columns -> values as the connector addresses the row (Dataverse lookups as `_<col>_value`). */
  values: KeyValues;
  /** Key columns the row lacks (null or absent); the key is unusable when this is not empty. */
  missing: string[];
}

export interface IntegrationKeyOptions {
  /**
   * Dataverse rows carry the company as a GUID; pass its code (cdm_companycode, any case) to make
   * the text key comparable with the F&O side. Without it the GUID is used (`id:<guid>`).
   */
  companyCode?: string;
  /**
   * Dataverse key columns that are lookups (order lines keyed by their order) hold a GUID; pass the
   * referenced record's key value by column (e.g. `{ salesorderid: 'SO-1' }`, from a `read-column`
   * lookup) to make the text key comparable with the F&O side.
   */
  lookupKeyValues?: Readonly<Record<string, KeyValue>>;
}

function isKeyValue(v: unknown): v is KeyValue {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

/** Mappings of the map's Dataverse key columns that are lookups (addressed as `_<col>_value`). */
export function keyLookupColumns(map: TableMap): ColumnMapping[] {
  return map.columns.filter((c) => c.lookup !== undefined && c.dataverse !== undefined && map.dataverse.key.includes(c.dataverse));
}

/** The row's integration key on one side of the map. */
export function integrationKey(
  map: TableMap,
  side: MapSide,
  row: Readonly<Record<string, unknown>>,
  options: IntegrationKeyOptions = {},
): IntegrationKey {
  const values: KeyValues = {};
  const missing: string[] = [];
  const parts: unknown[] = [];
  const take = (column: string): KeyValue | undefined => {
    const v = row[column];
    if (isKeyValue(v) && v !== '') {
      values[column] = v;
      return v;
    }
    missing.push(column);
    return undefined;
  };

  if (map.scope === 'company') {
    if (side === 'finops') {
      const company = take(FINOPS_COMPANY_COLUMN);
      parts.push(typeof company === 'string' ? companyCodeForFinops(company) : company ?? null);
    } else {
      const { companyColumn, companyInKey } = effectiveSettings(map);
      const guidColumn = lookupValueColumn(companyColumn);
      const raw = row[guidColumn];
      const companyGuid = companyInKey ? take(guidColumn) : typeof raw === 'string' && raw !== '' ? raw : undefined;
      parts.push(options.companyCode !== undefined ? companyCodeForFinops(options.companyCode) : companyGuid === undefined ? null : `id:${String(companyGuid)}`);
    }
  }
  const lookupColumns = side === 'dataverse' ? new Set(keyLookupColumns(map).map((c) => c.dataverse)) : new Set<string | undefined>();
  for (const column of map[side].key) {
    const lookup = lookupColumns.has(column);
    const value = take(lookup ? lookupValueColumn(column) : column);
    const readable = lookup ? options.lookupKeyValues?.[column] : undefined;
    parts.push(readable ?? (lookup && value !== undefined ? `id:${String(value).toLowerCase()}` : value ?? null));
  }
  return { key: JSON.stringify(parts), values, missing };
}
