import type { Command } from 'commander';
import { NativeConnection } from '@temporalio/worker';
import { NAMESPACE, TASK_QUEUE } from '../../contracts/names';
import { createWorker } from '../../worker/create-worker';

export function register(program: Command): void {
  program
    .command('worker')
    .description(`run a worker that polls the "${TASK_QUEUE}" task queue (workflows and activities)`)
    .option('--address <host:port>', 'Temporal frontend address', process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233')
    .option('--namespace <name>', 'Temporal namespace', process.env.TEMPORAL_NAMESPACE ?? NAMESPACE)
    .action(async (opts: { address: string; namespace: string }) => {
      const connection = await NativeConnection.connect({ address: opts.address });
      const worker = await createWorker({ connection, namespace: opts.namespace });
      console.error(`dualwrite: worker polling "${TASK_QUEUE}" on ${opts.address} (namespace ${opts.namespace})`);
      // Worker.run() installs SIGINT/SIGTERM handlers that drain in-flight tasks before exiting.
      await worker.run();
      await connection.close();
    });
}
