/**
 * Starts the Dataverse sandbox: the Web API at /api/data/v9.2/ behind an Entra-style bearer
 * check, the token endpoint at /token/{tenant}/oauth2/v2.0/token, fault injection, and the admin
 * endpoints under /admin/ (faults, webhook registrations, counts, checksums, reset, seed).
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Hono } from 'hono';
import { resolvePorts } from '../../contracts/ports';
import { createAdminApp, RegistrationStore } from '../shared/admin';
import { bearerAuth, DEFAULT_SANDBOX_CLIENT, describeRejection, mountTokenEndpoint, TokenIssuer } from '../shared/auth';
import type { ClientCredential } from '../shared/auth';
import { EventDelivery } from '../shared/event-delivery';
import { FaultInjector, SandboxHttpServer } from '../shared/faults';
import { BATCH_PART_HEADER } from '../shared/multipart-batch';
import { DATAVERSE_ENTITY_SETS } from './entities';
import { DV_CODES } from './errors';
import { seedDataverse } from './seed';
import type { DataverseSeedOptions, SeedSummary } from './seed';
import { createDataverseApi, SERVICE_ROOT_PATH } from './service';
import { DataverseStore } from './store';
import { userIdForClient } from './webhooks';

export interface DataverseSandboxOptions {
  /** TCP port; 0 picks a free one. Default DUALWRITE_DATAVERSE_PORT or 8082. */
  port?: number;
  host?: string;
  /** SQLite file; default .data/sandbox-dataverse.sqlite. ':memory:' for a throwaway store. */
  dbFile?: string;
  /** Demo data: options, a seed number, or false for none. Default: seed 1 when the store is empty. */
  seed?: DataverseSeedOptions | number | false;
  /** OAuth clients allowed to get tokens. Default: dualwrite-sandbox / sandbox-secret. */
  clients?: ClientCredential[];
  tokenLifetimeSeconds?: number;
  /** Accept only this tenant at the token endpoint (default: any). */
  tenant?: string;
  /** Signing secret for tokens (default random per start). */
  tokenSigningSecret?: string;
  /** Clock for token expiry (tests). */
  now?: () => number;
  /** Require a bearer token on the Web API (default true). */
  requireAuth?: boolean;
  /** Guard /admin/ with this key (X-Admin-Key). Default: open. */
  adminKey?: string;
  /** Async webhook retries after the first attempt (default 3) and delay between them (default 1000 ms). */
  webhookRetries?: number;
  webhookRetryDelayMs?: number;
  /** Per-attempt webhook timeout (default 60 s, as the service). */
  webhookTimeoutMs?: number;
}

export interface DataverseSandbox {
  /** Origin, e.g. http://127.0.0.1:8082 */
  url: string;
  /** Service root, e.g. http://127.0.0.1:8082/api/data/v9.2/ */
  serviceRoot: string;
  /** Token endpoint for tenant `sandbox`: POST client_id, client_secret, scope=<url>/.default, grant_type=client_credentials. */
  tokenUrl: string;
  port: number;
  store: DataverseStore;
  faults: FaultInjector;
  server: SandboxHttpServer;
  registrations: RegistrationStore;
  delivery: EventDelivery;
  issuer: TokenIssuer;
  /** Summary of the seed run at start, if any. */
  seeded?: SeedSummary;
  /** A valid bearer token for the first configured client (convenience for tests and tools). */
  token(): string;
  stop(): Promise<void>;
}

function dataverseError(code: string, message: string, status: number): Response {
  return new Response(JSON.stringify({ error: { code, message } }), { status, headers: { 'content-type': 'application/json; odata.metadata=minimal', 'odata-version': '4.0' } });
}

