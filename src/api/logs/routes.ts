import { z } from 'zod';
import { ACTIVITY_LEVELS } from '../../store';
import type { ManagementDependencies } from '../deps';
import { defineRoute, listParam, pageCursor, pageLimit, timeParam, type ApiRoute } from '../routing/route';

const LogQuery = z.object({
  map: z.string().min(1).optional(),
  type: listParam(z.string().min(1).max(100)).optional().describe('Entry types, e.g. state-change,initial-sync,batch,reconciliation,alert,error,config,command.'),
  level: listParam(z.enum(ACTIVITY_LEVELS)).optional(),
  since: timeParam.optional().describe('At or after: ISO 8601 or a duration back from now (15m, 2h, 7d).'),
  until: timeParam.optional().describe('Before: ISO 8601 or a duration back from now.'),
  limit: pageLimit,
  cursor: pageCursor,
});

const EntrySchema = z.object({
  id: z.number(),
  at: z.string(),
  map: z.string().optional(),
  type: z.string(),
  level: z.enum(ACTIVITY_LEVELS),
  message: z.string(),
  data: z.unknown().optional(),
  actor: z.string().optional().describe('Who caused it: an API caller, system, an alert rule.'),
});

export function logRoutes(deps: ManagementDependencies): ApiRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/logs',
      operationId: 'queryLogs',
      summary: 'The activity log, newest first, with filters and keyset paging',
      tag: 'logs',
      role: 'viewer',
      query: LogQuery,
      responses: { 200: { description: 'One page', schema: z.object({ items: z.array(EntrySchema), nextCursor: z.string().optional() }) } },
      handler: async (c, { query }) => {
        const page = await deps.store.log.query(Object.fromEntries(Object.entries(query).filter(([, v]) => v !== undefined)));
        return c.json(page);
      },
    }),
  ];
}
