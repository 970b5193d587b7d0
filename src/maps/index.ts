/**
 * Table maps: what syncs and how. Everything here is pure except the loaders (loader.ts,
 * catalog.ts), which read files; the pure parts are safe to call from workflow code.
 */
export * from './schema';
export type { MapError } from './errors';
export { formatMapError, jsonPath } from './errors';
export { loadMapFile, loadCatalog, loadMapPaths, parseMapText, mapFilesIn, type LoadedMap, type LoadedCatalog } from './loader';
export { loadStandardCatalog, STANDARD_CATALOG_DIR } from './catalog';
export { checkMap } from './check-map';
export { transformRecord, type TransformContext, type TransformResult, type TransformError } from './transform';
export { lookupRequests, companyIdRequest, companyCodeRequest, type LookupRequest, type LookupResults } from './lookups';
export { integrationKey, type IntegrationKey, type IntegrationKeyOptions } from './keys';
export { contentHash, mappedColumns } from './hash';
export { matchesFilter, renderFilter, compileFilter } from './filter';
export { topologicalOrder, dependencyGraph, dependents, type TopologicalOrder } from './graph';
export { validateCatalog, type ValidateOptions } from './validate-catalog';
export * from './company';
export { exportBundle, parseBundle, planImport, BUNDLE_FORMAT, type MapBundle, type ImportPlan, type ImportChange } from './bundle';
export { diffCatalogs, diffMap, renderDiff, type CatalogDiff, type MapDiff } from './diff';
export { compareVersions } from './semver';
