import { z } from 'zod';
import type { ApiRoute } from './route';

/** A path served outside the zod-described routes (health, webhooks), documented by hand. */
export interface ExtraOperation {
  method: 'get' | 'post';
  path: string;
  operationId: string;
  summary: string;
  tag: string;
  /** No bearer token needed. */
  public: true;
  responses: Record<number, { description: string; schema?: z.ZodType }>;
}

export const ErrorBodySchema = z
  .object({
    error: z.object({
      code: z.string().describe('Machine-readable, e.g. invalid-request, unauthenticated, forbidden, not-found, conflict.'),
      message: z.string(),
      details: z.unknown().optional().describe('invalid-request: {issues: [{in, path, message}]}.'),
    }),
  })
  .describe('The one error body of every route.');

type JsonSchema = Record<string, unknown>;

/**
 * OpenAPI 3.1 schemas are JSON Schema 2020-12, which zod 4 emits itself: no translation layer.
 * Request schemas are described as the client sends them (`io: input`: before defaults and
 * transforms), response schemas as the server sends them.
 */
function toSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const json = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as JsonSchema;
  delete json.$schema;
  return json;
}

function parametersOf(schema: z.ZodType | undefined, where: 'path' | 'query'): JsonSchema[] {
  if (!schema) return [];
  const json = toSchema(schema, 'input');
  const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json.required ?? []) as string[]);
  return Object.entries(properties).map(([name, s]) => ({
    name,
    in: where,
    required: where === 'path' || required.has(name),
    ...(typeof s.description === 'string' ? { description: s.description } : {}),
    schema: s,
    ...(where === 'query' ? { style: 'form', explode: true } : {}),
  }));
}

const openApiPath = (base: string, path: string): string => `${base}${path}`.replace(/:([A-Za-z_]\w*)/g, '{$1}');

function responsesOf(responses: Record<number, { description: string; schema?: z.ZodType }>, errorStatuses: number[]): JsonSchema {
  const out: JsonSchema = {};
  for (const [status, r] of Object.entries(responses)) {
    out[status] = { description: r.description, ...(r.schema ? { content: { 'application/json': { schema: toSchema(r.schema, 'output') } } } : {}) };
  }
  const errorText: Record<number, string> = {
    400: 'The request is invalid (error code invalid-request or invalid-json; details.issues lists every problem).',
    401: 'No bearer token, or not a configured one.',
    403: 'The token\'s role is too low for this operation.',
    404: 'The map, record or rule does not exist.',
    409: 'The operation conflicts with the current state.',
    500: 'Unexpected failure; see the API log.',
  };
  for (const status of errorStatuses) {
    if (out[status] === undefined) out[status] = { description: errorText[status] ?? 'Error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
  }
  return out;
}

export function buildOpenApiDocument(options: { base: string; routes: readonly ApiRoute[]; extra: readonly ExtraOperation[]; version: string }): JsonSchema {
  const paths: Record<string, Record<string, unknown>> = {};
  const add = (path: string, method: string, operation: unknown) => {
    (paths[path] ??= {})[method] = operation;
  };
  for (const e of options.extra) {
    add(e.path, e.method, { operationId: e.operationId, summary: e.summary, tags: [e.tag], security: [], responses: responsesOf(e.responses, [500]) });
  }
  for (const r of options.routes) {
    const parameters = [...parametersOf(r.params, 'path'), ...parametersOf(r.query, 'query')];
    const errors = [...(r.params || r.query || r.body ? [400] : []), 401, 403, 500];
    add(openApiPath(options.base, r.path), r.method, {
      operationId: r.operationId,
      summary: r.summary,
      ...(r.description ? { description: r.description } : {}),
      tags: [r.tag],
      'x-required-role': r.role,
      ...(parameters.length ? { parameters } : {}),
      ...(r.body ? { requestBody: { required: !r.body.safeParse(undefined).success, content: { 'application/json': { schema: toSchema(r.body, 'input') } } } } : {}),
      responses: responsesOf(r.responses, errors),
    });
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'dualwrite API',
      version: options.version,
      description: 'Operate dualwrite: maps and their workflows, error queue, activity log, alerts, map bundles. Bearer tokens carry a role: viewer (reads), operator (pause, resume, stop, enable, retry, discard), admin (edit maps and alerts, import).',
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    security: [{ bearerAuth: [] }],
    components: {
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', description: 'A token of DUALWRITE_API_TOKENS / DUALWRITE_API_TOKENS_FILE.' } },
      schemas: { Error: toSchema(ErrorBodySchema, 'output') },
    },
    paths,
  };
}
