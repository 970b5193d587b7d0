import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NAMESPACE } from '../contracts/names';
import { startDevServer, type DevServer } from '../devserver/dev-server';
import { startDataverseSandbox, type DataverseSandbox } from '../sandbox/dataverse/server';
import { startFinopsSandbox, type FinopsSandbox } from '../sandbox/finops/server';
import { DEFAULT_SANDBOX_CLIENT } from '../sandbox/shared/auth';

/**
 * A world for tests of operator commands: a private Temporal dev server (map workflow ids are
 * fixed by map name, so a shared server would mix tests), both sandboxes on free ports with
 * small demo data, a temp folder, and the environment a dualwrite process needs to reach them.
 * The CLI runs as real child processes, exactly as an operator runs it.
 */
export interface OperatorWorld {
  server: DevServer;
  finops: FinopsSandbox;
  dataverse: DataverseSandbox;
  dir: string;
  env: NodeJS.ProcessEnv;
  client: Client;
  /** Runs `dualwrite <args>` to completion. */
  cli(args: string[], env?: NodeJS.ProcessEnv): Promise<CliRun>;
  /** Starts `dualwrite worker` and resolves once it polls. */
  startWorker(): Promise<ChildProcess>;
  stop(): Promise<void>;
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

const REPO = join(__dirname, '../..');
const MAIN = join(REPO, 'src/cli/main.ts');

/** The environment a dualwrite process needs, with nothing inherited that could point elsewhere. */
function baseEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(DUALWRITE_|TEMPORAL_)/.test(k) || k === 'TEMPORAL_CLI_PATH' || k === 'DUALWRITE_CACHE_DIR') env[k] = v;
  return { ...env, USER: 'test-operator', ...extra };
}

export function runCli(args: string[], env: NodeJS.ProcessEnv, cwd = REPO): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', MAIN, ...args], { env, cwd, timeout: 180_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

export async function startOperatorWorld(): Promise<OperatorWorld> {
  const dir = mkdtempSync(join(tmpdir(), 'dualwrite-operator-'));
  const server = await startDevServer();
  const finops = await startFinopsSandbox({ port: 0, seed: 1, seedOptions: { customers: 30, vendors: 9, products: 15, salesOrders: 6 } });
  const dataverse = await startDataverseSandbox({ port: 0, dbFile: ':memory:', seed: { seed: 1, accounts: 10, contacts: 10, vendors: 5, products: 5, salesOrders: 3 } });
  const env = baseEnv({
    TEMPORAL_ADDRESS: server.address,
    DUALWRITE_DATABASE_URL: `sqlite:${join(dir, 'store.db')}`,
    DUALWRITE_MAPS_DIR: join(REPO, 'maps'),
    DUALWRITE_COMPANIES: 'usmf,usrt,demf',
    // Service roots, as docs/configuration.md documents them: the worker must accept them.
    DUALWRITE_FINOPS_URL: finops.serviceRoot,
    DUALWRITE_FINOPS_TOKEN_URL: finops.tokenUrl,
    DUALWRITE_FINOPS_CLIENT_ID: DEFAULT_SANDBOX_CLIENT.clientId,
    DUALWRITE_FINOPS_CLIENT_SECRET: DEFAULT_SANDBOX_CLIENT.clientSecret,
    DUALWRITE_DATAVERSE_URL: `${dataverse.url}/api/data/v9.2/`,
    DUALWRITE_DATAVERSE_TOKEN_URL: dataverse.tokenUrl,
    DUALWRITE_DATAVERSE_CLIENT_ID: DEFAULT_SANDBOX_CLIENT.clientId,
    DUALWRITE_DATAVERSE_CLIENT_SECRET: DEFAULT_SANDBOX_CLIENT.clientSecret,
  });
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection, namespace: NAMESPACE });
  const workers: ChildProcess[] = [];

  const startWorker = async (): Promise<ChildProcess> => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'worker'], { env, cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    workers.push(child);
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('dualwrite worker: polling')) resolve();
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('exit', (code) => reject(new Error(`worker exited with ${code} before polling:\n${output}`)));
    });
    return child;
  };

  return {
    server,
    finops,
    dataverse,
    dir,
    env,
    client,
    cli: (args, extra = {}) => runCli(args, { ...env, ...extra }),
    startWorker,
    async stop() {
      for (const w of workers) await stopChild(w);
      await connection.close();
      await finops.stop();
      await dataverse.stop();
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** SIGINT (a clean drain), then SIGKILL if it has not exited after 30 s. */
export async function stopChild(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGINT');
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const code = await exited;
  clearTimeout(timer);
  return code;
}
