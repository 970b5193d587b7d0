import { loadCatalog } from '../maps/loader';
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
