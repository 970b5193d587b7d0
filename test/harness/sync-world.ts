import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import type { DataConverter } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities } from '../../activities';
import type { SyncDependencies } from '../../activities/sync/deps';
import { createApiApp } from '../../src/api/app';
import { createTokenStore } from '../../src/api/auth/tokens';
import { dataConverterFor, EncryptionCodec, parseCodecKeys } from '../../src/codec';
import { listen, type RunningServer } from '../../src/api/server';
import { NAMESPACE } from '../../src/contracts/names';
import { startDevServer, type DevServer } from '../../src/devserver/dev-server';
import { directoryMapProvider, type MapProvider } from '../../src/runtime/map-provider';
import { createConnectors, syncDependencies } from '../../src/runtime/sync-dependencies';
import { startDataverseSandbox, type DataverseSandbox } from '../../src/sandbox/dataverse/server';
import { DEFAULT_SANDBOX_CLIENT } from '../../src/sandbox/shared/auth';
import { startFinopsSandbox, type FinopsSandbox } from '../../src/sandbox/finops/server';
import type { Connector } from '../../src/connectors/types';
import type { HttpEvent } from '../../src/connectors/http/http-client';
import type { SystemName } from '../../src/schema/entity-schema';
import type { SystemEndpoint } from '../../src/config/runtime-config';
import { openStore, type Store } from '../../src/store';
import { workflowBundle } from '../../src/worker/workflow-bundle';
import { installTestRuntime, uniqueId } from './temporal';

/**
 * Everything live sync needs, for real, in one process: both sandboxes over HTTP, the control
 * store on SQLite, connectors, the API's webhook receivers (registered in both sandboxes), a
 * Temporal dev server of its own (workflow ids like dualwrite-map-<map> must not collide with
 * other test files) and a worker with the real activities.
 */
export interface SyncWorld {
  finops: FinopsSandbox;
  dataverse: DataverseSandbox;
  store: Store;
  api: RunningServer;
  /** dualwrite's own connectors. */
  connectors: Record<SystemName, Connector>;
  /** Connectors acting as a person using each system (another OAuth client): what tests edit with. */
  users: Record<SystemName, Connector>;
  maps: MapProvider;
  deps: SyncDependencies;
  env: TestWorkflowEnvironment;
  temporal: DevServer;
  taskQueue: string;
  /** How to reach the same parts from another process (see worker-child.ts). */
  storeUrl: string;
  mapsDir: string;
  companies: string[];
  endpoints: Record<SystemName, SystemEndpoint>;
  /** Security: the world's payload codec (a random key per world) and its converter; undefined with encryptPayloads: false. */
  codec?: EncryptionCodec;
  dataConverter?: DataConverter;
  /** The same key in DUALWRITE_CODEC_KEYS form, for workers in other processes (worker-child.ts). */
  codecKeys?: string;
  /** Runs a worker with the real activities for the duration of `fn`, plus activity workers for `more` queues. */
  withWorker<T>(fn: () => Promise<T>, more?: (Partial<WorkerOptions> & { taskQueue: string })[]): Promise<T>;
}

/** A person's OAuth client in both sandboxes: their edits are not dualwrite's own. */
const HUMAN_CLIENT = { clientId: 'test-human', clientSecret: 'test-human-secret' };

export const WEBHOOK_SECRET = { header: 'x-dualwrite-secret', value: 'test-webhook-secret' };
/** Security: the API token that may call the world's codec endpoint (<api>/codec). */
export const WORLD_OPERATOR_TOKEN = 'world-operator-token-0123456789';

