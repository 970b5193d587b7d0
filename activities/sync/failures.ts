import { toApplicationFailure } from '../../src/connectors/errors';

/**
 * Wraps an activity so that a connector error leaves it as a Temporal failure of its class:
 * configuration errors (401/403) and validation errors become non-retryable (the map goes to
 * Failed and says why), throttling and outages stay retryable (with Retry-After as the delay).
 */
export function classifyFailures<A extends unknown[], R>(fn: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  return async (...args: A) => {
    try {
      return await fn(...args);
    } catch (err) {
      throw toApplicationFailure(err);
    }
  };
}
