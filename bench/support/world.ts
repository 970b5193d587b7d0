import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import type { SyncDependencies } from '../../activities/sync/deps';
import { createApiApp } from '../../src/api/app';
import { listen, type RunningServer } from '../../src/api/server';
import { NAMESPACE } from '../../src/contracts/names';
import type { Connector } from '../../src/connectors/types';
import { startDevServer, type DevServer } from '../../src/devserver/dev-server';
import { directoryMapProvider, type MapProvider } from '../../src/runtime/map-provider';
import { createConnectors, syncDependencies } from '../../src/runtime/sync-dependencies';
import { startDataverseSandbox, type DataverseSandbox } from '../../src/sandbox/dataverse/server';
import type { DataverseSeedOptions } from '../../src/sandbox/dataverse/seed';
import { startFinopsSandbox, type FinopsSandbox } from '../../src/sandbox/finops/server';
import type { FinopsSeedOptions } from '../../src/sandbox/finops/seed';
import { DEFAULT_SANDBOX_CLIENT } from '../../src/sandbox/shared/auth';
import type { SystemName } from '../../src/schema/entity-schema';
import { openStore, type Store } from '../../src/store';
import { createWorker } from '../../src/worker/create-worker';

/**
 * The whole system in one process for benchmarks, wired as test/harness/sync-world.ts wires it
 * for the sync tests (sandboxes over real HTTP, SQLite control store, connectors, API webhook
 * receivers registered in both sandboxes, real activities), but without node:test hooks: the
 * caller stops it.
 */
export interface BenchWorld {
  finops: FinopsSandbox;
  dataverse: DataverseSandbox;
  store: Store;
  api: RunningServer;
  connectors: Record<SystemName, Connector>;
  maps: MapProvider;
  deps: SyncDependencies;
  client: Client;
  /** The dev server this world talks to (its pid, for CPU accounting). */
  temporal: BenchTemporal;
  taskQueue: string;
  /** Starts a worker with the real activities; stop it with `stopWorker`. */
  startWorker(): Promise<void>;
  stopWorker(): Promise<void>;
  stop(): Promise<void>;
}

export const BENCH_WEBHOOK_SECRET = { header: 'x-dualwrite-secret', value: 'bench-webhook-secret' };

export interface BenchWorldOptions {
  /**
   * Omitted: the world starts a dev server of its own and stops it with the world. Worlds must
   * not share one, since workflow ids (dualwrite-map-<map>) would meet the previous world's
   * still-running workflows, whose worker is gone.
   */
  temporal?: BenchTemporal;
  mapsDir?: string;
  companies?: string[];
  finopsSeed?: Omit<FinopsSeedOptions, 'seed'>;
  dataverseSeed?: Omit<DataverseSeedOptions, 'seed'>;
  /** Register F&O data events and Dataverse webhooks (default true); false leaves capture to polling. */
  webhooks?: boolean;
  /** Dataverse entity sets whose webhook runs as a synchronous step (write-through maps). */
  syncEntitySets?: string[];
}

/** One Temporal dev server and clients for a benchmark run. */
export interface BenchTemporal {
  server: DevServer;
  client: Client;
  connection: NativeConnection;
  stop(): Promise<void>;
}

let runtimeInstalled = false;

// A benchmark stopped with Ctrl-C or kill exits through 'exit', where the dev-server module
// kills the Temporal servers it started, so none is left running.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));

export async function startBenchTemporal(): Promise<BenchTemporal> {
  if (!runtimeInstalled) {
    Runtime.install({ logger: new DefaultLogger('WARN') });
    runtimeInstalled = true;
  }
  const server = await startDevServer({ readyTimeoutMs: 120_000 });
  const clientConnection = await Connection.connect({ address: server.address });
  const client = new Client({ connection: clientConnection, namespace: NAMESPACE });
  const connection = await NativeConnection.connect({ address: server.address });
  return {
    server,
    client,
    connection,
    async stop() {
      await connection.close().catch(() => undefined);
      await clientConnection.close().catch(() => undefined);
      await server.stop();
    },
  };
}

let worldCount = 0;

