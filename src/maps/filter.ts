import { evaluateFilter, parseFilter, renderFilterNode, type FilterNode } from './odata-filter';
import type { MapSide, TableMap } from './schema';

const parsed = new Map<string, FilterNode>();

/** Parses a filter once per distinct text. Throws FilterSyntaxError; the loader reports those per file. */
export function compileFilter(source: string): FilterNode {
  let node = parsed.get(source);
  if (!node) {
    node = parseFilter(source);
    if (parsed.size > 10_000) parsed.clear();
    parsed.set(source, node);
  }
  return node;
}

/** True when the row passes the map's source filter for that side (no filter: every row passes). */
export function matchesFilter(map: TableMap, side: MapSide, row: Readonly<Record<string, unknown>>): boolean {
  const filter = map[side].filter;
  if (filter === undefined) return true;
  return evaluateFilter(compileFilter(filter), row);
}

/** The side's filter as canonical OData `$filter` text, or undefined when the map has none. */
export function renderFilter(map: TableMap, side: MapSide): string | undefined {
  const filter = map[side].filter;
  return filter === undefined ? undefined : renderFilterNode(compileFilter(filter));
}
