import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { testTemporal } from '../../../test/harness/temporal';

/** `dualwrite api` as an operator runs it: a real process on a free port, real HTTP, stopped by SIGTERM. */

const ROOT = join(__dirname, '..', '..', '..');
const TOKEN = 'cli-test-admin-token-5e1f9a';
const children: ChildProcess[] = [];
after(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
});

/** The environment without the developer's own dualwrite and Temporal settings. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(DUALWRITE_|TEMPORAL_)/.test(k) || k === 'TEMPORAL_CLI_PATH'));
  return { ...env, ...extra };
}

function run(env: NodeJS.ProcessEnv, args: string[] = []) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'api', ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, stderr: () => stderr };
}

test('dualwrite api serves the management API with configured tokens and stops on SIGTERM', async () => {
  const { address } = await testTemporal();
  const dir = mkdtempSync(join(tmpdir(), 'dualwrite-api-cli-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const proc = run(
    cleanEnv({ TEMPORAL_ADDRESS: address, DUALWRITE_DATABASE_URL: `sqlite:${join(dir, 'control.db')}`, DUALWRITE_MAPS_DIR: join(ROOT, 'maps'), DUALWRITE_API_TOKENS: JSON.stringify({ [TOKEN]: { name: 'cli-admin', role: 'admin' } }) }),
    ['--port', '0'],
  );
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    proc.child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.startsWith('http://'));
      if (line) resolve(line.trim());
    });
    void proc.exited.then((code) => reject(new Error(`dualwrite api exited early with ${code}: ${proc.stderr()}`)));
  });
  assert.equal((await fetch(`${url}/health`)).status, 200);
  assert.equal((await fetch(`${url}/ready`)).status, 200);
  assert.equal((await fetch(`${url}/api/v1/maps`)).status, 401);
  const maps = await fetch(`${url}/api/v1/maps`, { headers: { authorization: `Bearer ${TOKEN}` } });
  assert.equal(maps.status, 200);
  const names = ((await maps.json()) as { items: { name: string }[] }).items.map((m) => m.name);
  assert.ok(names.includes('customers-v3-accounts'), names.join(', '));
  proc.child.kill('SIGTERM');
  assert.equal(await proc.exited, 0, proc.stderr());
});

test('dualwrite api refuses to start without tokens, saying how to configure them', async () => {
  const proc = run(cleanEnv({ DUALWRITE_DATABASE_URL: ':memory:' }), ['--port', '0']);
  assert.notEqual(await proc.exited, 0);
  assert.match(proc.stderr(), /no API tokens configured: set DUALWRITE_API_TOKENS/);
});
