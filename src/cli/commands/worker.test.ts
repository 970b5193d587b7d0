import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ChildProcess } from 'node:child_process';
import { statusQuery } from '../../contracts/map-messages';
import { enableWorkflowId, mapWorkflowId, TASK_QUEUE } from '../../contracts/names';
import { runCli, startOperatorWorld, stopChild, type OperatorWorld } from '../../runtime/worker-process.test-support';

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('dualwrite worker', () => {
  let world: OperatorWorld;
  let worker: ChildProcess;

  before(async () => {
    world = await startOperatorWorld();
    worker = await world.startWorker();
  });
  after(async () => {
    await world?.stop();
  });

  test('runs a map end to end: enable legal-entities with an initial sync reaches Running', async () => {
    const id = enableWorkflowId(`worker-test-${Date.now()}`);
    await world.client.workflow.start('enableMapsWorkflow', { taskQueue: TASK_QUEUE, workflowId: id, args: [{ maps: ['legal-entities'], initialSync: { master: 'finops' } }] });
    const status = await until('legal-entities Running', async () => {
      const s = await world.client.workflow.getHandle(mapWorkflowId('legal-entities')).query(statusQuery);
      if (s.state === 'Failed') throw new Error(`map failed: ${s.lastError}`);
      return s.state === 'Running' ? s : undefined;
    });
    assert.equal(status.map, 'legal-entities');
    assert.equal(status.initialSync.runs, 1);
    // The initial sync read the companies from the F&O sandbox and wrote them to Dataverse.
    assert.ok((status.initialSync.result?.read ?? 0) >= 3, JSON.stringify(status.initialSync));
    assert.ok(world.dataverse.store.count('cdm_companies') >= 3);
    await world.client.workflow.getHandle(id).result();
  });

  test('SIGINT drains and exits 0', async () => {
    const code = await stopChild(worker);
    assert.equal(code, 0);
  });

  test('bad configuration: a clear message naming the variables, exit 1, no stack, no secret', async () => {
    const env = { ...world.env, DUALWRITE_FINOPS_URL: '', DUALWRITE_DATAVERSE_CLIENT_SECRET: 'super-secret-value-42', DUALWRITE_LOG_LEVEL: 'loud' };
    const run = await runCli(['worker'], env);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /DUALWRITE_LOG_LEVEL \(environment\) = "loud": expected one of debug, info, warn, error/);
    assert.doesNotMatch(run.stderr, /super-secret-value-42/);
    assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');

    const missing = await runCli(['worker'], { ...world.env, DUALWRITE_FINOPS_URL: '', DUALWRITE_DATAVERSE_CLIENT_SECRET: 'super-secret-value-42' });
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /finops is not configured: set DUALWRITE_FINOPS_URL/);
    assert.doesNotMatch(missing.stderr, /super-secret-value-42|\n\s+at /);
  });

  test('Temporal unreachable: says which address and how to start one', async () => {
    const run = await runCli(['worker'], { ...world.env, TEMPORAL_ADDRESS: '127.0.0.1:1' });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /cannot reach Temporal at 127\.0\.0\.1:1/);
    assert.match(run.stderr, /npm start/);
    assert.doesNotMatch(run.stderr, /\n\s+at /);
  });
});
