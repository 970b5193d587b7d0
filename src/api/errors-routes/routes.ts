import { z } from 'zod';
import { discardErrors, listErrors, retryErrors } from '../../errors';
import { DIRECTIONS, ERROR_QUEUE_CLASSES, ERROR_STATUSES, type ErrorFilter, type ErrorQueueClass } from '../../store';
import type { ManagementDependencies } from '../deps';
import { ApiError } from '../errors';
import { defineRoute, listParam, pageCursor, pageLimit, timeParam, type ApiRoute } from '../routing/route';

const TAG = 'errors';
const errorClass = z.enum(ERROR_QUEUE_CLASSES as [ErrorQueueClass, ...ErrorQueueClass[]]);
const errorStatus = z.enum(ERROR_STATUSES);

/** The filter fields shared by list, retry and discard; lists as arrays in bodies, comma-separated in queries. */
const filterFields = {
  map: z.string().min(1).optional(),
  direction: z.enum(DIRECTIONS).optional(),
  text: z.string().min(1).optional().describe('Case-insensitive substring of the message, error code or record key.'),
  since: timeParam.optional().describe('Last seen at or after: ISO 8601 or a duration back from now (15m, 2h, 7d).'),
  until: timeParam.optional().describe('Last seen before: ISO 8601 or a duration back from now.'),
};
const ListQuery = z.object({ ...filterFields, class: listParam(errorClass).optional(), status: listParam(errorStatus).optional(), limit: pageLimit, cursor: pageCursor });
const BodyFilter = z.strictObject({ ...filterFields, class: z.array(errorClass).min(1).optional(), status: z.array(errorStatus).min(1).optional() });
const Selection = z.union([
  z.strictObject({ ids: z.array(z.number().int().min(1)).min(1).max(10_000).describe('Record ids.') }),
  z.strictObject({ filter: BodyFilter, all: z.boolean().optional().describe('Must be true when the filter is empty (every open record).') }),
]);
const IdParams = z.object({ id: z.coerce.number().int().min(1).describe('Error record id') });

const ErrorRecordSchema = z.record(z.string(), z.unknown()).describe('An error-queue record: id, map, direction, recordKey, class, message, payload, change, attempts, status, firstSeenAt, lastSeenAt.');
const RetryResultSchema = z.object({ retried: z.number(), requeued: z.number(), byMap: z.record(z.string(), z.number()), skippedIds: z.array(z.number()), poked: z.array(z.string()), notRunning: z.array(z.string()), pokeError: z.string().optional() });

type FilterInput = z.output<typeof BodyFilter>;
const toFilter = (f: FilterInput): ErrorFilter => Object.fromEntries(Object.entries(f).filter(([, v]) => v !== undefined)) as ErrorFilter;

function selectionOf(body: z.output<typeof Selection>): { ids: number[] } | ErrorFilter {
  if ('ids' in body) return { ids: body.ids };
  const filter = toFilter(body.filter);
  if (Object.keys(filter).length === 0 && body.all !== true) {
    throw new ApiError(400, 'empty-filter', 'an empty filter selects every open record: send {"filter": {}, "all": true} if that is meant');
  }
  return filter;
}

export function errorRoutes(deps: ManagementDependencies): ApiRoute[] {
  const { store, client } = deps;
  return [
    defineRoute({
      method: 'get',
      path: '/errors',
      operationId: 'listErrors',
      summary: 'The error queue, newest (last seen) first, with filters and keyset paging',
      tag: TAG,
      role: 'viewer',
      query: ListQuery,
      responses: { 200: { description: 'One page', schema: z.object({ items: z.array(ErrorRecordSchema), nextCursor: z.string().optional() }) } },
      handler: async (c, { query }) => {
        const { limit, cursor, ...filter } = query;
        return c.json(await listErrors(store, { ...toFilter(filter), ...(limit !== undefined ? { limit } : {}), ...(cursor ? { cursor } : {}) }));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/errors/summary',
      operationId: 'summarizeErrors',
      summary: 'Record counts per map, class and status',
      tag: TAG,
      role: 'viewer',
      query: ListQuery.omit({ limit: true, cursor: true }),
      responses: { 200: { description: 'Counts', schema: z.object({ items: z.array(z.object({ map: z.string(), class: z.string(), status: z.string(), count: z.number() })) }) } },
      handler: async (c, { query }) => c.json({ items: await store.errors.summary(toFilter(query)) }),
    }),
    defineRoute({
      method: 'get',
      path: '/errors/:id',
      operationId: 'getError',
      summary: 'One error-queue record',
      tag: TAG,
      role: 'viewer',
      params: IdParams,
      responses: { 200: { description: 'The record', schema: ErrorRecordSchema }, 404: { description: 'No such record' } },
      handler: async (c, { params }) => {
        const record = await store.errors.get(params.id);
        if (!record) throw new ApiError(404, 'error-not-found', `no error record ${params.id}`);
        return c.json(record);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/errors/retry',
      operationId: 'retryErrors',
      summary: 'Queues the changes of open records again and tells their maps; the engine resolves or reopens each record',
      tag: TAG,
      role: 'operator',
      body: Selection,
      responses: { 200: { description: 'What was retried', schema: RetryResultSchema } },
      handler: async (c, { body, caller }) => c.json(await retryErrors({ store, client }, selectionOf(body), { by: caller.name })),
    }),
    defineRoute({
      method: 'post',
      path: '/errors/discard',
      operationId: 'discardErrors',
      summary: 'Closes open and retrying records for good; their changes are dropped',
      tag: TAG,
      role: 'operator',
      body: Selection,
      responses: { 200: { description: 'How many were discarded', schema: z.object({ discarded: z.number() }) } },
      handler: async (c, { body, caller }) => c.json(await discardErrors(store, selectionOf(body), { by: caller.name })),
    }),
    defineRoute({
      method: 'post',
      path: '/errors/:id/retry',
      operationId: 'retryError',
      summary: 'Retries one record',
      tag: TAG,
      role: 'operator',
      params: IdParams,
      responses: { 200: { description: 'What was retried (skippedIds names the record when it was not open)', schema: RetryResultSchema }, 404: { description: 'No such record' } },
      handler: async (c, { params, caller }) => {
        if (!(await store.errors.get(params.id))) throw new ApiError(404, 'error-not-found', `no error record ${params.id}`);
        return c.json(await retryErrors({ store, client }, { ids: [params.id] }, { by: caller.name }));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/errors/:id/discard',
      operationId: 'discardError',
      summary: 'Discards one record',
      tag: TAG,
      role: 'operator',
      params: IdParams,
      responses: { 200: { description: 'discarded is 0 when the record was not open', schema: z.object({ discarded: z.number() }) }, 404: { description: 'No such record' } },
      handler: async (c, { params, caller }) => {
        if (!(await store.errors.get(params.id))) throw new ApiError(404, 'error-not-found', `no error record ${params.id}`);
        return c.json(await discardErrors(store, { ids: [params.id] }, { by: caller.name }));
      },
    }),
  ];
}
