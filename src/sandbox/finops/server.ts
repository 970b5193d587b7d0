import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Hono } from 'hono';
import { resolvePorts } from '../../contracts/ports';
import { createAdminApp, RegistrationStore, type AdminDataStore } from '../shared/admin';
import { bearerAuth, describeRejection, mountTokenEndpoint, TokenIssuer, type ClientCredential } from '../shared/auth';
import { EntityStore } from '../shared/entity-store';
import { EventDelivery } from '../shared/event-delivery';
import { FaultInjector, SandboxHttpServer } from '../shared/faults';
import { wireDataEvents } from './data-events';
import { FINOPS_ENTITY_SETS } from './entities';
import { finopsErrorResponse } from './errors';
import { createFinopsService } from './odata-service';
import { seedFinops, type FinopsSeedOptions } from './seed';

/**
 * The F&O sandbox: an OData server at `/data/` over its own SQLite file, with an Entra-style
 * token endpoint at `/token/{tenant}/oauth2/v2.0/token`, bearer checks, run-time faults, data
 * events and admin endpoints at `/admin/`.
 */

export interface FinopsSandboxOptions {
  /** TCP port; 0 picks a free one (tests). Default: DUALWRITE_FINOPS_PORT or 8081. */
  port?: number;
  hostname?: string;
  /** SQLite file; ':memory:' (default) keeps nothing. */
  dbFile?: string;
  /** Seed demo data when the store is empty (or always, with reseed). Omit to start empty. */
  seed?: number;
  seedOptions?: Omit<FinopsSeedOptions, 'seed'>;
  /** Seed even when the file already holds data (replacing it). */
  reseed?: boolean;
  /** Require a bearer token on /data/ (default true). */
  requireAuth?: boolean;
  clients?: ClientCredential[];
  /** Keeps tokens valid across restarts of a file-backed sandbox. */
  signingSecret?: string;
  /** The company a request sees without cross-company=true. Default usmf. */
  defaultCompany?: string;
  /** Server-driven page size. Default 10,000 (F&O's maximum). */
  maxPageSize?: number;
  maxBatchOperations?: number;
  /** Data-event delivery: retries after the first attempt (default 3) and the delay (default 1000 ms). */
  eventRetries?: number;
  eventRetryDelayMs?: number;
  /** When set, /admin/ requires it in X-Admin-Key. */
  adminKey?: string;
  organizationName?: string;
}

export interface FinopsSandbox {
  /** http://host:port */
  url: string;
  /** http://host:port/data/ */
  serviceRoot: string;
  /** The token endpoint for tenant `sandbox`. */
  tokenUrl: string;
  port: number;
  store: EntityStore;
  issuer: TokenIssuer;
  registrations: RegistrationStore;
  delivery: EventDelivery;
  faults: FaultInjector;
  app: Hono;
  /** A fresh bearer token for the default sandbox client. */
  token(): string;
  stop(): Promise<void>;
}

const INTERNAL_HEADER = 'x-finops-sandbox-internal';

export function throttledMessage(retryAfterSeconds: number): string {
  return `This request could not be processed at this time due to system experiencing high resource utilization. Please retry the request after ${retryAfterSeconds} seconds`;
}

export async function startFinopsSandbox(options: FinopsSandboxOptions = {}): Promise<FinopsSandbox> {
  const dbFile = options.dbFile ?? ':memory:';
  if (dbFile !== ':memory:') mkdirSync(dirname(dbFile), { recursive: true });
  const store = new EntityStore({ file: dbFile, schemas: FINOPS_ENTITY_SETS });
  try {
    if (options.seed !== undefined && (options.reseed || store.count('LegalEntities') === 0)) {
      seedFinops(store, { ...options.seedOptions, seed: options.seed });
    }
    return await listen(store, options);
  } catch (err) {
    store.close();
    throw err;
  }
}

