import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Connection } from '@temporalio/client';
import { NAMESPACE } from '../contracts/names';
import { searchAttributeFlags } from '../contracts/search-attributes';
import { ensureTemporalCli } from './temporal-cli';
import { freePort } from './free-port';

export interface DevServerOptions {
  /** gRPC frontend port; a free one when omitted. */
  port?: number;
  /** Web UI port; no UI when omitted. */
  uiPort?: number;
  /** SQLite file that keeps history across restarts; in memory when omitted. */
  dbFile?: string;
  /** URL of a payload codec endpoint the UI calls to decode payloads. */
  uiCodecEndpoint?: string;
  /** How long to wait for the frontend to answer. */
  readyTimeoutMs?: number;
  log?: (line: string) => void;
  /** Extra `--dynamic-config-value KEY=VALUE` entries. */
  dynamicConfig?: Record<string, string | number | boolean>;
}

export interface DevServer {
  address: string;
  port: number;
  uiUrl?: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Kill every dev server this process started when it exits, however it exits, so none is orphaned. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of running) child.kill('SIGKILL');
  });
  // A signal that would end this process without 'exit' handlers running (no listener of its own).
  for (const signal of ['SIGHUP'] as const) {
    if (process.listenerCount(signal) === 0) process.once(signal, () => process.exit(129));
  }
}

/**
 * Starts `temporal server start-dev` with the dualwrite search attributes registered and waits
 * until its frontend answers. We start it ourselves rather than through the SDK because the
 * SDK gives a starting server only 5 s, too little on a busy 2-core machine.
 */
export async function startDevServer(opts: DevServerOptions = {}): Promise<DevServer> {
  // Free ports are picked before the server binds them: on a busy machine another process can
  // take one in between. Such a start is tried again with new ports.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startDevServerOnce(opts);
    } catch (err) {
      if (attempt >= 3 || !(err instanceof PortTakenError)) throw err;
    }
  }
}

class PortTakenError extends Error {}

async function startDevServerOnce(opts: DevServerOptions): Promise<DevServer> {
  const log = opts.log ?? (() => undefined);
  const cli = await ensureTemporalCli(log);
  const port = opts.port ?? (await freePort());
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--namespace', NAMESPACE, '--log-level', 'error', ...searchAttributeFlags()];
  // The HTTP API and metrics ports otherwise default to fixed numbers that collide when several servers run.
  args.push('--http-port', String(await freePort()), '--metrics-port', String(await freePort()));
  if (opts.uiPort) args.push('--ui-port', String(opts.uiPort), '--ui-ip', '127.0.0.1');
  else args.push('--headless');
  if (opts.uiCodecEndpoint) args.push('--ui-codec-endpoint', opts.uiCodecEndpoint);
  if (opts.dbFile) {
    mkdirSync(dirname(opts.dbFile), { recursive: true });
    args.push('--db-filename', opts.dbFile, '--sqlite-pragma', 'journal_mode=WAL', '--sqlite-pragma', 'synchronous=OFF');
  }
  const dynamic = { 'frontend.enableUpdateWorkflowExecution': true, 'frontend.enableUpdateWorkflowExecutionAsyncAccepted': true, ...opts.dynamicConfig };
  for (const [key, value] of Object.entries(dynamic)) args.push('--dynamic-config-value', `${key}=${JSON.stringify(value)}`);

  // Its own process group: a Ctrl-C in the terminal signals the whole foreground group, and the
  // server must outlive the worker's drain; whoever started it stops it last (and the exit hook
  // kills it if that process ends any other way).
  const child = spawn(cli, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  installExitHook();
  running.add(child);
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-8000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exited: string | undefined;
  const exitedPromise = new Promise<void>((resolve) =>
    child.on('exit', (code, signal) => {
      running.delete(child);
      exited = `exited with ${signal ?? code}`;
      resolve();
    }),
  );

  const address = `127.0.0.1:${port}`;
  const deadline = Date.now() + (opts.readyTimeoutMs ?? 60_000);
  for (;;) {
    if (exited) {
      const message = `temporal server start-dev ${exited} before it was ready:\n${output}`;
      throw /address already in use/.test(output) ? new PortTakenError(message) : new Error(message);
    }
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1000 });
      try {
        await connection.workflowService.describeNamespace({ namespace: NAMESPACE });
        break;
      } finally {
        await connection.close();
      }
    } catch (err) {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`temporal server start-dev did not answer on ${address} within ${opts.readyTimeoutMs ?? 60_000} ms: ${(err as Error).message}\n${output}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  log(`dualwrite: Temporal dev server on ${address}${opts.uiPort ? `, UI on http://localhost:${opts.uiPort}` : ''}`);

  return {
    address,
    port,
    uiUrl: opts.uiPort ? `http://localhost:${opts.uiPort}` : undefined,
    process: child,
    async stop() {
      if (exited) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exitedPromise;
      clearTimeout(timer);
    },
  };
}
