import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** The one error body every API route answers with. */
export interface ApiErrorBody {
  error: { code: string; message: string; details?: unknown };
}

export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export function errorResponse(c: Context, err: unknown) {
  if (err instanceof ApiError) {
    const body: ApiErrorBody = { error: { code: err.code, message: err.message, ...(err.details !== undefined ? { details: err.details } : {}) } };
    return c.json(body, err.status);
  }
  // Unknown failures never leak internals (stack traces, connection strings) to callers.
  console.error(JSON.stringify({ level: 'error', msg: 'unhandled API error', error: err instanceof Error ? err.message : String(err) }));
  return c.json({ error: { code: 'internal', message: 'internal error; see the API log' } } satisfies ApiErrorBody, 500);
}
