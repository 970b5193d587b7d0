import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime, DefaultLogger } from '@temporalio/worker';
import { NAMESPACE, TASK_QUEUE } from '../contracts/names';
import { resolvePorts } from '../contracts/ports';
import { createWorker } from '../worker/create-worker';
import { startDevServer } from './dev-server';

export interface LocalStack {
  urls: Record<string, string>;
  /** Resolves when the stack stops on its own (a part failed). */
  done: Promise<void>;
  stop(): Promise<void>;
}

/**
 * Everything `npm start` runs in one process tree: the Temporal dev server (history kept in
 * dataDir so maps survive a restart), a worker on the dualwrite task queue, and, as they are
 * added, the sandboxes, API and console.
 */
export async function startLocalStack(opts: { dataDir: string; log: (line: string) => void }): Promise<LocalStack> {
  const ports = resolvePorts();
  // We stop the worker ourselves, in order, so the runtime must not react to Ctrl-C on its own.
  Runtime.install({ logger: new DefaultLogger('WARN'), shutdownSignals: [] });
  const server = await startDevServer({
    port: ports.temporal,
    uiPort: ports.temporalUi,
    dbFile: join(opts.dataDir, 'temporal.db'),
    log: opts.log,
  });
  const stops: (() => Promise<void>)[] = [() => server.stop()];
  let stopping = false;
  const stopAll = async () => {
    if (stopping) return;
    stopping = true;
    for (const stop of stops.reverse()) await stop().catch((err: Error) => opts.log(`dualwrite: while stopping: ${err.message}`));
  };
  try {
    const nativeConnection = await NativeConnection.connect({ address: server.address });
    const worker = await createWorker({ connection: nativeConnection, shutdownSignals: [] });
    const workerRun = worker.run();
    stops.push(async () => {
      worker.shutdown();
      await workerRun;
      await nativeConnection.close();
    });

    const connection = await Connection.connect({ address: server.address });
    stops.push(() => connection.close());
    const client = new Client({ connection, namespace: NAMESPACE });
    const probe = await client.workflow.execute('workerProbe', {
      taskQueue: TASK_QUEUE,
      workflowId: `dualwrite-probe-${Date.now()}`,
      args: [{ waitForRelease: false }],
      workflowExecutionTimeout: '30 seconds',
    });
    opts.log(`dualwrite: worker ${(probe as { worker: { pid: number } }).worker.pid} polls task queue "${TASK_QUEUE}"`);

    const urls = { 'Temporal UI': server.uiUrl ?? '', 'Temporal frontend': server.address };
    for (const [name, url] of Object.entries(urls)) opts.log(`  ${name.padEnd(20)} ${url}`);
    opts.log('dualwrite: ready. Ctrl-C stops everything.');

    const done = Promise.race([workerRun, new Promise<void>((resolve) => server.process.on('exit', () => resolve()))]).then(async () => {
      if (stopping) return;
      opts.log('dualwrite: a part of the stack stopped; stopping the rest');
      await stopAll();
    });
    return { urls, done, stop: stopAll };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
