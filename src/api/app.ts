import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { alertRoutes } from './alerts/routes';
import { bearerAuth, type AuthEnv } from './auth/middleware';
import { bundleRoutes } from './bundles/routes';
import { codecRoutes, type CodecServerOptions } from './codec/routes';
import type { ManagementDependencies } from './deps';
import { ApiError, errorResponse } from './errors';
import { errorRoutes } from './errors-routes/routes';
import { checkReadiness } from './health/ready';
import { logRoutes } from './logs/routes';
import { meRoutes } from './me/routes';
import { mapRoutes } from './maps/routes';
import { previewRoutes, type PreviewDependencies } from './preview/routes';
import { buildOpenApiDocument, type ExtraOperation } from './routing/openapi';
import { mountRoutes, type ApiRoute } from './routing/route';
import { webhookRoutes } from './webhooks/routes';
import type { ReceiverDependencies } from './webhooks/receive-changes';
import { serveConsole } from '../console/serve';

export const API_BASE = '/api/v1';
const MAX_BODY_BYTES = 4 << 20;

/**
 * `receivers` alone serves /health and the webhooks (what the sync test harness needs); with
 * store, client, maps and tokens the management API under /api/v1, /ready and /openapi.json join.
 */
export interface ApiDependencies extends Partial<ManagementDependencies>, PreviewDependencies {
  receivers: ReceiverDependencies;
  /** The Temporal UI/CLI codec server at /codec (security: decrypts payloads for operators). */
  codecServer?: CodecServerOptions;
}

/** Every route under /api/v1, one folder per feature. */
export function managementRoutes(deps: ManagementDependencies & PreviewDependencies): ApiRoute[] {
  return [...mapRoutes(deps), ...errorRoutes(deps), ...logRoutes(deps), ...alertRoutes(deps), ...bundleRoutes(deps), ...meRoutes(), ...previewRoutes(deps)];
}

const EXTRA_OPERATIONS: ExtraOperation[] = [
  { method: 'get', path: '/health', operationId: 'health', summary: 'Liveness: the process answers', tag: 'health', public: true, responses: { 200: { description: '{"status":"ok"}' } } },
  { method: 'get', path: '/ready', operationId: 'ready', summary: 'Readiness: the control store and Temporal answer', tag: 'health', public: true, responses: { 200: { description: 'Ready' }, 503: { description: 'Not ready (error code not-ready; details.checks)' } } },
  { method: 'get', path: '/openapi.json', operationId: 'openapi', summary: 'This document', tag: 'health', public: true, responses: { 200: { description: 'OpenAPI 3.1' } } },
  { method: 'post', path: '/webhooks/finops', operationId: 'receiveFinopsEvents', summary: 'F&O business/data events (authenticated by the shared webhook secret header, not a bearer token)', tag: 'webhooks', public: true, responses: { 200: { description: 'Accepted changes' } } },
  { method: 'post', path: '/webhooks/dataverse', operationId: 'receiveDataverseWebhook', summary: 'Dataverse webhooks / service endpoint (authenticated by the shared webhook secret header)', tag: 'webhooks', public: true, responses: { 200: { description: 'Accepted changes' } } },
];

function isComplete(deps: ApiDependencies): deps is ApiDependencies & ManagementDependencies {
  return deps.store !== undefined && deps.client !== undefined && deps.maps !== undefined && deps.tokens !== undefined;
}

/** The HTTP API: health, webhook receivers, and (given its dependencies) the management API. */
export function createApiApp(deps: ApiDependencies): Hono {
  const app = new Hono();
  const accessLog = deps.accessLog;
  if (accessLog) {
    app.use('*', async (c, next) => {
      const started = performance.now();
      await next();
      // Set by bearerAuth on the /api/v1 sub-app, which shares this request's context.
      const caller = (c as unknown as Context<AuthEnv>).get('caller') as AuthEnv['Variables']['caller'] | undefined;
      accessLog({ method: c.req.method, path: c.req.path, status: c.res.status, ms: Math.round(performance.now() - started), ...(caller ? { caller: caller.name } : {}) });
    });
  }
  app.get('/health', (c) => c.json({ status: 'ok' }));
  app.route('/webhooks', webhookRoutes(deps.receivers));
  if (deps.codecServer) app.route('/codec', codecRoutes(deps.codecServer));
  if (isComplete(deps)) {
    const routes = managementRoutes(deps);
    const document = buildOpenApiDocument({ base: API_BASE, routes, extra: EXTRA_OPERATIONS, version: '1.0.0' });
    app.get('/openapi.json', (c) => c.json(document));
    app.get('/ready', async (c) => {
      const readiness = await checkReadiness(deps.store, deps.client);
      if (readiness.ready) return c.json({ status: 'ready', checks: readiness.checks });
      return errorResponse(c, new ApiError(503, 'not-ready', `not ready: store ${readiness.checks.store}, Temporal ${readiness.checks.temporal}`, { checks: readiness.checks }));
    });
    const api = new Hono<AuthEnv>();
    api.use(
      '*',
      bodyLimit({ maxSize: MAX_BODY_BYTES, onError: (c) => errorResponse(c, new ApiError(413, 'body-too-large', `the request body exceeds ${MAX_BODY_BYTES} bytes`)) }),
      bearerAuth(deps.tokens),
    );
    mountRoutes(api, routes);
    api.onError((err, c) => errorResponse(c, err));
    app.route(API_BASE, api);
    app.use('*', serveConsole());
  }
  app.notFound((c) => errorResponse(c, new ApiError(404, 'not-found', `no route ${c.req.method} ${c.req.path}`)));
  app.onError((err, c) => errorResponse(c, err));
  return app;
}
