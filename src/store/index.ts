/** The control store (docs/store.md). Open it with `openStore()`; everything else is types. */
export { openStore, type Store, type OpenStoreOptions } from './open-store';
export { parseDatabaseUrl, describeLocation, maskPassword, DEFAULT_SQLITE_PATH, type StoreLocation } from './database-url';
export * from './inbox';
export * from './echo-ledger';
export * from './error-queue';
export * from './activity-log';
export * from './map-versions';
export * from './key-value-state';
export * from './alerts';
export * from './map-leases';
export type { DialectKind } from './context';
