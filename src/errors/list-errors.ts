import type { ErrorPage, Store } from '../store';
import { type ErrorFilterInput, toErrorFilter } from './error-filter';

export interface ListErrorsQuery extends ErrorFilterInput {
  /** Page size, 1 to 1,000; default 100. */
  limit?: number;
  /** `nextCursor` of the previous page. */
  cursor?: string;
}

/** One page of the error queue, newest (last seen) first. */
export async function listErrors(store: Pick<Store, 'errors'>, query: ListErrorsQuery = {}, now: Date = new Date()): Promise<ErrorPage> {
  const { limit, cursor, ...filterInput } = query;
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1 || limit > 1000)) {
    throw new Error(`limit: ${limit} is not valid: expected a whole number from 1 to 1000`);
  }
  return store.errors.list({ ...toErrorFilter(filterInput, now), ...(limit !== undefined ? { limit } : {}), ...(cursor ? { cursor } : {}) });
}
