import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { startDevServer } from '../src/devserver/dev-server';

/**
 * `npm test`: provisions the Temporal CLI, starts one dev server for the whole run, then runs
 * every *.test.ts file with Node's test runner. Arguments narrow the run to matching paths.
 */
const ROOT = join(__dirname, '..');
const SEARCH = ['src', 'workflows', 'activities', 'test', 'scripts', 'bench'];

function findTests(dir: string, out: string[] = []): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of entries) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) findTests(path, out);
    else if (name.endsWith('.test.ts')) out.push(relative(ROOT, path));
  }
  return out;
}

async function main(): Promise<number> {
  const filters = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  const files = SEARCH.flatMap((d) => findTests(join(ROOT, d))).filter((f) => filters.length === 0 || filters.some((p) => f.includes(p)));
  if (files.length === 0) {
    console.error(`no test files match ${filters.join(' ')}`);
    return 1;
  }
  const server = await startDevServer({ log: (l) => console.error(l) });
  const stopServer = () => server.stop();
  try {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--test', '--test-reporter=spec', `--test-concurrency=${process.env.DUALWRITE_TEST_CONCURRENCY ?? '2'}`, ...files],
      { cwd: ROOT, stdio: 'inherit', env: { ...process.env, DUALWRITE_TEST_TEMPORAL_ADDRESS: server.address } },
    );
    for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => child.kill(sig));
    return await new Promise<number>((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0))));
  } finally {
    await stopServer();
  }
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    console.error(err.message);
    process.exit(1);
  },
);
