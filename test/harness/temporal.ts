import { randomUUID } from 'node:crypto';
import { after } from 'node:test';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type ActivityDependencies } from '../../activities';
import { NAMESPACE } from '../../src/contracts/names';
import { startDevServer, type DevServer } from '../../src/devserver/dev-server';
import { workflowBundle } from '../../src/worker/workflow-bundle';

/**
 * One real Temporal dev server per test run: scripts/run-tests.ts starts it and passes its
 * address in DUALWRITE_TEST_TEMPORAL_ADDRESS. A test file run on its own (`node --import tsx
 * --test file`) starts a private one instead. Files share the server, so each test uses its own
 * task queue and unique workflow ids.
 */
export interface TestTemporal {
  env: TestWorkflowEnvironment;
  address: string;
}

let runtimeInstalled = false;
let current: Promise<TestTemporal> | undefined;

/** Once per process, before the first connection: keeps worker chatter out of test output. */
export function installTestRuntime(): void {
  if (runtimeInstalled) return;
  Runtime.install({ logger: new DefaultLogger('WARN') });
  runtimeInstalled = true;
}

export function testTemporal(): Promise<TestTemporal> {
  current ??= (async () => {
    installTestRuntime();
    let server: DevServer | undefined;
    let address = process.env.DUALWRITE_TEST_TEMPORAL_ADDRESS;
    if (!address) {
      server = await startDevServer();
      address = server.address;
    }
    const env = await TestWorkflowEnvironment.createFromExistingServer({ address, namespace: NAMESPACE });
    after(async () => {
      await env.teardown();
      await server?.stop();
    });
    return { env, address };
  })();
  return current;
}

export const uniqueId = (prefix: string): string => `${prefix}-${randomUUID().slice(0, 8)}`;

/**
 * Runs `fn` while a real worker polls a task queue private to this call, and shuts the worker
 * down afterwards whether `fn` passed or threw.
 */
export async function withWorker<T>(
  fn: (ctx: { taskQueue: string; temporal: TestTemporal; worker: Worker }) => Promise<T>,
  opts: { deps?: ActivityDependencies; activities?: object; workerOptions?: Partial<WorkerOptions> } = {},
): Promise<T> {
  const temporal = await testTemporal();
  const taskQueue = uniqueId('test');
  const worker = await Worker.create({
    connection: temporal.env.nativeConnection,
    namespace: NAMESPACE,
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities: opts.activities ?? createActivities(opts.deps),
    ...opts.workerOptions,
  });
  return worker.runUntil(fn({ taskQueue, temporal, worker }));
}
