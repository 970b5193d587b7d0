import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { after, test } from 'node:test';

/** `dualwrite sandbox dataverse` as a user runs it: a real process, real HTTP, stopped by SIGTERM. */

const ROOT = join(__dirname, '..', '..', '..');
let child: ChildProcess | undefined;

after(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
});

test('sandbox dataverse starts, serves the authenticated Web API, and stops on SIGTERM', async () => {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'sandbox', 'dataverse', '--port', '0', '--db', ':memory:', '--accounts', '25', '--json'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child = proc;
  let stderr = '';
  proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const info = await new Promise<{ serviceRoot: string; tokenUrl: string; clientId: string; clientSecret: string }>((resolve, reject) => {
    let out = '';
    proc.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve(JSON.parse(line) as never);
    });
    proc.on('exit', (code) => reject(new Error(`sandbox exited early with ${String(code)}: ${stderr}`)));
  });
  const origin = new URL(info.serviceRoot).origin;
  const tokenRes = await fetch(info.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: info.clientId, client_secret: info.clientSecret, scope: `${origin}/.default` }),
  });
  const { access_token } = (await tokenRes.json()) as { access_token: string };
  const count = await fetch(`${info.serviceRoot}accounts/$count`, { headers: { authorization: `Bearer ${access_token}` } });
  assert.equal(await count.text(), '25');
  assert.equal((await fetch(`${info.serviceRoot}accounts/$count`)).status, 401);
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  proc.kill('SIGTERM');
  assert.equal(await exited, 0);
});

test('bad options are rejected with a clear message', async () => {
  const run = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'sandbox', 'dataverse', '--accounts', 'many'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  run.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => run.on('exit', (c) => resolve(c)));
  assert.notEqual(code, 0);
  assert.match(stderr, /--accounts must be a whole number >= 0, got "many"/);
});
