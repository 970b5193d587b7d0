import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { defaultPayloadConverter } from '@temporalio/common';
import { payloadsFromJson, payloadsToJson } from '../../src/api/codec/payloads-json';
import { EncryptionCodec, parseCodecKeys } from '../../src/codec';
import { testTemporal } from '../harness/temporal';
import { revealsSecret } from './histories';

/** `dualwrite api` as operators run it, configured with every secret: codec, tokens, webhook checks. */

const ROOT = join(__dirname, '..', '..');
const children: ChildProcess[] = [];
after(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
});
const temporal = testTemporal();

const SECRETS = {
  codecKey: randomBytes(32).toString('base64'),
  operatorToken: `operator-${randomBytes(12).toString('hex')}`,
  viewerToken: `viewer-${randomBytes(12).toString('hex')}`,
  webhookSecret: `webhook-${randomBytes(12).toString('hex')}`,
  signingKey: `signing-${randomBytes(12).toString('hex')}`,
};

function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(DUALWRITE_|TEMPORAL_)/.test(k) || k === 'TEMPORAL_CLI_PATH'));
  return { ...env, ...extra };
}

async function startApi(extra: Record<string, string>): Promise<{ url: string; stop: () => Promise<string> }> {
  const { address } = await temporal;
  const dir = mkdtempSync(join(tmpdir(), 'dualwrite-api-security-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const env = cleanEnv({
    TEMPORAL_ADDRESS: address,
    DUALWRITE_DATABASE_URL: `sqlite:${join(dir, 'control.db')}`,
    DUALWRITE_MAPS_DIR: join(ROOT, 'maps'),
    DUALWRITE_API_TOKENS: JSON.stringify({ [SECRETS.operatorToken]: { name: 'otto', role: 'operator' }, [SECRETS.viewerToken]: { name: 'vera', role: 'viewer' } }),
    ...extra,
  });
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'api', '--port', '0'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let output = '';
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => {
      output += d.toString();
      const line = output.split('\n').find((l) => l.startsWith('http://'));
      if (line) resolve(line.trim());
    });
    void exited.then((code) => reject(new Error(`dualwrite api exited early with ${code}: ${output}`)));
  });
  return {
    url,
    async stop() {
      child.kill('SIGTERM');
      assert.equal(await exited, 0, output);
      return output;
    },
  };
}

test('dualwrite api with DUALWRITE_CODEC_KEYS: /codec decodes for operators only, webhooks are checked, no secret in its output', async () => {
  const api = await startApi({
    DUALWRITE_CODEC_KEYS: `k1:${SECRETS.codecKey}`,
    DUALWRITE_WEBHOOK_SECRET: SECRETS.webhookSecret,
    DUALWRITE_WEBHOOK_SIGNING_KEY: SECRETS.signingKey,
  });
  const codec = new EncryptionCodec(parseCodecKeys(`k1:${SECRETS.codecKey}`, 'test'));
  const sealed = JSON.stringify(payloadsToJson(await codec.encode([defaultPayloadConverter.toPayload({ email: 'carol.secret@example.com' })])));
  const decode = (headers: Record<string, string>) => fetch(`${api.url}/codec/decode`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: sealed });

  assert.equal((await decode({})).status, 401);
  assert.equal((await decode({ authorization: `Bearer ${SECRETS.viewerToken}` })).status, 403);
  const ok = await decode({ authorization: `Bearer ${SECRETS.operatorToken}`, origin: 'http://localhost:8233' });
  assert.equal(ok.status, 200);
  assert.equal(ok.headers.get('access-control-allow-origin'), 'http://localhost:8233', 'the default origins include the local Temporal UI');
  assert.deepEqual(defaultPayloadConverter.fromPayload(payloadsFromJson(await ok.json())[0]!), { email: 'carol.secret@example.com' });

  const hook = await fetch(`${api.url}/webhooks/dataverse`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-dualwrite-secret': SECRETS.webhookSecret }, body: '{}' });
  assert.equal(hook.status, 401, 'the signature is required too');
  assert.match(await hook.text(), /X-DualWrite-Signature/);

  const output = await api.stop();
  assert.match(output, /payloads encrypted with key "k1"/);
  for (const [name, secret] of Object.entries(SECRETS)) assert.ok(!revealsSecret(output, secret), `${name} appears in the output of dualwrite api`);
});

test('dualwrite api without keys says payloads are not encrypted and serves no codec endpoint', async () => {
  const api = await startApi({});
  assert.equal((await fetch(`${api.url}/codec/decode`, { method: 'POST', headers: { authorization: `Bearer ${SECRETS.operatorToken}` }, body: '{"payloads":[]}' })).status, 404);
  const output = await api.stop();
  assert.match(output, /payloads NOT encrypted/);
});