export interface SyncWorldOptions {
  mapsDir?: string;
  companies?: string[];
  seed?: number | false;
  /** Register data events and webhooks (default true). */
  webhooks?: boolean;
  /** Dataverse entity sets whose webhook runs as a synchronous step (write-through maps). */
  syncEntitySets?: string[];
  eventRetryDelayMs?: number;
  /** Security: encrypt payloads with a random key (default true); false records plain histories for replay. */
  encryptPayloads?: boolean;
  /** Security tests: the codec keys (DUALWRITE_CODEC_KEYS form) instead of a random one. */
  codecKeys?: string;
  /** Security tests: client secrets the connectors present instead of the sandboxes' (a wrong one fails auth). */
  clientSecrets?: Partial<Record<SystemName, string>>;
  /** Security tests: the webhook secret value instead of WEBHOOK_SECRET's. */
  webhookSecret?: string;
  /** Demo data sizes of the F&O sandbox. */
  finopsSeed?: { customers?: number; vendors?: number; products?: number; salesOrders?: number };
  /**
   * The F&O sandbox's server-driven page size (default 10,000, as F&O's): pages never exceed it,
   * whatever a client prefers. Smaller values make large reads come in more, smaller pages.
   */
  finopsMaxPageSize?: number;
  /**
   * Reliability tests (test/faults): keep Temporal's state in this SQLite file instead of memory,
   * so the test can stop the dev server and start it again on the same port with the same state.
   */
  temporalDbFile?: string;
  /** Observes every HTTP attempt and answer of dualwrite's own connectors (not the users'), e.g. to check throttling exactly. */
  onHttpEvent?: (system: SystemName, event: HttpEvent) => void;
}

