import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { after } from 'node:test';
import type { SyncWorld } from './sync-world';
import type { WorkerChildConfig } from './worker-child';

/** Starts a worker in a process of its own (test/harness/worker-child.ts); resolves once it polls. */
export function startWorkerProcess(world: SyncWorld): Promise<ChildProcess> {
  const config: WorkerChildConfig = {
    temporalAddress: world.temporal.address,
    taskQueue: world.taskQueue,
    storeUrl: world.storeUrl,
    mapsDir: world.mapsDir,
    companies: world.companies,
    endpoints: world.endpoints,
    ...(world.codecKeys ? { codecKeys: world.codecKeys } : {}),
  };
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'worker-child.ts')], {
    env: { ...process.env, DUALWRITE_WORKER_CHILD: JSON.stringify(config) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  after(() => {
    child.kill('SIGKILL');
  });
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('worker ready')) resolve(child);
    });
    child.on('exit', (code, signal) => reject(new Error(`worker process exited early (${code ?? signal})`)));
  });
}
