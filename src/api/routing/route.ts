import type { Context, Hono } from 'hono';
import { z } from 'zod';
import type { AuthEnv } from '../auth/middleware';
import { roleAllows, type Caller, type Role } from '../auth/roles';
import { parseTimeArg } from '../../errors/time-arg';
import { ApiError } from '../errors';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';
export type ApiContext = Context<AuthEnv>;

export interface ResponseSpec {
  description: string;
  /** Documentation only: the body a client can expect. */
  schema?: z.ZodType;
}

/**
 * One API operation: its inputs as zod schemas (validated before the handler runs and turned into
 * the OpenAPI document), the least role allowed to call it, and the handler.
 */
export interface RouteSpec<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType> {
  method: HttpMethod;
  /** Hono path below the API base, e.g. `/maps/:name`. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  role: Role;
  params?: P;
  query?: Q;
  body?: B;
  responses: Record<number, ResponseSpec>;
  handler: (c: ApiContext, input: { params: z.output<P>; query: z.output<Q>; body: z.output<B>; caller: Caller }) => Response | Promise<Response>;
}

/** A route with its input types erased, so routes of different shapes share one list. */
export interface ApiRoute {
  method: HttpMethod;
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  role: Role;
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  responses: Record<number, ResponseSpec>;
  run(c: ApiContext): Promise<Response>;
}

export interface InputIssue {
  /** Which part of the request: path, query or body. */
  in: 'path' | 'query' | 'body';
  /** JSON path inside that part, e.g. `$.initialSync.master`. */
  path: string;
  message: string;
}

export function defineRoute<P extends z.ZodType = z.ZodUnknown, Q extends z.ZodType = z.ZodUnknown, B extends z.ZodType = z.ZodUnknown>(spec: RouteSpec<P, Q, B>): ApiRoute {
  const { handler, ...described } = spec;
  return {
    ...described,
    async run(c) {
      const caller = c.get('caller');
      if (!roleAllows(caller.role, spec.role)) {
        throw new ApiError(403, 'forbidden', `${spec.operationId} needs the ${spec.role} role; ${caller.name} has ${caller.role}`);
      }
      const issues: InputIssue[] = [];
      const params = validate(spec.params, c.req.param(), 'path', issues);
      const query = validate(spec.query, queryObject(c), 'query', issues);
      const body = spec.body ? validate(spec.body, await readJsonBody(c), 'body', issues) : undefined;
      if (issues.length > 0) {
        throw new ApiError(400, 'invalid-request', `the request has ${issues.length} problem(s): ${issues.slice(0, 3).map((i) => `${i.in} ${i.path}: ${i.message}`).join('; ')}`, { issues });
      }
      return handler(c, { params: params as z.output<P>, query: query as z.output<Q>, body: body as z.output<B>, caller });
    },
  };
}

function validate(schema: z.ZodType | undefined, value: unknown, where: InputIssue['in'], issues: InputIssue[]): unknown {
  if (!schema) return undefined;
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  for (const issue of result.error.issues) issues.push({ in: where, path: jsonPath(issue.path), message: issue.message });
  return undefined;
}

/** A query parameter given once is a string; given several times (`?status=open&status=retrying`) a list. */
function queryObject(c: ApiContext): Record<string, string | string[]> {
  const all = c.req.queries();
  return Object.fromEntries(Object.entries(all).map(([k, v]) => [k, v.length === 1 ? v[0]! : v]));
}

async function readJsonBody(c: ApiContext): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new ApiError(400, 'invalid-json', `the request body is not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function jsonPath(segments: readonly PropertyKey[]): string {
  let out = '$';
  for (const s of segments) out += typeof s === 'number' ? `[${s}]` : /^[A-Za-z_$][\w$]*$/.test(String(s)) ? `.${String(s)}` : `[${JSON.stringify(String(s))}]`;
  return out;
}

/** Mounts routes on a hono app (which must set `caller` first, e.g. with bearerAuth). */
export function mountRoutes(app: Hono<AuthEnv>, routes: readonly ApiRoute[]): void {
  for (const route of routes) app.on(route.method.toUpperCase(), route.path, (c) => route.run(c));
}

/** A list query parameter: comma-separated or repeated, e.g. `?status=open,retrying`. */
export function listParam<T extends z.ZodType>(item: T) {
  return z.preprocess(
    (v) => (typeof v === 'string' || Array.isArray(v) ? [v].flat().flatMap((s) => String(s).split(',')).map((s) => s.trim()).filter(Boolean) : v),
    z.array(item).min(1),
  );
}

/** A time bound as people type it: ISO 8601 or a duration back from now (15m, 2h, 7d); same forms as the CLI. */
export const timeParam = z
  .string()
  .transform((value, ctx) => {
    try {
      return parseTimeArg(value, 'time');
    } catch {
      ctx.addIssue({ code: 'custom', message: `"${value}" is not a time: expected an ISO 8601 timestamp such as 2026-11-26T10:00:00Z or a duration back from now such as 90s, 15m, 2h, 7d` });
      return z.NEVER;
    }
  })
  .describe('ISO 8601 timestamp, or a duration back from now: 90s, 15m, 2h, 7d.');
export const pageLimit = z.coerce.number({ error: 'a whole number from 1 to 1000' }).int('a whole number from 1 to 1000').min(1, 'at least 1').max(1000, 'at most 1000').optional().describe('Page size, 1 to 1,000; default 100.');
export const pageCursor = z.string().min(1).optional().describe('`nextCursor` of the previous page.');
