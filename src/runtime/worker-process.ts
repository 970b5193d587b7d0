import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { codecSetupFromSettings, dataConverterOption } from '../codec';
import { ConfigError, endpointOf, type RuntimeConfig, type SystemEndpoint } from '../config/runtime-config';
import { temporalConnectionOf, type TemporalConnection } from '../config/temporal-connection';
import type { SystemName } from '../schema/entity-schema';
import { openStore, type Store } from '../store';
import { createWorker } from '../worker/create-worker';
import { directoryMapProvider, publishedMapProvider, type MapProvider } from './map-provider';
import { systemWorkerOptions, taskQueuesOf } from '../config/task-queues';
import { createConnectors, syncDependencies } from './sync-dependencies';

/**
 * The wiring of `dualwrite worker`: configuration in, a polling worker out. Kept apart from the
 * command so that tests (and other entry points) run exactly what operators run.
 */

/** A failure an operator can fix (configuration, an unreachable service); printed without a stack. */
export class OperatorError extends Error {}

const SERVICE_PATHS: Record<SystemName, RegExp> = {
  finops: /\/data\/?$/i,
  dataverse: /\/api\/data\/v\d+(\.\d+)?\/?$/i,
};

/**
 * DUALWRITE_*_URL is documented as the service root (…/data/, …/api/data/v9.2/) while the
 * connectors want the environment root and add the service path themselves; accept both.
 */
export function environmentRoot(system: SystemName, url: string): string {
  return url.replace(SERVICE_PATHS[system], '').replace(/\/+$/, '');
}

/** Both system endpoints from configuration, as the connectors take them. Throws ConfigError naming missing variables. */
export function endpointsOf(config: RuntimeConfig): Record<SystemName, SystemEndpoint> {
  const problems: string[] = [];
  const endpoint = (system: SystemName): SystemEndpoint | undefined => {
    try {
      const e = endpointOf(config, system);
      return { ...e, url: environmentRoot(system, e.url) };
    } catch (err) {
      problems.push((err as Error).message);
      return undefined;
    }
  };
  const finops = endpoint('finops');
  const dataverse = endpoint('dataverse');
  if (!finops || !dataverse) throw new ConfigError(problems.join('\n'));
  return { finops, dataverse };
}

/** How to say that Temporal cannot be reached: which address, and how to get one running. */
export function temporalUnreachable(temporal: TemporalConnection, err: unknown): OperatorError {
  const reason = err instanceof Error ? err.message.split('\n')[0] : String(err);
  return new OperatorError(
    `cannot reach Temporal at ${temporal.connectionOptions.address} (namespace ${temporal.namespace}): ${reason}\n` +
      `  Start a local one with \`npm start\` (or \`temporal server start-dev\`), or point TEMPORAL_ADDRESS (and TEMPORAL_NAMESPACE, TEMPORAL_API_KEY or TEMPORAL_TLS_*) at your cluster. See docs/configuration.md.`,
  );
}

export interface TemporalClientSession {
  client: Client;
  temporal: TemporalConnection;
  close(): Promise<void>;
}

/** A Temporal client from configuration (API keys, mTLS and Temporal Cloud included), or an OperatorError saying where it looked. */
export async function connectTemporalClient(config: RuntimeConfig, connectTimeoutMs = 5000): Promise<TemporalClientSession> {
  const temporal = temporalConnectionOf(config);
  let connection: Connection;
  try {
    connection = await Connection.connect({ ...temporal.connectionOptions, connectTimeout: connectTimeoutMs } as Parameters<typeof Connection.connect>[0]);
    // connect() succeeds on some transports before the server answered: ask it something cheap.
    await connection.withDeadline(Date.now() + connectTimeoutMs, () => connection.workflowService.getSystemInfo({}));
  } catch (err) {
    throw temporalUnreachable(temporal, err);
  }
  // Security: payloads are encrypted with DUALWRITE_CODEC_KEYS, like the worker's.
  const client = new Client({ connection, namespace: temporal.namespace, ...dataConverterOption(config) });
  return { client, temporal, close: () => connection.close() };
}

export interface WorkerProcessOptions {
  log?: (line: string) => void;
}

export interface WorkerProcess {
  /** Safe to log: Temporal address and auth kind, task queue, store, maps folder, companies. */
  summary: string;
  worker: Worker;
  /** Settles when the worker stopped, by stop() or because it failed. */
  done: Promise<void>;
  /** Drains in-flight tasks (up to the worker's grace time), then closes connections and the store. */
  stop(): Promise<void>;
}

