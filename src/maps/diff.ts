import { effectiveSettings, type ColumnMapping, type TableMap } from './schema';
import { canonicalJson } from './sha256';

/** Column-level differences between two catalogs (e.g. a bundle and the running catalog). */
export interface CatalogDiff {
  added: { name: string; version: string }[];
  removed: { name: string; version: string }[];
  changed: MapDiff[];
  unchanged: string[];
}

export interface MapDiff {
  name: string;
  fromVersion: string;
  toVersion: string;
  /** Map-level settings: path -> [before, after]. */
  settings: { path: string; before: unknown; after: unknown }[];
  columnsAdded: ColumnMapping[];
  columnsRemoved: ColumnMapping[];
  columnsChanged: { column: string; changes: { property: string; before: unknown; after: unknown }[] }[];
}

const COLUMN_PROPERTIES = ['finops', 'dataverse', 'direction', 'default', 'valueMap', 'toDataverse', 'toFinops', 'lookup', 'description'] as const;

/** A column is identified by what it writes: its Dataverse column, else its F&O column. */
export function columnId(c: ColumnMapping): string {
  return c.dataverse !== undefined ? c.dataverse : `${c.finops ?? '?'} (F&O)`;
}

function settingsOf(map: TableMap): Record<string, unknown> {
  const s = effectiveSettings(map);
  return {
    publisher: map.publisher,
    description: map.description,
    scope: map.scope,
    'finops.entitySet': map.finops.entitySet,
    'finops.key': map.finops.key,
    'finops.filter': map.finops.filter,
    'dataverse.entitySet': map.dataverse.entitySet,
    'dataverse.key': map.dataverse.key,
    'dataverse.filter': map.dataverse.filter,
    'dataverse.companyColumn': map.scope === 'company' ? s.companyColumn : undefined,
    'dataverse.companyInKey': map.scope === 'company' ? s.companyInKey : undefined,
    dependsOn: [...s.dependsOn].sort(),
    deletes: s.deletes,
    conflict: s.conflict,
    syncMode: s.syncMode,
  };
}

const same = (a: unknown, b: unknown): boolean => canonicalJson(a) === canonicalJson(b);

function indexColumns(columns: readonly ColumnMapping[]): Map<string, ColumnMapping> {
  const out = new Map<string, ColumnMapping>();
  for (const c of columns) {
    let id = columnId(c);
    for (let n = 2; out.has(id); n++) id = `${columnId(c)} #${n}`;
    out.set(id, c);
  }
  return out;
}

export function diffMap(before: TableMap, after: TableMap): MapDiff {
  const a = settingsOf(before);
  const b = settingsOf(after);
  const settings = Object.keys({ ...a, ...b })
    .filter((k) => !same(a[k], b[k]))
    .map((path) => ({ path, before: a[path], after: b[path] }));
  const ca = indexColumns(before.columns);
  const cb = indexColumns(after.columns);
  const columnsAdded = [...cb].filter(([id]) => !ca.has(id)).map(([, c]) => c);
  const columnsRemoved = [...ca].filter(([id]) => !cb.has(id)).map(([, c]) => c);
  const columnsChanged: MapDiff['columnsChanged'] = [];
  for (const [id, x] of ca) {
    const y = cb.get(id);
    if (!y) continue;
    const changes = COLUMN_PROPERTIES.filter((p) => !same(x[p], y[p])).map((property) => ({ property, before: x[property], after: y[property] }));
    if (changes.length) columnsChanged.push({ column: id, changes });
  }
  return { name: after.name, fromVersion: before.version, toVersion: after.version, settings, columnsAdded, columnsRemoved, columnsChanged };
}

export function isEmptyDiff(d: MapDiff): boolean {
  return d.fromVersion === d.toVersion && !d.settings.length && !d.columnsAdded.length && !d.columnsRemoved.length && !d.columnsChanged.length;
}

/** Differences from catalog `a` to catalog `b`. */
export function diffCatalogs(a: readonly TableMap[], b: readonly TableMap[]): CatalogDiff {
  const ma = new Map(a.map((m) => [m.name, m]));
  const mb = new Map(b.map((m) => [m.name, m]));
  const diff: CatalogDiff = { added: [], removed: [], changed: [], unchanged: [] };
  for (const [name, m] of [...mb].sort(([x], [y]) => x.localeCompare(y))) {
    const old = ma.get(name);
    if (!old) diff.added.push({ name, version: m.version });
    else {
      const d = diffMap(old, m);
      if (isEmptyDiff(d)) diff.unchanged.push(name);
      else diff.changed.push(d);
    }
  }
  for (const [name, m] of [...ma].sort(([x], [y]) => x.localeCompare(y))) if (!mb.has(name)) diff.removed.push({ name, version: m.version });
  return diff;
}

function show(v: unknown): string {
  if (v === undefined) return '(none)';
  return typeof v === 'string' ? JSON.stringify(v) : canonicalJson(v);
}

function describeColumn(c: ColumnMapping): string {
  const parts = [`${c.finops ?? '(none)'} ${c.direction} ${c.dataverse ?? '(none)'}`];
  if (c.lookup) parts.push(`lookup ${[c.lookup.map].flat().join(' or ')}`);
  if (c.valueMap) parts.push(`valueMap ${canonicalJson(c.valueMap)}`);
  if (c.default !== undefined) parts.push(`default ${show(c.default)}`);
  if (c.toDataverse) parts.push(`toDataverse ${c.toDataverse}`);
  if (c.toFinops) parts.push(`toFinops ${c.toFinops}`);
  return parts.join(', ');
}

/** Human-readable diff, one line per change. */
export function renderDiff(diff: CatalogDiff): string {
  const lines: string[] = [];
  for (const m of diff.added) lines.push(`+ ${m.name} ${m.version} (new map)`);
  for (const m of diff.removed) lines.push(`- ${m.name} ${m.version} (map removed)`);
  for (const d of diff.changed) {
    lines.push(`~ ${d.name} ${d.fromVersion === d.toVersion ? `${d.toVersion} (same version)` : `${d.fromVersion} -> ${d.toVersion}`}`);
    for (const s of d.settings) lines.push(`    ${s.path}: ${show(s.before)} -> ${show(s.after)}`);
    for (const c of d.columnsAdded) lines.push(`    + column ${columnId(c)}: ${describeColumn(c)}`);
    for (const c of d.columnsRemoved) lines.push(`    - column ${columnId(c)}: ${describeColumn(c)}`);
    for (const c of d.columnsChanged) {
      lines.push(`    ~ column ${c.column}: ${c.changes.map((x) => `${x.property} ${show(x.before)} -> ${show(x.after)}`).join('; ')}`);
    }
  }
  if (!lines.length) lines.push(diff.unchanged.length ? `no differences (${diff.unchanged.length} map(s) identical)` : 'no differences');
  return lines.join('\n');
}
