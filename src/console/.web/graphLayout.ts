import type { TableMap } from './api';

export interface GraphEdge {
  from: string;
  to: string;
  /** dependsOn, or a lookup (with the column that holds the reference). */
  kind: 'dependsOn' | 'lookup';
  column?: string;
}

export interface GraphNode {
  name: string;
  /** Longest chain of prerequisites below it: prerequisites sit in lower layers. */
  layer: number;
  row: number;
}

/** Edges from a map to what it needs; a self-reference (customers' invoice account) is kept as its own edge. */
export function catalogEdges(maps: readonly TableMap[]): GraphEdge[] {
  const edges: GraphEdge[] = [];
  for (const map of maps) {
    for (const dep of map.dependsOn ?? []) edges.push({ from: map.name, to: dep, kind: 'dependsOn' });
    for (const c of map.columns) {
      // A polymorphic lookup (customerid: accounts or contacts) names several maps: an edge to each.
      for (const to of c.lookup ? [c.lookup.map].flat() : []) edges.push({ from: map.name, to, kind: 'lookup', ...(c.finops ?? c.dataverse ? { column: c.finops ?? c.dataverse } : {}) });
    }
  }
  return edges;
}

/** Layers by longest prerequisite chain (cycles, which validation refuses, are cut where found). */
export function layout(names: readonly string[], edges: readonly GraphEdge[]): GraphNode[] {
  const needs = new Map<string, string[]>(names.map((n) => [n, []]));
  for (const e of edges) if (e.from !== e.to && needs.has(e.to)) needs.get(e.from)?.push(e.to);
  const layer = new Map<string, number>();
  const visiting = new Set<string>();
  const depth = (n: string): number => {
    const known = layer.get(n);
    if (known !== undefined) return known;
    if (visiting.has(n)) return 0;
    visiting.add(n);
    const d = Math.max(-1, ...(needs.get(n) ?? []).map(depth)) + 1;
    visiting.delete(n);
    layer.set(n, d);
    return d;
  };
  const rows = new Map<number, number>();
  return [...names].sort().map((name) => {
    const l = depth(name);
    const row = rows.get(l) ?? 0;
    rows.set(l, row + 1);
    return { name, layer: l, row };
  });
}