export async function startDataverseSandbox(options: DataverseSandboxOptions = {}): Promise<DataverseSandbox> {
  const dbFile = options.dbFile ?? '.data/sandbox-dataverse.sqlite';
  if (dbFile !== ':memory:') mkdirSync(dirname(dbFile), { recursive: true });
  const store = new DataverseStore(dbFile, DATAVERSE_ENTITY_SETS);
  const clients = options.clients ?? [DEFAULT_SANDBOX_CLIENT];
  const issuer = new TokenIssuer({ clients, tokenLifetimeSeconds: options.tokenLifetimeSeconds, tenant: options.tenant, now: options.now, signingSecret: options.tokenSigningSecret });
  const registrations = new RegistrationStore({ entitySets: () => store.entitySets(), modes: ['sync', 'async'] });
  const delivery = new EventDelivery({ retries: options.webhookRetries ?? 3, retryDelayMs: options.webhookRetryDelayMs ?? 1000, timeoutMs: options.webhookTimeoutMs ?? 60_000 });
  const faults = new FaultInjector({
    throttled: (_c, retryAfter, limit) =>
      dataverseError(DV_CODES.throttledRequests, `Number of requests exceeded the limit of ${limit} over time window of 1 seconds. Retry after ${retryAfter} seconds.`, 429),
    failed: (_c, status) => dataverseError(DV_CODES.serverError, `The service is temporarily unavailable (fault injected by the sandbox, HTTP ${status}).`, status),
  });

  const app = new Hono();
  // Routes are added below; the server only dispatches to them once it listens.
  const server = new SandboxHttpServer(app, options.host ?? '127.0.0.1');
  mountTokenEndpoint(app, issuer);
  app.route('/admin', createAdminApp({
    adminKey: options.adminKey,
    faults,
    server: () => server,
    registrations,
    delivery,
    data: {
      entitySets: () => store.entitySets(),
      count: (s) => store.count(s),
      checksum: (s) => store.checksum(s),
      reset: () => store.reset(),
      seed: (o) => seedDataverse(store, { ...o, reset: true } as DataverseSeedOptions),
    },
  }));

  const faultMiddleware = faults.middleware();
  app.use('/api/*', async (c, next) => {
    // A $batch counts once against the limits, not once per part.
    if (c.req.header(BATCH_PART_HEADER)) return next();
    return faultMiddleware(c, next);
  });
  if (options.requireAuth ?? true) app.use('/api/*', bearerAuth(issuer, (_c, reason) => dataverseError(DV_CODES.unauthorized, describeRejection(reason), 401)));
  app.route(
    '/',
    createDataverseApi({
      store,
      registrations,
      delivery,
      webhookTimeoutMs: options.webhookTimeoutMs ?? 60_000,
      callerId: (authorization) => {
        const check = issuer.verify(authorization);
        return userIdForClient(check.ok ? check.clientId : 'anonymous');
      },
      dispatch: () => (req) => app.fetch(req),
    }),
  );
  app.notFound((c) => dataverseError(DV_CODES.segmentNotFound, `Resource not found for the segment '${c.req.path}'. The Web API is served under ${SERVICE_ROOT_PATH}.`, 404));

  let seeded: SeedSummary | undefined;
  if (options.seed !== false) {
    const seedOptions: DataverseSeedOptions = typeof options.seed === 'number' ? { seed: options.seed } : (options.seed ?? {});
    const empty = store.count('cdm_companies') === 0;
    if (empty || seedOptions.reset) seeded = seedDataverse(store, seedOptions);
  }

  try {
    await server.listen(options.port ?? resolvePorts().dataverse);
  } catch (err) {
    store.close();
    throw err;
  }
  const url = server.url;
  const first = clients[0] ?? DEFAULT_SANDBOX_CLIENT;
  return {
    url,
    serviceRoot: `${url}${SERVICE_ROOT_PATH}`,
    tokenUrl: `${url}/token/sandbox/oauth2/v2.0/token`,
    port: server.port,
    store,
    faults,
    server,
    registrations,
    delivery,
    issuer,
    ...(seeded ? { seeded } : {}),
    token: () => issuer.issue(first.clientId, `${url}/.default`).access_token,
    stop: async () => {
      delivery.close();
      await server.close();
      store.close();
    },
  };
}
