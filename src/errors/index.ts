/** Error-queue operations shared by the CLI and the REST API (docs/errors-and-alerts.md). */
export { listErrors, type ListErrorsQuery } from './list-errors';
export { retryErrors, retryChangeFor, type ErrorSelectionInput, type RetryDeps, type RetryOptions, type RetryResult } from './retry-errors';
export { discardErrors } from './discard-errors';
export { purgeExpired, type RetentionDays, type PurgeResult } from './purge-expired';
export { toErrorFilter, type ErrorFilterInput } from './error-filter';
export { parseTimeArg } from './time-arg';
export { pokeMaps, type PokeResult } from './poke-maps';
