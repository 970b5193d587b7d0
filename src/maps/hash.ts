import { createHash } from 'node:crypto';
import { lookupValueColumn } from './company';
import { canonicalJson } from './sha256';
import type { MapSide, TableMap } from './schema';

/**
 * The columns of one side that a map covers, in the form a read returns them (Dataverse lookups
 * as `_<col>_value`). Only these feed the content hash: a change to an unmapped column is not a
 * change dualwrite has to carry.
 */
export function mappedColumns(map: TableMap, side: MapSide): string[] {
  const out = new Set<string>();
  for (const c of map.columns) {
    const name = c[side];
    if (name === undefined) continue;
    out.add(side === 'dataverse' && c.lookup ? lookupValueColumn(name) : name);
  }
  return [...out].sort();
}

/**
 * Normalises what the two services return for "no value" (absent, null, empty text) and for
 * GUID case, so a row written by dualwrite and read back hashes the same as what was written.
 */
function normalise(value: unknown): unknown {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value === 'string' && /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/i.test(value)) return value.toLowerCase();
  return value;
}

/**
 * A stable SHA-256 (hex) of the mapped columns of one side of a row, for echo suppression and
 * drift detection. Columns the map does not cover are ignored; key order does not matter.
 * node:crypto, not the plain-TypeScript sha256Hex (same digest): the engine hashes every row
 * two or three times, and the plain version was 10% of an initial sync's CPU.
 */
export function contentHash(map: TableMap, side: MapSide, row: Readonly<Record<string, unknown>>): string {
  const picked: Record<string, unknown> = {};
  for (const column of mappedColumns(map, side)) {
    picked[column] = normalise(Object.prototype.hasOwnProperty.call(row, column) ? row[column] : undefined);
  }
  return createHash('sha256').update(canonicalJson(picked), 'utf8').digest('hex');
}
