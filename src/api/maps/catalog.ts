import { TableMapSchema, type TableMap } from '../../maps/schema';
import { compareVersions } from '../../maps/semver';
import type { MapProvider } from '../../runtime/map-provider';
import type { MapVersions } from '../../store';

/** A map as the API sees it: the newest of the worker catalog (map files) and the versions published through the API. */
export interface CatalogEntry {
  map: TableMap;
  /** `files`: from the MapProvider's catalog; `store`: published through the API or an import. */
  source: 'files' | 'store';
  publishedBy?: string;
  publishedAt?: string;
  checksum?: string;
}

/**
 * Merges the MapProvider's maps with the latest published version of each map in the control
 * store; the higher version wins, the store on a tie (it carries who published it). A stored
 * definition that no longer parses (edited by hand in the database) is skipped, not fatal.
 */
export async function loadCatalogView(maps: MapProvider, versions: MapVersions): Promise<Map<string, CatalogEntry>> {
  const [fromFiles, published] = await Promise.all([maps.all(), versions.list()]);
  const out = new Map<string, CatalogEntry>();
  for (const map of fromFiles) out.set(map.name, { map, source: 'files' });
  for (const v of published) {
    const parsed = safeParseDefinition(v.definition);
    if (!parsed) continue;
    const existing = out.get(v.name);
    if (existing && compareVersions(existing.map.version, v.version) > 0) continue;
    out.set(v.name, { map: parsed, source: 'store', publishedBy: v.publishedBy, publishedAt: v.publishedAt, checksum: v.checksum });
  }
  return new Map([...out.entries()].sort(([a], [b]) => a.localeCompare(b)));
}

function safeParseDefinition(text: string): TableMap | undefined {
  try {
    const parsed = TableMapSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export type VersionBump = 'major' | 'minor' | 'patch';

/** The next version after `version` (a pre-release suffix is dropped: 1.2.3-beta -> 1.2.3 for a patch). */
export function bumpVersion(version: string, bump: VersionBump): string {
  const m = /^(\d+)\.(\d+)\.(\d+)(-.*)?$/.exec(version);
  if (!m) throw new Error(`cannot bump "${version}": not a semantic version`);
  const [major, minor, patch] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (bump === 'major') return `${major + 1}.0.0`;
  if (bump === 'minor') return `${major}.${minor + 1}.0`;
  return m[4] ? `${major}.${minor}.${patch}` : `${major}.${minor}.${patch + 1}`;
}
