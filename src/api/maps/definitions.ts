import { z } from 'zod';
import type { MapError } from '../../maps/errors';
import { topologicalOrder } from '../../maps/graph';
import { parseMapText } from '../../maps/loader';
import type { TableMap } from '../../maps/schema';
import { canonicalJson } from '../../maps/sha256';
import { ApiError } from '../errors';
import type { CatalogEntry } from './catalog';

export const MapErrorSchema = z.object({
  map: z.string().optional(),
  path: z.string().describe('JSON path inside the map, e.g. $.columns[3].direction'),
  line: z.number().optional(),
  column: z.number().optional(),
  code: z.string(),
  message: z.string(),
  expected: z.string(),
  hint: z.string().optional(),
});

/** Every problem of a posted definition: syntax, schema, semantics (parseMapText runs checkMap), and its dependencies against the catalog. */
export function validateDefinition(data: unknown, catalog: ReadonlyMap<string, CatalogEntry>): { map?: TableMap; errors: MapError[] } {
  const text = JSON.stringify(data ?? null, null, 2);
  const loaded = parseMapText(text);
  // Line numbers would point into our re-serialisation, not the caller's text: JSON paths only.
  if (!loaded.map) return { errors: loaded.errors.map(({ line: _l, column: _c, ...e }) => e) };
  const others = [...catalog.values()].map((e) => e.map).filter((m) => m.name !== loaded.map!.name);
  const graphErrors = topologicalOrder([...others, loaded.map]).errors.filter((e) => e.map === undefined || e.map === loaded.map!.name);
  return graphErrors.length ? { errors: graphErrors } : { map: loaded.map, errors: [] };
}

/** Refuses an invalid definition with every error listed. */
export function requireValidDefinition(data: unknown, catalog: ReadonlyMap<string, CatalogEntry>): TableMap {
  const { map, errors } = validateDefinition(data, catalog);
  if (!map || errors.length) {
    throw new ApiError(400, 'invalid-map', `the map definition has ${errors.length} error(s): ${errors.slice(0, 3).map((e) => `${e.path}: ${e.message}`).join('; ')}`, { errors });
  }
  return map;
}

/** Same content apart from the version (and the editor-only `$schema`). */
export function sameContent(a: TableMap, b: TableMap): boolean {
  const strip = (m: TableMap) => {
    const { $schema: _s, version: _v, ...rest } = m;
    return canonicalJson(rest);
  };
  return strip(a) === strip(b);
}

/** The text stored as a published version: stable, readable, without `$schema`. */
export function definitionText(map: TableMap): string {
  const { $schema: _s, ...rest } = map;
  return `${JSON.stringify(rest, null, 2)}\n`;
}
