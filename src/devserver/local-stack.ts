import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime, DefaultLogger } from '@temporalio/worker';
import { createApiApp } from '../api/app';
import { codecKeysFromSettings, dataConverterFor, EncryptionCodec, ensureCodecKeyFile } from '../codec';
import { listen } from '../api/server';
import { createTokenStore } from '../api/auth/tokens';
import { localAdminToken } from './local-token';
import { startHousekeeping } from '../runtime/housekeeping';
import { enableWorkflowId, NAMESPACE, TASK_QUEUE } from '../contracts/names';
import { resolvePorts } from '../contracts/ports';
import { directoryMapProvider, publishedMapProvider } from '../runtime/map-provider';
import { createConnectors, syncDependencies } from '../runtime/sync-dependencies';
import { startDataverseSandbox } from '../sandbox/dataverse/server';
import { startFinopsSandbox } from '../sandbox/finops/server';
import { DEFAULT_SANDBOX_CLIENT } from '../sandbox/shared/auth';
import { openStore } from '../store';
import { createWorker } from '../worker/create-worker';
import { startDevServer } from './dev-server';
import { ON_DEMAND_WORKFLOW_ID } from '../../workflows/on-demand/messages';

export interface LocalStack {
  urls: Record<string, string>;
  /** Resolves when the stack stops on its own (a part failed). */
  done: Promise<void>;
  stop(): Promise<void>;
}

export interface LocalStackOptions {
  dataDir: string;
  log: (line: string) => void;
  /** Folder of map files; the standard catalog by default. */
  mapsDir?: string;
  companies?: string[];
  /** Enable the standard maps with an initial sync from F&O at start (default true). */
  enableMaps?: boolean;
}

const LOCAL_WEBHOOK_SECRET = { header: 'x-dualwrite-secret', value: 'local-stack-webhook-secret' };

/**
 * Everything `npm start` runs in one process tree: the Temporal dev server (history kept in
 * dataDir so maps survive a restart), both sandboxes with demo data, the control store, the
 * API with its webhook receivers (registered in both sandboxes), a worker with the real
 * activities, and the standard maps enabled in dependency order with an initial sync.
 */
