import { NativeConnection, Runtime, DefaultLogger } from '@temporalio/worker';
import { createActivities } from '../../activities';
import type { SystemEndpoint } from '../../src/config/runtime-config';
import { NAMESPACE } from '../../src/contracts/names';
import { directoryMapProvider } from '../../src/runtime/map-provider';
import { createConnectors, syncDependencies } from '../../src/runtime/sync-dependencies';
import { openStore } from '../../src/store';
import { Client, Connection } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { workflowBundle } from '../../src/worker/workflow-bundle';
import { dataConverterFor, EncryptionCodec, parseCodecKeys } from '../../src/codec';

/**
 * A worker in a process of its own, for tests that kill workers (SIGKILL: no cleanup, no
 * goodbye) and check that another worker takes over. Configured by one JSON environment
 * variable; prints "worker ready" once it polls.
 */
export interface WorkerChildConfig {
  temporalAddress: string;
  taskQueue: string;
  storeUrl: string;
  mapsDir: string;
  companies: string[];
  endpoints: Record<'finops' | 'dataverse', SystemEndpoint>;
  /** The world's payload codec keys (DUALWRITE_CODEC_KEYS form), when it encrypts. */
  codecKeys?: string;
}

async function main(): Promise<void> {
  const config = JSON.parse(process.env.DUALWRITE_WORKER_CHILD ?? '') as WorkerChildConfig;
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const store = await openStore(config.storeUrl);
  const dataConverter = config.codecKeys ? dataConverterFor(new EncryptionCodec(parseCodecKeys(config.codecKeys, 'worker child keys'))) : undefined;
  const connection = await Connection.connect({ address: config.temporalAddress });
  const client = new Client({ connection, namespace: NAMESPACE, ...(dataConverter ? { dataConverter } : {}) });
  const deps = syncDependencies({
    store,
    connectors: createConnectors(config.endpoints, config.companies),
    maps: directoryMapProvider(config.mapsDir, { refreshMs: 0 }),
    companies: config.companies,
    client,
    taskQueue: config.taskQueue,
  });
  const native = await NativeConnection.connect({ address: config.temporalAddress });
  const worker = await Worker.create({ connection: native, namespace: NAMESPACE, taskQueue: config.taskQueue, workflowBundle: await workflowBundle(), activities: createActivities(deps), ...(dataConverter ? { dataConverter } : {}) });
  console.log('worker ready');
  await worker.run();
}

main().catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