/**
 * Starts a worker with the real sync activities: control store from DUALWRITE_DATABASE_URL,
 * connectors from the system endpoints, maps from DUALWRITE_MAPS_DIR, and a Temporal client
 * (the activities start and message map workflows). Every check that can fail on bad
 * configuration runs before anything is started; failures are ConfigError or OperatorError.
 */
export async function startWorkerProcess(config: RuntimeConfig, opts: WorkerProcessOptions = {}): Promise<WorkerProcess> {
  const log = opts.log ?? (() => undefined);
  const endpoints = endpointsOf(config);
  const temporal = temporalConnectionOf(config);
  // Security: the same codec as every client, or neither could read the other's payloads.
  // Read before connecting: a missing key file is a configuration error like any other.
  const codec = codecSetupFromSettings(config);
  log(`dualwrite worker: ${codec.summary}`);
  const maps = loadMaps(config.DUALWRITE_MAPS_DIR, log);
  const catalog = await maps.all();
  if (catalog.length === 0) throw new ConfigError(`DUALWRITE_MAPS_DIR=${JSON.stringify(config.DUALWRITE_MAPS_DIR)}: expected a folder with at least one map file, found none`);

  const closers: (() => Promise<unknown>)[] = [];
  const closeAll = async () => {
    for (const close of closers.reverse()) await close().catch((err: Error) => log(`dualwrite worker: while stopping: ${err.message}`));
  };
  try {
    let store: Store;
    try {
      store = await openStore(config.DUALWRITE_DATABASE_URL);
    } catch (err) {
      throw new OperatorError(`cannot open the control store (DUALWRITE_DATABASE_URL): ${(err as Error).message}`);
    }
    closers.push(() => store.close());

    const session = await connectTemporalClient(config);
    closers.push(() => session.close());
    let nativeConnection: NativeConnection;
    try {
      nativeConnection = await NativeConnection.connect(temporal.connectionOptions);
    } catch (err) {
      throw temporalUnreachable(temporal, err);
    }
    closers.push(() => nativeConnection.close());

    const companies = config.DUALWRITE_COMPANIES;
    const connectors = createConnectors(endpoints, companies);
    const queues = taskQueuesOf(config);
    const taskQueue = queues.workflows;
    // Published versions (API, console, imports) win over the files.
    const published = publishedMapProvider(maps, store.maps, { onError: (m) => log(`dualwrite worker: ${m}`) });
    const deps = {
      ...syncDependencies({ store, connectors, maps: published, companies, client: session.client, taskQueue }),
      systemQueues: { finops: queues.finops.taskQueue, dataverse: queues.dataverse.taskQueue },
    };
    const common = { connection: nativeConnection, namespace: temporal.namespace, deps, shutdownSignals: [] as NodeJS.Signals[], ...(codec.dataConverter ? { dataConverter: codec.dataConverter } : {}) };
    const worker = await createWorker({ ...common, taskQueue });
    // Activities that call a system run on its queue, whose start rate the server limits for all
    // workers together (the system's API quota); see docs/deployment.md.
    const systemWorkers = await Promise.all([queues.finops, queues.dataverse].map((q) => createWorker({ ...common, ...systemWorkerOptions(q) })));
    const running = Promise.all([worker.run(), ...systemWorkers.map((w) => w.run())]).then(() => undefined);
    let stopped = false;
    const done = running.finally(async () => {
      stopped = true;
      await closeAll();
    });
    return {
      summary: `task queues "${taskQueue}", "${queues.finops.taskQueue}" and "${queues.dataverse.taskQueue}" on ${temporal.summary}; store ${store.description}; ${catalog.length} maps from ${config.DUALWRITE_MAPS_DIR}; companies ${companies.join(',')}`,
      worker,
      done,
      async stop() {
        for (const w of [worker, ...systemWorkers]) if (!stopped && w.getState() === 'RUNNING') w.shutdown();
        await done.catch(() => undefined);
      },
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}

function loadMaps(dir: string, log: (line: string) => void): MapProvider {
  const provider = directoryMapProvider(dir, { onError: (m) => log(`dualwrite worker: ${m}`) });
  return {
    get: (name) => provider.get(name),
    all: async () => {
      try {
        return await provider.all();
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') throw new ConfigError(`DUALWRITE_MAPS_DIR=${JSON.stringify(dir)}: expected a folder of map files, but there is none`);
        throw new ConfigError(`DUALWRITE_MAPS_DIR=${JSON.stringify(dir)}: ${(err as Error).message}`);
      }
    },
  };
}
