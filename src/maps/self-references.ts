import type { Row } from '../connectors/types';
import type { SystemName } from '../schema/entity-schema';
import { lookupValueColumn } from './company';
import type { ColumnMapping, TableMap } from './schema';

/**
 * A self-referencing map (an account's parent or billing account is another account) is loaded
 * in two passes: pass 1 cannot point a row at a row not written yet. Only the rows that do hold
 * such a reference need pass 2; the rest are written whole in pass 1 and pass 2 never reads
 * them again. That needs the reference to be readable from the master row by value: a column
 * computed by an expression or given a default is not, and then every row takes both passes.
 */
export interface SelfReferences {
  /** Master-side columns holding references to the map's own rows (as a read returns them). */
  columns: string[];
  /** OData filter on the master selecting the rows that hold at least one such reference. */
  filter: string | undefined;
}

function refersTo(column: ColumnMapping, map: TableMap): boolean {
  // A polymorphic lookup lists several maps.
  const target: unknown = column.lookup?.map;
  return Array.isArray(target) ? target.includes(map.name) : target === map.name;
}

function flowsFrom(column: ColumnMapping, master: SystemName): boolean {
  return column.direction === '<->' || column.direction === (master === 'finops' ? '->' : '<-');
}

/** The self references of a map read from `master`, or undefined when they cannot be told by value. */
export function selfReferences(map: TableMap, master: SystemName): SelfReferences | undefined {
  const columns: string[] = [];
  for (const c of map.columns) {
    if (!refersTo(c, map) || !flowsFrom(c, master)) continue;
    const name = c[master];
    if (name === undefined || c.default !== undefined || (master === 'finops' ? c.toDataverse : c.toFinops) !== undefined) return undefined;
    columns.push(master === 'dataverse' ? lookupValueColumn(name) : name);
  }
  // F&O keeps "no value" in a string column as '' rather than null.
  const holds = (column: string) => (master === 'finops' ? `(${column} ne null and ${column} ne '')` : `${column} ne null`);
  return { columns, filter: columns.length > 0 ? columns.map(holds).join(' or ') : undefined };
}

export function holdsSelfReference(row: Row, refs: SelfReferences): boolean {
  return refs.columns.some((c) => row[c] !== null && row[c] !== undefined && row[c] !== '');
}
