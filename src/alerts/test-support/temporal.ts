import { randomUUID } from 'node:crypto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { NAMESPACE } from '../../contracts/names';
import { startDevServer, type DevServer } from '../../devserver/dev-server';

/**
 * Test only: a real Temporal dev server (the shared one of the test run when
 * DUALWRITE_TEST_TEMPORAL_ADDRESS is set, else a private one) and a private worker that runs
 * recording-map-workflow.ts only, so these tests do not depend on the sync engine's workflows.
 */
let env: Promise<TestWorkflowEnvironment> | undefined;
let stopServer: (() => Promise<void>) | undefined;
let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;

export function testEnvironment(): Promise<TestWorkflowEnvironment> {
  env ??= (async () => {
    Runtime.install({ logger: new DefaultLogger('ERROR') });
    let server: DevServer | undefined;
    let address = process.env.DUALWRITE_TEST_TEMPORAL_ADDRESS;
    if (!address) {
      server = await startDevServer();
      address = server.address;
    }
    const created = await TestWorkflowEnvironment.createFromExistingServer({ address, namespace: NAMESPACE });
    stopServer = async () => {
      await created.teardown();
      await server?.stop();
    };
    return created;
  })();
  return env;
}

/** Call from the test file's top-level `after` hook (a hook registered inside a test would run when that test ends). */
export async function closeTestEnvironment(): Promise<void> {
  if (!env) return;
  await env.catch(() => undefined);
  await stopServer?.();
  env = undefined;
  stopServer = undefined;
}

export async function withRecordingWorker<T>(fn: (ctx: { env: TestWorkflowEnvironment; taskQueue: string }) => Promise<T>): Promise<T> {
  const testEnv = await testEnvironment();
  bundle ??= bundleWorkflowCode({ workflowsPath: require.resolve('./recording-map-workflow'), logger: new DefaultLogger('WARN') });
  const taskQueue = `alerts-test-${randomUUID().slice(0, 8)}`;
  const worker = await Worker.create({ connection: testEnv.nativeConnection, namespace: NAMESPACE, taskQueue, workflowBundle: await bundle });
  return worker.runUntil(fn({ env: testEnv, taskQueue }));
}

/** Polls `probe` until it returns a value for which `done` holds; fails with the last value after the deadline. */
export async function eventually<T>(probe: () => Promise<T>, done: (value: T) => boolean, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T;
  for (;;) {
    last = await probe();
    if (done(last)) return last;
    if (Date.now() > deadline) throw new Error(`${what}: not reached within ${timeoutMs} ms; last value ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
