import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync, accessSync, constants } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

/**
 * Finds or builds the `temporal` CLI, whose `server start-dev` is the Temporal server used by
 * `npm start` and the tests (design.md §11). The SDK's own download of the dev server needs
 * internet, which our machines lack, so the order is: `temporal` on PATH, $TEMPORAL_CLI_PATH,
 * a cached build, then `go install` into that cache.
 */
export const TEMPORAL_CLI_VERSION = 'v1.5.1';
const MODULE = 'github.com/temporalio/cli/cmd/temporal';

type Log = (line: string) => void;

export function temporalCliCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.DUALWRITE_CACHE_DIR ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'dualwrite');
  return join(base, 'temporal-cli', TEMPORAL_CLI_VERSION);
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir && isExecutable(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/** Where a usable binary already is, without building anything. */
export function findTemporalCli(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const fromPath = onPath('temporal', env);
  if (fromPath) return fromPath;
  const explicit = env.TEMPORAL_CLI_PATH;
  if (explicit) {
    if (!isExecutable(explicit)) throw new Error(`TEMPORAL_CLI_PATH=${explicit} is not an executable file`);
    return explicit;
  }
  const cached = join(temporalCliCacheDir(env), 'temporal');
  return isExecutable(cached) ? cached : undefined;
}

function howToGetIt(reason: string): Error {
  return new Error(
    [
      `Could not provide the Temporal CLI: ${reason}`,
      'Any one of these works:',
      '  - put a `temporal` binary (CLI v1.x) on PATH,',
      '  - or set TEMPORAL_CLI_PATH to its full path,',
      `  - or install Go 1.25+ and reach the Go module proxy, then run \`npm run temporal:cli\` (it runs \`go install ${MODULE}@${TEMPORAL_CLI_VERSION}\`).`,
    ].join('\n'),
  );
}

/** Returns the path of a working `temporal` binary, building it with `go install` if needed. */
export async function ensureTemporalCli(log: Log = (l) => process.stderr.write(`${l}\n`), env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const found = findTemporalCli(env);
  if (found) return found;

  const go = onPath('go', env) ?? (isExecutable('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : undefined);
  if (!go) throw howToGetIt('no `temporal` on PATH, TEMPORAL_CLI_PATH unset, no cached build, and no `go` to build one');
  const goVersion = spawnSync(go, ['version'], { encoding: 'utf8' }).stdout.trim();

  const dir = temporalCliCacheDir(env);
  // Build into a private folder and rename at the end, so that a build interrupted half-way, or two
  // builds racing (npm start and npm test at once), never leave a broken binary in the cache.
  const staging = `${dir}.build-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  log(`dualwrite: building the Temporal CLI ${TEMPORAL_CLI_VERSION} with ${goVersion || 'go'} into ${dir}`);
  log('dualwrite: the first build downloads modules and compiles for several minutes; later runs reuse it.');
  const started = Date.now();
  const ticker = setInterval(() => log(`dualwrite: still building the Temporal CLI (${Math.round((Date.now() - started) / 1000)} s)...`), 30_000);
  try {
    await new Promise<void>((resolve, reject) => {
      const child = spawn(go, ['install', `${MODULE}@${TEMPORAL_CLI_VERSION}`], {
        env: { ...env, GOBIN: staging },
        stdio: ['ignore', 'inherit', 'inherit'],
      });
      child.on('error', reject);
      child.on('exit', (code, signal) => (code === 0 ? resolve() : reject(new Error(`go install exited with ${signal ?? code}`))));
    });
  } catch (err) {
    rmSync(staging, { recursive: true, force: true });
    throw howToGetIt((err as Error).message);
  } finally {
    clearInterval(ticker);
  }
  const built = join(staging, 'temporal');
  if (!existsSync(built)) throw howToGetIt(`go install finished but ${built} is missing`);
  mkdirSync(dir, { recursive: true });
  renameSync(built, join(dir, 'temporal'));
  rmSync(staging, { recursive: true, force: true });
  log(`dualwrite: Temporal CLI ready at ${join(dir, 'temporal')} (${Math.round((Date.now() - started) / 1000)} s)`);
  return join(dir, 'temporal');
}