export async function startLocalStack(opts: LocalStackOptions): Promise<LocalStack> {
  const ports = resolvePorts();
  const log = opts.log;
  const companies = opts.companies ?? ['usmf', 'usrt', 'demf'];
  // We stop the worker ourselves, in order, so the runtime must not react to Ctrl-C on its own.
  Runtime.install({ logger: new DefaultLogger('WARN'), shutdownSignals: [] });

  const stops: { name: string; stop: () => Promise<unknown> }[] = [];
  const onStop = (name: string, stop: () => Promise<unknown>) => stops.push({ name, stop });
  let stopping = false;
  const stopAll = async () => {
    if (stopping) return;
    stopping = true;
    // In reverse order of starting: the worker drains while Temporal and the sandboxes still answer.
    for (const { name, stop } of stops.reverse()) {
      const slow = setTimeout(() => log(`dualwrite: still stopping ${name}...`), 5000);
      await stop().catch((err: Error) => log(`dualwrite: while stopping ${name}: ${err.message}`));
      clearTimeout(slow);
    }
  };

  try {
    // Security: the local stack always encrypts payloads: the configured keys, else a key made once in .data/codec.key.
    const keyFile = join(opts.dataDir, 'codec.key');
    const configuredKeys = codecKeysFromSettings(process.env);
    const localKey = configuredKeys ? undefined : ensureCodecKeyFile(keyFile);
    const codec = new EncryptionCodec(configuredKeys ?? localKey!.keys);
    const dataConverter = dataConverterFor(codec);
    log(`dualwrite: payloads encrypted with key "${codec.keyId}" (${configuredKeys ? 'DUALWRITE_CODEC_KEYS / DUALWRITE_CODEC_KEY_FILE' : `${localKey!.created ? 'new key written to' : 'key from'} ${keyFile}`}); the Temporal UI decodes them through the API's /codec`);
    const uiCodecEndpoint = `http://localhost:${ports.api}/codec`;
    const server = await startDevServer({ port: ports.temporal, uiPort: ports.temporalUi, dbFile: join(opts.dataDir, 'temporal.db'), uiCodecEndpoint, log });
    onStop('the Temporal dev server', () => server.stop());

    const finops = await startFinopsSandbox({ port: ports.finops, dbFile: join(opts.dataDir, 'sandbox-finops.sqlite'), seed: 1 });
    onStop('the F&O sandbox', () => finops.stop());
    const dataverse = await startDataverseSandbox({ port: ports.dataverse, dbFile: join(opts.dataDir, 'sandbox-dataverse.sqlite'), seed: 1 });
    onStop('the Dataverse sandbox', () => dataverse.stop());
    log(`dualwrite: sandboxes up (F&O ${finops.url}/data/, Dataverse ${dataverse.url}/api/data/v9.2/)`);

    const store = await openStore(process.env.DUALWRITE_DATABASE_URL ?? `sqlite:${join(opts.dataDir, 'dualwrite.db')}`);
    onStop('the control store', () => store.close());

    const connection = await Connection.connect({ address: server.address });
    onStop('the Temporal client', () => connection.close());
    const client = new Client({ connection, namespace: NAMESPACE, dataConverter });

    const endpoint = (s: { url: string; tokenUrl: string }) => ({ url: s.url, tokenUrl: s.tokenUrl, tenantId: 'sandbox', clientId: DEFAULT_SANDBOX_CLIENT.clientId, clientSecret: DEFAULT_SANDBOX_CLIENT.clientSecret });
    const connectors = createConnectors({ finops: endpoint(finops), dataverse: endpoint(dataverse) }, companies);
    const mapFiles = directoryMapProvider(opts.mapsDir ?? join(__dirname, '../../maps'), { onError: (m) => log(`dualwrite: ${m}`) });
    // Maps edited in the console or through the API are published to the store and win over files.
    const maps = publishedMapProvider(mapFiles, store.maps, { onError: (m) => log(`dualwrite: ${m}`) });
    const deps = syncDependencies({ store, connectors, maps, companies, client, taskQueue: TASK_QUEUE });

    const adminToken = localAdminToken(join(opts.dataDir, 'api-token'));
    const api = await listen(
      createApiApp({
        receivers: {
          inbox: store.inbox,
          maps,
          parsers: { finops: (b) => connectors.finops.parseEvent(b), dataverse: (b) => connectors.dataverse.parseEvent(b) },
          client,
          identities: { dataverse: () => connectors.dataverse.whoAmI!() },
          secrets: { finops: LOCAL_WEBHOOK_SECRET, dataverse: LOCAL_WEBHOOK_SECRET },
        },
        // The dev server's UI has no login to pass a token from; the key is in .data/ for this user anyway.
        codecServer: { codec, allowedOrigins: [`http://localhost:${ports.temporalUi}`, `http://127.0.0.1:${ports.temporalUi}`], allowAnonymous: true },
        store,
        client,
        maps,
        connectors,
        tokens: createTokenStore({ [adminToken]: { name: 'local-admin', role: 'admin' } }, 'the local stack token'),
      }),
      ports.api,
    );
    onStop('the API', () => api.stop());

    const catalog = await maps.all();
    const secretHeader = { name: LOCAL_WEBHOOK_SECRET.header, value: LOCAL_WEBHOOK_SECRET.value };
    for (const entitySet of new Set(catalog.map((m) => m.finops.entitySet))) {
      finops.registrations.add({ url: `${api.url}/webhooks/finops`, entitySet, messages: ['Create', 'Update', 'Delete'], mode: 'async', secretHeader });
    }
    for (const entitySet of new Set(catalog.map((m) => m.dataverse.entitySet))) {
      dataverse.registrations.add({ url: `${api.url}/webhooks/dataverse`, entitySet, messages: ['Create', 'Update', 'Delete'], mode: 'async', secretHeader });
    }

    const nativeConnection = await NativeConnection.connect({ address: server.address });
    const worker = await createWorker({ connection: nativeConnection, deps, shutdownSignals: [], dataConverter });
    const workerRun = worker.run();
    onStop('the worker', async () => {
      worker.shutdown();
      await workerRun;
      await nativeConnection.close();
    });

    const housekeeping = startHousekeeping({ store, client, maps, log });
    onStop('housekeeping', () => housekeeping.stop());

    const probe = await client.workflow.execute('workerProbe', {
      taskQueue: TASK_QUEUE,
      workflowId: `dualwrite-probe-${Date.now()}`,
      args: [{ waitForRelease: false }],
      workflowExecutionTimeout: '30 seconds',
    });
    log(`dualwrite: worker ${(probe as { worker: { pid: number } }).worker.pid} polls task queue "${TASK_QUEUE}"`);

    // On-demand calls from the CRM side (inventory, order totals) are updates of this workflow.
    await client.workflow.start('onDemandWorkflow', { taskQueue: TASK_QUEUE, workflowId: ON_DEMAND_WORKFLOW_ID, args: [{}], workflowIdConflictPolicy: 'USE_EXISTING', staticSummary: 'on-demand calls: inventory and order totals' });

    if (opts.enableMaps !== false) {
      const id = enableWorkflowId(`start-${Date.now()}`);
      await client.workflow.start('enableMapsWorkflow', {
        taskQueue: TASK_QUEUE,
        workflowId: id,
        args: [{ maps: catalog.map((m) => m.name), initialSync: { master: 'finops' } }],
        staticSummary: 'enable the standard maps at npm start',
      });
      log(`dualwrite: enabling ${catalog.length} standard maps in dependency order (workflow ${id})`);
    }

    const urls: Record<string, string> = {
      'Temporal UI': server.uiUrl ?? '',
      'Temporal frontend': server.address,
      API: api.url,
      'F&O sandbox': `${finops.url}/data/`,
      'Dataverse sandbox': `${dataverse.url}/api/data/v9.2/`,
    };
    for (const [name, url] of Object.entries(urls)) log(`  ${name.padEnd(20)} ${url}`);
    log(`  ${'API admin token'.padEnd(20)} ${adminToken} (kept in ${join(opts.dataDir, 'api-token')})`);
    log('dualwrite: ready. Ctrl-C stops everything.');

    const done = Promise.race([workerRun, new Promise<void>((resolve) => server.process.on('exit', () => resolve()))]).then(async () => {
      if (stopping) return;
      log('dualwrite: a part of the stack stopped; stopping the rest');
      await stopAll();
    });
    return { urls, done, stop: stopAll };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