async function listen(store: EntityStore, options: FinopsSandboxOptions): Promise<FinopsSandbox> {
  const defaultCompany = (options.defaultCompany ?? 'usmf').toLowerCase();
  const issuer = new TokenIssuer({ clients: options.clients, signingSecret: options.signingSecret });
  const registrations = new RegistrationStore({ entitySets: () => store.schemas.map((s) => s.entitySet), modes: ['async'] });
  const delivery = new EventDelivery({ retries: options.eventRetries ?? 3, retryDelayMs: options.eventRetryDelayMs ?? 1000 });
  const faults = new FaultInjector({
    throttled: (_c, retryAfter) => finopsErrorResponse(429, throttledMessage(retryAfter), undefined, { 'retry-after': String(retryAfter) }),
    failed: (_c, status) => finopsErrorResponse(status, status === 503 ? 'The service is temporarily unavailable.' : 'An error has occurred.'),
  });
  // Parts of a $batch are dispatched with this secret, so they are not throttled one by one
  // (the batch as a whole already passed the fault checks) and cannot be spoofed from outside.
  const internalSecret = randomBytes(16).toString('hex');
  const http: { server?: SandboxHttpServer } = {};

  const app = new Hono();
  const unsubscribe = wireDataEvents(store, registrations, delivery, {
    organizationId: '00000000-0000-0000-0000-0000000f0e01',
    organizationName: options.organizationName ?? 'finops-sandbox',
    userId: '00000000-0000-0000-0000-0000000f0e02',
  });

  mountTokenEndpoint(app, issuer);
  const admin: AdminDataStore = {
    entitySets: () => store.schemas.map((s) => s.entitySet),
    count: (s) => store.count(s),
    checksum: (s) => store.checksum(s).checksum,
    reset: () => store.clearAll(),
    seed: (o) => seedFinops(store, parseSeedBody(o)),
  };
  app.route('/admin', createAdminApp({ adminKey: options.adminKey, faults, server: () => http.server, data: admin, registrations, delivery }));

  const faultMiddleware = faults.middleware();
  app.use('/data/*', async (c, next) => {
    if (c.req.header(INTERNAL_HEADER) === internalSecret) return next();
    return faultMiddleware(c, next);
  });
  app.use('/data', faultMiddleware);
  if (options.requireAuth ?? true) {
    const auth = bearerAuth(issuer, (_c, reason) => finopsErrorResponse(401, `Unauthorized: ${describeRejection(reason)}`));
    app.use('/data/*', auth);
    app.use('/data', auth);
  }
  const service = createFinopsService({
    store,
    defaultCompany,
    maxPageSize: options.maxPageSize ?? 10_000,
    maxBatchOperations: options.maxBatchOperations ?? 1000,
    dispatch: async (request) => {
      request.headers.set(INTERNAL_HEADER, internalSecret);
      return app.fetch(request);
    },
  });
  app.all('/data', (c) => service.route(c));
  app.all('/data/*', (c) => service.route(c));
  app.notFound((c) => finopsErrorResponse(404, `No HTTP resource was found that matches the request URI '${c.req.url}'. The F&O sandbox serves /data/, /admin/ and /token/{tenant}/oauth2/v2.0/token.`));
  app.onError((err) => {
    console.error('finops sandbox: unexpected error', err);
    return finopsErrorResponse(500, 'An error has occurred.', { message: err.message, type: 'System.Exception' });
  });

  const running = new SandboxHttpServer(app, options.hostname ?? '127.0.0.1');
  http.server = running;
  await running.listen(options.port ?? resolvePorts().finops);
  const url = running.url;
  let stopped = false;
  return {
    url,
    serviceRoot: `${url}/data/`,
    tokenUrl: `${url}/token/sandbox/oauth2/v2.0/token`,
    port: running.port,
    store,
    issuer,
    registrations,
    delivery,
    faults,
    app,
    token: () => issuer.issue((options.clients?.[0] ?? { clientId: 'dualwrite-sandbox' }).clientId, `${url}/.default`).access_token,
    async stop() {
      if (stopped) return;
      stopped = true;
      unsubscribe();
      delivery.close();
      await running.close();
      store.close();
    },
  };
}

function parseSeedBody(o: Record<string, unknown>): FinopsSeedOptions {
  const out: FinopsSeedOptions = {};
  for (const [k, v] of Object.entries(o)) {
    if (!['seed', 'customers', 'vendors', 'products', 'salesOrders'].includes(k)) {
      throw new Error(`unknown seed option "${k}": expected seed, customers, vendors, products or salesOrders`);
    }
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new Error(`seed option ${k} must be a whole number >= 0, got ${JSON.stringify(v)}`);
    (out as Record<string, number>)[k] = v;
  }
  return out;
}
