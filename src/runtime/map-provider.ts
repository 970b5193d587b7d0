import { loadCatalog, parseMapText } from '../maps/loader';
import { compareVersions } from '../maps/semver';
import type { TableMap } from '../maps/schema';

/** Where workers and the API find the current definition of a map. */
export interface MapProvider {
  get(name: string): Promise<TableMap>;
  all(): Promise<TableMap[]>;
}

/**
 * Maps read from a folder of map files (the standard catalog in maps/ by default). The folder
 * is read again when it changes on disk, at most once per `refreshMs`, so an edited map is
 * picked up by the next batch without restarting workers. An invalid catalog keeps the last
 * valid one in service and reports why.
 */
export function directoryMapProvider(dir: string, opts: { refreshMs?: number; onError?: (message: string) => void } = {}): MapProvider {
  let cached: { at: number; maps: TableMap[] } | undefined;
  const refreshMs = opts.refreshMs ?? 5000;
  const load = (): TableMap[] => {
    if (cached && Date.now() - cached.at < refreshMs) return cached.maps;
    const loaded = loadCatalog(dir);
    if (loaded.errors.length > 0) {
      const message = `map catalog ${dir} has ${loaded.errors.length} error(s): ${loaded.errors.slice(0, 3).map((e) => `${e.file ?? ''} ${e.path}: ${e.message}`).join('; ')}`;
      if (!cached) throw new Error(message);
      opts.onError?.(message);
      cached = { at: Date.now(), maps: cached.maps };
      return cached.maps;
    }
    cached = { at: Date.now(), maps: loaded.maps };
    return cached.maps;
  };
  return {
    async all() {
      return load();
    },
    async get(name: string) {
      const map = load().find((m) => m.name === name);
      if (!map) throw new Error(`no map named '${name}' in ${dir}`);
      return map;
    },
  };
}

/**
 * The map files overlaid with the versions published to the control store (through the API,
 * the console or an import): a published version wins over the file of the same name when it
 * is newer, so an edit takes effect on every worker within `refreshMs` without a deploy.
 * A published definition that no longer parses is skipped, with the reason reported.
 */
export function publishedMapProvider(
  files: MapProvider,
  published: { list(): Promise<{ name: string; version: string; definition: string }[]> },
  opts: { refreshMs?: number; onError?: (message: string) => void } = {},
): MapProvider {
  const refreshMs = opts.refreshMs ?? 5000;
  let cached: { at: number; maps: Promise<TableMap[]> } | undefined;
  const load = (): Promise<TableMap[]> => {
    if (cached && Date.now() - cached.at < refreshMs) return cached.maps;
    const maps = (async () => {
      const byName = new Map((await files.all()).map((m) => [m.name, m]));
      for (const version of await published.list()) {
        const parsed = parseMapText(version.definition, `published ${version.name}@${version.version}`);
        if (!parsed.map) {
          opts.onError?.(`published map ${version.name}@${version.version} is invalid: ${parsed.errors.map((e) => e.message).join('; ')}`);
          continue;
        }
        const file = byName.get(parsed.map.name);
        if (!file || compareVersions(parsed.map.version, file.version) >= 0) byName.set(parsed.map.name, parsed.map);
      }
      return [...byName.values()];
    })();
    cached = { at: Date.now(), maps };
    maps.catch(() => {
      cached = undefined;
    });
    return maps;
  };
  return {
    all: load,
    async get(name: string) {
      const map = (await load()).find((m) => m.name === name);
      if (!map) throw new Error(`no map named '${name}' (neither a file nor a published version)`);
      return map;
    },
  };
}
