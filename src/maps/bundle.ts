import { z } from 'zod';
import type { EntitySetSchema } from '../schema/entity-schema';
import { checkMap } from './check-map';
import { diffMap, isEmptyDiff } from './diff';
import { jsonPath, type MapError } from './errors';
import { topologicalOrder } from './graph';
import { TableMapSchema, type TableMap } from './schema';
import { compareVersions } from './semver';
import { canonicalJson, sha256Hex } from './sha256';
import { validateCatalog } from './validate-catalog';
import { zodIssuesToMapErrors } from './zod-errors';

/**
 * A portable set of maps for promotion between environments: every map with its version and
 * publisher, and a checksum over the maps so a hand-edited or truncated bundle is refused.
 */
export const BUNDLE_FORMAT = 'dualwrite-map-bundle';

export interface MapBundle {
  format: typeof BUNDLE_FORMAT;
  formatVersion: 1;
  /** Who exported the bundle. */
  publisher: string;
  exportedAt?: string;
  maps: { name: string; version: string; publisher: string; map: TableMap }[];
  /** sha256 (hex) of the canonical JSON of `maps`. */
  checksum: string;
}

const BundleEnvelopeSchema = z.strictObject({
  format: z.literal(BUNDLE_FORMAT),
  formatVersion: z.literal(1),
  publisher: z.string().min(1),
  exportedAt: z.string().optional(),
  maps: z.array(z.strictObject({ name: z.string(), version: z.string(), publisher: z.string(), map: z.unknown() })),
  checksum: z.string().regex(/^[0-9a-f]{64}$/, 'a sha256 hex digest'),
});

function checksumOf(maps: MapBundle['maps']): string {
  return sha256Hex(canonicalJson(maps));
}

/** Builds a bundle of the given maps (sorted by name, `$schema` dropped: it is file-local). */
export function exportBundle(maps: readonly TableMap[], options: { publisher?: string; exportedAt?: string } = {}): MapBundle {
  const entries = [...maps]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((m) => {
      const { $schema: _schema, ...map } = m;
      return { name: m.name, version: m.version, publisher: m.publisher, map: map as TableMap };
    });
  return {
    format: BUNDLE_FORMAT,
    formatVersion: 1,
    publisher: options.publisher ?? 'dualwrite',
    ...(options.exportedAt ? { exportedAt: options.exportedAt } : {}),
    maps: entries,
    checksum: checksumOf(entries),
  };
}

/** Validates a bundle read from JSON: envelope, checksum, and every map. Collects all errors. */
export function parseBundle(data: unknown, file?: string): { bundle?: MapBundle; errors: MapError[] } {
  const envelope = BundleEnvelopeSchema.safeParse(data, { reportInput: true });
  if (!envelope.success) {
    return {
      errors: envelope.error.issues.map((i) => ({
        file,
        path: jsonPath(i.path),
        code: 'invalid-bundle',
        message: i.message,
        expected: `a bundle written by \`dualwrite maps export\` (format "${BUNDLE_FORMAT}", formatVersion 1)`,
      })),
    };
  }
  const errors: MapError[] = [];
  const entries: MapBundle['maps'] = [];
  const seen = new Set<string>();
  envelope.data.maps.forEach((entry, i) => {
    const parsed = TableMapSchema.safeParse(entry.map, { reportInput: true });
    if (!parsed.success) {
      for (const e of zodIssuesToMapErrors(parsed.error.issues, file, entry.name)) errors.push({ ...e, path: e.path.replace(/^\$/, `$.maps[${i}].map`) });
      return;
    }
    for (const e of checkMap(parsed.data, file)) errors.push({ ...e, path: e.path.replace(/^\$/, `$.maps[${i}].map`) });
    if (parsed.data.name !== entry.name || parsed.data.version !== entry.version || parsed.data.publisher !== entry.publisher) {
      errors.push({ file, map: entry.name, path: `$.maps[${i}]`, code: 'bundle-entry-mismatch', message: `entry says ${entry.name} ${entry.version} by ${entry.publisher}, its map says ${parsed.data.name} ${parsed.data.version} by ${parsed.data.publisher}`, expected: 'the entry to match its map' });
    }
    if (seen.has(parsed.data.name)) errors.push({ file, map: entry.name, path: `$.maps[${i}]`, code: 'duplicate-map', message: `map '${entry.name}' appears twice`, expected: 'each map once' });
    seen.add(parsed.data.name);
    entries.push({ ...entry, map: parsed.data });
  });
  if (checksumOf(envelope.data.maps as MapBundle['maps']) !== envelope.data.checksum) {
    errors.push({ file, path: '$.checksum', code: 'checksum-mismatch', message: 'the checksum does not match the maps: the bundle was changed after export or is damaged', expected: 'an unmodified bundle', hint: 'export the bundle again; edit map files, not bundles' });
  }
  if (errors.length) return { errors };
  return { bundle: { ...envelope.data, maps: entries } as MapBundle, errors };
}

export interface ImportChange {
  name: string;
  action: 'add' | 'upgrade' | 'unchanged' | 'downgrade' | 'changed-same-version';
  from?: string;
  to: string;
}

export interface ImportPlan {
  changes: ImportChange[];
  /** The catalog after the import: current maps replaced or joined by the bundle's. */
  catalog: TableMap[];
  errors: MapError[];
}

/**
 * Decides what an import would do, without doing it. Refused (errors) when: a map would go to a
 * lower version, or change content without a version bump (both allowed with `force`), or the
 * resulting catalog is invalid (unknown lookups/dependencies, cycles; against `schemas` when given).
 * Callers apply nothing unless `errors` is empty.
 */
export function planImport(bundle: MapBundle, current: readonly TableMap[], options: { force?: boolean; schemas?: readonly EntitySetSchema[] } = {}): ImportPlan {
  const errors: MapError[] = [];
  const changes: ImportChange[] = [];
  const byName = new Map(current.map((m) => [m.name, m]));
  bundle.maps.forEach((entry, i) => {
    const incoming = entry.map;
    const existing = byName.get(incoming.name);
    if (!existing) {
      changes.push({ name: incoming.name, action: 'add', to: incoming.version });
    } else {
      const order = compareVersions(incoming.version, existing.version);
      const identical = isEmptyDiff(diffMap(existing, incoming)) && existing.publisher === incoming.publisher;
      const action: ImportChange['action'] = order > 0 ? 'upgrade' : order < 0 ? 'downgrade' : identical ? 'unchanged' : 'changed-same-version';
      changes.push({ name: incoming.name, action, from: existing.version, to: incoming.version });
      if (action === 'downgrade' && !options.force) {
        errors.push({ map: incoming.name, path: `$.maps[${i}].version`, code: 'downgrade', message: `would replace ${incoming.name} ${existing.version} with the older ${incoming.version}`, expected: `a version above ${existing.version}`, hint: 'use --force to downgrade on purpose' });
      }
      if (action === 'changed-same-version' && !options.force) {
        errors.push({ map: incoming.name, path: `$.maps[${i}].version`, code: 'same-version-changed', message: `${incoming.name} ${incoming.version} differs from the installed map of the same version`, expected: 'a new version for changed content', hint: 'bump "version" in the map and export again, or use --force' });
      }
    }
    byName.set(incoming.name, incoming);
  });
  const catalog = [...byName.values()];
  if (options.schemas) errors.push(...validateCatalog(catalog, options.schemas));
  else errors.push(...topologicalOrder(catalog).errors);
  return { changes, catalog, errors };
}