export async function startBenchWorld(opts: BenchWorldOptions): Promise<BenchWorld> {
  const companies = opts.companies ?? ['usmf', 'usrt', 'demf'];
  const dir = mkdtempSync(join(tmpdir(), 'dualwrite-bench-'));
  const stops: (() => Promise<unknown>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    stops.length = 0;
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    let temporal = opts.temporal;
    if (!temporal) {
      const own = await startBenchTemporal();
      stops.push(() => own.stop());
      temporal = own;
    }
    const connection = temporal.connection;
    const finops = await startFinopsSandbox({ port: 0, dbFile: ':memory:', seed: 1, seedOptions: opts.finopsSeed ?? {}, eventRetryDelayMs: 50 });
    stops.push(() => finops.stop());
    const dataverse = await startDataverseSandbox({ port: 0, dbFile: ':memory:', seed: { seed: 1, ...opts.dataverseSeed }, webhookRetryDelayMs: 50 });
    stops.push(() => dataverse.stop());
    const store = await openStore(`sqlite:${join(dir, 'control.db')}`);
    stops.push(() => store.close());

    const endpoint = (s: { url: string; tokenUrl: string }) => ({ url: s.url, tokenUrl: s.tokenUrl, tenantId: 'sandbox', clientId: DEFAULT_SANDBOX_CLIENT.clientId, clientSecret: DEFAULT_SANDBOX_CLIENT.clientSecret });
    const connectors = createConnectors({ finops: endpoint(finops), dataverse: endpoint(dataverse) }, companies);
    // The production refresh (maps re-read at most every 5 s): re-reading and validating the
    // catalog on every call was a fifth of a catch-up's CPU (once per webhook and per batch).
    const maps = directoryMapProvider(opts.mapsDir ?? join(__dirname, '../../maps'));
    const taskQueue = `bench-${process.pid}-${++worldCount}`;
    const deps = syncDependencies({ store, connectors, maps, companies, client: temporal.client, taskQueue });

    const api = await listen(
      createApiApp({
        receivers: {
          inbox: store.inbox,
          maps,
          parsers: { finops: (b) => connectors.finops.parseEvent(b), dataverse: (b) => connectors.dataverse.parseEvent(b) },
          client: temporal.client,
          secrets: { finops: BENCH_WEBHOOK_SECRET, dataverse: BENCH_WEBHOOK_SECRET },
        },
      }),
      0,
    );
    stops.push(() => api.stop());

    if (opts.webhooks !== false) {
      const secretHeader = { name: BENCH_WEBHOOK_SECRET.header, value: BENCH_WEBHOOK_SECRET.value };
      for (const map of await maps.all()) {
        finops.registrations.add({ url: `${api.url}/webhooks/finops`, entitySet: map.finops.entitySet, messages: ['Create', 'Update', 'Delete'], mode: 'async', secretHeader });
        const mode = opts.syncEntitySets?.includes(map.dataverse.entitySet) ? 'sync' : 'async';
        dataverse.registrations.add({ url: `${api.url}/webhooks/dataverse`, entitySet: map.dataverse.entitySet, messages: ['Create', 'Update', 'Delete'], mode, secretHeader });
      }
    }

    let worker: { worker: Worker; running: Promise<void> } | undefined;
    const stopWorker = async () => {
      if (!worker) return;
      const w = worker;
      worker = undefined;
      if (w.worker.getState() === 'RUNNING') w.worker.shutdown();
      await w.running;
    };
    stops.push(stopWorker);

    return {
      finops,
      dataverse,
      store,
      api,
      connectors,
      maps,
      deps,
      client: temporal.client,
      temporal,
      taskQueue,
      async startWorker() {
        if (worker) return;
        const w = await createWorker({ connection: connection, taskQueue, deps, shutdownSignals: [] });
        worker = { worker: w, running: w.run() };
      },
      stopWorker,
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/** A copy of the standard catalog with some maps changed (e.g. syncMode), in a temp dir the caller removes. */
export function catalogWith(changes: Record<string, (map: Record<string, unknown>) => void>): { dir: string; remove(): void } {
  const source = join(__dirname, '../../maps');
  const dir = mkdtempSync(join(tmpdir(), 'dualwrite-bench-maps-'));
  for (const file of readdirSync(source).filter((f) => f.endsWith('.json') && f !== 'schema.json')) {
    const map = JSON.parse(readFileSync(join(source, file), 'utf8')) as Record<string, unknown>;
    changes[String(map.name)]?.(map);
    delete map.$schema;
    writeFileSync(join(dir, file), JSON.stringify(map, null, 2));
  }
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