export async function startSyncWorld(opts: SyncWorldOptions = {}): Promise<SyncWorld> {
  const companies = opts.companies ?? ['usmf', 'usrt', 'demf'];
  const dir = mkdtempSync(join(tmpdir(), 'dualwrite-world-'));
  const stops: (() => Promise<unknown>)[] = [];
  after(async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  installTestRuntime();
  const temporal = await startDevServer(opts.temporalDbFile ? { dbFile: opts.temporalDbFile } : {});
  stops.push(() => temporal.stop());
  // Security: every world encrypts payloads like the product, with a key of its own.
  const codecKeys = opts.encryptPayloads === false ? undefined : (opts.codecKeys ?? `world:${randomBytes(32).toString('base64')}`);
  const codec = codecKeys ? new EncryptionCodec(parseCodecKeys(codecKeys, 'test world key')) : undefined;
  const dataConverter = codec ? dataConverterFor(codec) : undefined;
  const env = await TestWorkflowEnvironment.createFromExistingServer({ address: temporal.address, namespace: NAMESPACE, ...(dataConverter ? { client: { dataConverter } } : {}) });
  stops.push(() => env.teardown());

  const seed = opts.seed === undefined ? 1 : opts.seed;
  const finops = await startFinopsSandbox({ port: 0, dbFile: ':memory:', ...(seed === false ? {} : { seed, seedOptions: opts.finopsSeed }), eventRetryDelayMs: opts.eventRetryDelayMs ?? 50, clients: [DEFAULT_SANDBOX_CLIENT, HUMAN_CLIENT], ...(opts.finopsMaxPageSize ? { maxPageSize: opts.finopsMaxPageSize } : {}) });
  stops.push(() => finops.stop());
  const dataverse = await startDataverseSandbox({ port: 0, dbFile: ':memory:', seed: seed === false ? false : seed, webhookRetryDelayMs: opts.eventRetryDelayMs ?? 50, clients: [DEFAULT_SANDBOX_CLIENT, HUMAN_CLIENT] });
  stops.push(() => dataverse.stop());

  const storeUrl = `sqlite:${join(dir, 'control.db')}`;
  const store = await openStore(storeUrl);
  stops.push(() => store.close());

  const endpoint = (s: { url: string; tokenUrl: string }, system: SystemName) => ({ url: s.url, tokenUrl: s.tokenUrl, tenantId: 'sandbox', clientId: DEFAULT_SANDBOX_CLIENT.clientId, clientSecret: opts.clientSecrets?.[system] ?? DEFAULT_SANDBOX_CLIENT.clientSecret });
  const endpoints = { finops: endpoint(finops, 'finops'), dataverse: endpoint(dataverse, 'dataverse') };
  const observe = opts.onHttpEvent;
  const connectors = createConnectors(endpoints, companies, undefined, observe ? { finops: { onHttpEvent: (e) => observe('finops', e) }, dataverse: { onHttpEvent: (e) => observe('dataverse', e) } } : {});
  const asHuman = (e: SystemEndpoint) => ({ ...e, clientId: HUMAN_CLIENT.clientId, clientSecret: HUMAN_CLIENT.clientSecret });
  const users = createConnectors({ finops: asHuman(endpoints.finops), dataverse: asHuman(endpoints.dataverse) }, companies);
  const webhookSecret = { header: WEBHOOK_SECRET.header, value: opts.webhookSecret ?? WEBHOOK_SECRET.value };
  const mapsDir = opts.mapsDir ?? join(__dirname, '../../maps');
  const maps = directoryMapProvider(mapsDir, { refreshMs: 0 });
  const deps = syncDependencies({ store, connectors, maps, companies, client: env.client, taskQueue: uniqueId('sync') });
  const taskQueue = deps.taskQueue!;

  const api = await listen(
    createApiApp({
      receivers: {
        inbox: store.inbox,
        maps,
        parsers: { finops: (b) => connectors.finops.parseEvent(b), dataverse: (b) => connectors.dataverse.parseEvent(b) },
        client: env.client,
        identities: { dataverse: () => connectors.dataverse.whoAmI!() },
        secrets: { finops: webhookSecret, dataverse: webhookSecret },
      },
      ...(codec ? { codecServer: { codec, tokens: createTokenStore({ [WORLD_OPERATOR_TOKEN]: { name: 'world-operator', role: 'operator' } }), allowedOrigins: [] } } : {}),
    }),
    0,
  );
  stops.push(() => api.stop());

  if (opts.webhooks !== false) {
    for (const map of await maps.all()) {
      const secretHeader = { name: webhookSecret.header, value: webhookSecret.value };
      finops.registrations.add({ url: `${api.url}/webhooks/finops`, entitySet: map.finops.entitySet, messages: ['Create', 'Update', 'Delete'], mode: 'async', secretHeader });
      const mode = opts.syncEntitySets?.includes(map.dataverse.entitySet) ? 'sync' : 'async';
      dataverse.registrations.add({ url: `${api.url}/webhooks/dataverse`, entitySet: map.dataverse.entitySet, messages: ['Create', 'Update', 'Delete'], mode, secretHeader });
    }
  }

  return {
    finops,
    dataverse,
    store,
    api,
    connectors,
    users,
    maps,
    deps,
    env,
    temporal,
    taskQueue,
    storeUrl,
    mapsDir,
    companies,
    endpoints,
    ...(codec ? { codec, codecKeys } : {}),
    ...(dataConverter ? { dataConverter } : {}),
    async withWorker(fn, more = []) {
      const worker = await Worker.create({
        connection: env.nativeConnection,
        namespace: NAMESPACE,
        taskQueue,
        workflowBundle: await workflowBundle(),
        activities: createActivities(deps),
        ...(dataConverter ? { dataConverter } : {}),
      });
      // Activity-only workers of other queues (per-system queues), alongside the main one.
      const others = await Promise.all(
        more.map((options) => Worker.create({ connection: env.nativeConnection, namespace: NAMESPACE, activities: createActivities(deps), ...(dataConverter ? { dataConverter } : {}), ...options })),
      );
      let run = () => worker.runUntil(fn());
      for (const other of others) {
        const inner = run;
        run = () => other.runUntil(inner());
      }
      return run();
    },
  };
}

/** A copy of the standard catalog with some maps changed, for tests of map settings. */
export function catalogWith(changes: Record<string, (map: Record<string, unknown>) => void>): string {
  const source = join(__dirname, '../../maps');
  const dir = mkdtempSync(join(tmpdir(), 'dualwrite-maps-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  for (const file of readdirSync(source).filter((f) => f.endsWith('.json') && f !== 'schema.json')) {
    const map = JSON.parse(readFileSync(join(source, file), 'utf8')) as Record<string, unknown>;
    changes[String(map.name)]?.(map);
    delete map.$schema;
    writeFileSync(join(dir, file), JSON.stringify(map, null, 2));
  }
  return dir;
}

/** Polls `check` until it returns a value other than undefined/false, or fails after `timeoutMs` with `what`. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
