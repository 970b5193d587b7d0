import type { MapError } from './errors';
import { effectiveSettings, lookupMapNames, type TableMap } from './schema';

export interface DependencyGraph {
  /** Map name -> names it depends on (dependsOn plus maps its lookups refer to), self excluded. */
  edges: Map<string, string[]>;
  /** Maps that refer to themselves (e.g. customers' invoice account): load them in two passes. */
  selfReferencing: string[];
}

export interface TopologicalOrder {
  /** Prerequisites first; ties in name order, so the order is stable. Empty when there is a cycle. */
  order: string[];
  selfReferencing: string[];
  /** The first cycle found, as a closed path: ['a', 'b', 'a']. */
  cycle?: string[];
  errors: MapError[];
}

/**
 * Lookups imply a dependency: the referenced rows must exist before they can be referred to. A
 * lookup naming several maps (polymorphic) depends on each of them.
 */
export function dependencyGraph(maps: readonly TableMap[]): DependencyGraph {
  const edges = new Map<string, string[]>();
  const selfReferencing: string[] = [];
  for (const map of maps) {
    const deps = new Set<string>(effectiveSettings(map).dependsOn);
    for (const c of map.columns) if (c.lookup) for (const name of lookupMapNames(c.lookup)) deps.add(name);
    if (deps.delete(map.name)) selfReferencing.push(map.name);
    edges.set(map.name, [...deps].sort());
  }
  return { edges, selfReferencing: selfReferencing.sort() };
}

/**
 * Orders maps so that every map comes after the maps it depends on. A cycle is an error naming
 * the cycle (`a -> b -> a`); a map depending on itself is not a cycle but is reported in
 * `selfReferencing` for two-pass loading. Unknown dependencies are errors.
 */
export function topologicalOrder(maps: readonly TableMap[]): TopologicalOrder {
  const { edges, selfReferencing } = dependencyGraph(maps);
  const errors: MapError[] = [];
  const names = [...edges.keys()].sort();
  for (const map of maps) {
    for (const dep of edges.get(map.name) ?? []) {
      if (!edges.has(dep)) {
        errors.push({
          map: map.name,
          path: '$.dependsOn',
          code: 'unknown-dependency',
          message: `map '${map.name}' depends on '${dep}', which is not in the catalog`,
          expected: 'the name of a map in the catalog',
          hint: `add the map '${dep}' to the catalog (or remove the dependency / lookup)`,
        });
      }
    }
  }

  const cycle = findCycle(names, edges);
  if (cycle) {
    errors.push({
      map: cycle[0],
      path: '$.dependsOn',
      code: 'cycle',
      message: `dependency cycle: ${cycle.join(' -> ')}`,
      expected: 'maps whose dependencies form no cycle (a map may refer to itself)',
      hint: 'remove one dependsOn entry or lookup of the cycle; load that column in a second pass instead',
    });
    return { order: [], selfReferencing, cycle, errors };
  }

  const order: string[] = [];
  const done = new Set<string>();
  const visit = (name: string): void => {
    if (done.has(name)) return;
    done.add(name);
    for (const dep of edges.get(name) ?? []) if (edges.has(dep)) visit(dep);
    order.push(name);
  };
  for (const name of names) visit(name);
  return { order, selfReferencing, errors };
}

/** Depth-first search with colours; returns the first cycle as a closed path. */
function findCycle(names: string[], edges: Map<string, string[]>): string[] | undefined {
  const state = new Map<string, 'active' | 'done'>();
  const stack: string[] = [];
  const dfs = (name: string): string[] | undefined => {
    state.set(name, 'active');
    stack.push(name);
    for (const dep of edges.get(name) ?? []) {
      if (!edges.has(dep)) continue;
      const s = state.get(dep);
      if (s === 'active') return [...stack.slice(stack.indexOf(dep)), dep];
      if (s === undefined) {
        const found = dfs(dep);
        if (found) return found;
      }
    }
    stack.pop();
    state.set(name, 'done');
    return undefined;
  };
  for (const name of names) {
    if (!state.has(name)) {
      const found = dfs(name);
      if (found) return found;
    }
  }
  return undefined;
}

/** Maps that depend on `name`, directly or not (pausing a map pauses these too). */
export function dependents(maps: readonly TableMap[], name: string): string[] {
  const { edges } = dependencyGraph(maps);
  const out = new Set<string>();
  let frontier = [name];
  while (frontier.length > 0) {
    const next: string[] = [];
    for (const [m, deps] of edges) {
      if (!out.has(m) && m !== name && deps.some((d) => frontier.includes(d))) {
        out.add(m);
        next.push(m);
      }
    }
    frontier = next;
  }
  return [...out].sort();
}
