import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import type { SyncDependencies } from '../../activities/sync/deps';
import { createApiApp } from '../../src/api/app';
import { listen, type RunningServer } from '../../src/api/server';
import { NAMESPACE } from '../../src/contracts/names';
import { startDevServer, type DevServer } from '../../src/devserver/dev-server';
import { directoryMapProvider, type MapProvider } from '../../src/runtime/map-provider';
import { createConnectors, syncDependencies } from '../../src/runtime/sync-dependencies';
import { startDataverseSandbox, type DataverseSandbox } from '../../src/sandbox/dataverse/server';
import { DEFAULT_SANDBOX_CLIENT } from '../../src/sandbox/shared/auth';
import { startFinopsSandbox, type FinopsSandbox } from '../../src/sandbox/finops/server';
import type { Connector } from '../../src/connectors/types';
import type { SystemName } from '../../src/schema/entity-schema';
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
  connectors: Record<SystemName, Connector>;
  maps: MapProvider;
  deps: SyncDependencies;
  env: TestWorkflowEnvironment;
  temporal: DevServer;
  taskQueue: string;
  /** Runs a worker with the real activities for the duration of `fn`. */
  withWorker<T>(fn: () => Promise<T>): Promise<T>;
}

export const WEBHOOK_SECRET = { header: 'x-dualwrite-secret', value: 'test-webhook-secret' };

export interface SyncWorldOptions {
  mapsDir?: string;
  companies?: string[];
  seed?: number | false;
  /** Register data events and webhooks (default true). */
  webhooks?: boolean;
  /** Dataverse entity sets whose webhook runs as a synchronous step (write-through maps). */
  syncEntitySets?: string[];
  eventRetryDelayMs?: number;
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
  const temporal = await startDevServer();
  stops.push(() => temporal.stop());
  const env = await TestWorkflowEnvironment.createFromExistingServer({ address: temporal.address, namespace: NAMESPACE });
  stops.push(() => env.teardown());

  const seed = opts.seed === undefined ? 1 : opts.seed;
  const finops = await startFinopsSandbox({ port: 0, dbFile: ':memory:', ...(seed === false ? {} : { seed }), eventRetryDelayMs: opts.eventRetryDelayMs ?? 50 });
  stops.push(() => finops.stop());
  const dataverse = await startDataverseSandbox({ port: 0, dbFile: ':memory:', seed: seed === false ? false : seed, webhookRetryDelayMs: opts.eventRetryDelayMs ?? 50 });
  stops.push(() => dataverse.stop());

  const store = await openStore(`sqlite:${join(dir, 'control.db')}`);
  stops.push(() => store.close());

  const endpoint = (s: { url: string; tokenUrl: string }) => ({ url: s.url, tokenUrl: s.tokenUrl, tenantId: 'sandbox', clientId: DEFAULT_SANDBOX_CLIENT.clientId, clientSecret: DEFAULT_SANDBOX_CLIENT.clientSecret });
  const connectors = createConnectors({ finops: endpoint(finops), dataverse: endpoint(dataverse) }, companies);
  const maps = directoryMapProvider(opts.mapsDir ?? join(__dirname, '../../maps'), { refreshMs: 0 });
  const deps = syncDependencies({ store, connectors, maps, companies, client: env.client, taskQueue: uniqueId('sync') });
  const taskQueue = deps.taskQueue!;

  const api = await listen(
    createApiApp({
      receivers: {
        inbox: store.inbox,
        maps,
        parsers: { finops: (b) => connectors.finops.parseEvent(b), dataverse: (b) => connectors.dataverse.parseEvent(b) },
        client: env.client,
        secrets: { finops: WEBHOOK_SECRET, dataverse: WEBHOOK_SECRET },
      },
    }),
    0,
  );
  stops.push(() => api.stop());

  if (opts.webhooks !== false) {
    for (const map of await maps.all()) {
      const secretHeader = { name: WEBHOOK_SECRET.header, value: WEBHOOK_SECRET.value };
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
    maps,
    deps,
    env,
    temporal,
    taskQueue,
    async withWorker(fn) {
      const worker = await Worker.create({
        connection: env.nativeConnection,
        namespace: NAMESPACE,
        taskQueue,
        workflowBundle: await workflowBundle(),
        activities: createActivities(deps),
      });
      return worker.runUntil(fn());
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
