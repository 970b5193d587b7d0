import { resolve } from 'node:path';
import { loadCatalog, type LoadedCatalog } from './loader';

/** The standard map catalog shipped in maps/ at the repository root. */
export const STANDARD_CATALOG_DIR = resolve(__dirname, '..', '..', 'maps');

/** Loads the standard catalog (never throws; problems come back in `errors`). */
export function loadStandardCatalog(dir: string = STANDARD_CATALOG_DIR): LoadedCatalog {
  return loadCatalog(dir);
}
