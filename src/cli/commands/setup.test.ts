import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { statusQuery } from '../../contracts/map-messages';
import { mapWorkflowId } from '../../contracts/names';
import { readConfigFile } from '../../config/config-file';
import { DEFAULT_SANDBOX_CLIENT } from '../../sandbox/shared/auth';
import { runCli, startOperatorWorld, type OperatorWorld } from '../../runtime/worker-process.test-support';
import { hintFor, writeEnvFile } from './setup';

describe('writeEnvFile', () => {
  let world: { dir: string } | undefined;
  before(() => {
    world = { dir: mkdtempSync(join(tmpdir(), 'dualwrite-envfile-')) };
  });
  after(() => {
    if (world) rmSync(world.dir, { recursive: true, force: true });
  });

  test('replaces our variables in place, keeps other lines, quotes what needs it, mode 0600', () => {
    const file = join(world!.dir, '.env');
    writeFileSync(file, '# mine\nOTHER=1\nDUALWRITE_COMPANIES=usmf\n', { mode: 0o644 });
    writeEnvFile(file, { DUALWRITE_COMPANIES: 'usmf,usrt', DUALWRITE_FINOPS_CLIENT_SECRET: "it's $ecret" });
    assert.equal(readFileSync(file, 'utf8'), "# mine\nOTHER=1\nDUALWRITE_COMPANIES=usmf,usrt\nDUALWRITE_FINOPS_CLIENT_SECRET='it'\\''s $ecret'\n");
    assert.equal(statSync(file).mode & 0o777, 0o600);
  });
});

describe('hintFor', () => {
  test('a refused token points at the client id, secret and application user', () => {
    const hint = hintFor('dataverse', { name: 'authentication', ok: false, detail: 'token request for client x at http://t was refused: 401 invalid_client' });
    assert.match(hint ?? '', /--dataverse-client-id\/--dataverse-client-secret.*application user/);
  });
});

describe('dualwrite setup (non-interactive, against the sandboxes)', () => {
  let world: OperatorWorld;
  let api: Server;
  let apiUrl: string;
  /** The CLI's environment without the system settings: setup must take them from flags. */
  let env: NodeJS.ProcessEnv;
  const flags = (): string[] => [
    '--finops-url', world.finops.serviceRoot,
    '--finops-token-url', world.finops.tokenUrl,
    '--finops-client-id', DEFAULT_SANDBOX_CLIENT.clientId,
    '--finops-client-secret', DEFAULT_SANDBOX_CLIENT.clientSecret,
    '--dataverse-url', world.dataverse.url,
    '--dataverse-token-url', world.dataverse.tokenUrl,
    '--dataverse-client-id', DEFAULT_SANDBOX_CLIENT.clientId,
    '--dataverse-client-secret', DEFAULT_SANDBOX_CLIENT.clientSecret,
    '--companies', 'usmf,usrt',
    '--api-url', apiUrl,
    '--yes',
  ];

  before(async () => {
    world = await startOperatorWorld();
    await world.startWorker();
    api = createServer((req, res) => res.writeHead(req.url === '/health' ? 200 : 404).end('{"status":"ok"}'));
    await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
    const address = api.address() as { port: number };
    apiUrl = `http://127.0.0.1:${address.port}`;
    env = Object.fromEntries(Object.entries(world.env).filter(([k]) => !/^DUALWRITE_(FINOPS|DATAVERSE)_/.test(k)));
  });
  after(async () => {
    await new Promise((resolve) => api?.close(resolve));
    await world?.stop();
  });

  test('checks both sides, writes the env file (0600, secrets only there), --no-enable starts nothing', async () => {
    const envFile = join(world.dir, 'checked.env');
    const run = await runCli(['setup', ...flags(), '--maps', 'legal-entities,currencies', '--env-out', envFile, '--no-enable'], env);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /finops\s+authentication\s+ok/);
    assert.match(run.stdout, /dataverse\s+change tracking cdm_companies\s+ok/);
    assert.match(run.stdout, /api\s+webhook receiver\s+ok/);
    assert.doesNotMatch(run.stdout + run.stderr, new RegExp(DEFAULT_SANDBOX_CLIENT.clientSecret));
    assert.equal(statSync(envFile).mode & 0o777, 0o600);
    const written = readConfigFile(envFile);
    assert.equal(written.DUALWRITE_FINOPS_CLIENT_SECRET, DEFAULT_SANDBOX_CLIENT.clientSecret);
    assert.equal(written.DUALWRITE_DATAVERSE_URL, world.dataverse.url);
    assert.equal(written.DUALWRITE_COMPANIES, 'usmf,usrt');
    await assert.rejects(world.client.workflow.getHandle(mapWorkflowId('legal-entities')).describe(), /not found/i);
  });

  test('a wrong client secret fails early with how to fix it, writes nothing, prints no secret', async () => {
    const envFile = join(world.dir, 'refused.env');
    const args = flags().map((a) => (a === DEFAULT_SANDBOX_CLIENT.clientSecret ? 'wrong-secret-123' : a));
    const run = await runCli(['setup', ...args, '--maps', 'legal-entities', '--env-out', envFile], env);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /check\(s\) failed; nothing was written/);
    assert.match(run.stderr, /finops authentication: check --finops-client-id\/--finops-client-secret/);
    assert.doesNotMatch(run.stdout + run.stderr, /wrong-secret-123/);
    assert.throws(() => statSync(envFile), /ENOENT/);
  });

  test('missing settings without a terminal: names the flags', async () => {
    const run = await runCli(['setup', '--yes', '--env-out', join(world.dir, 'x.env')], env);
    assert.equal(run.code, 1, run.stdout + run.stderr);
    assert.match(run.stderr, /missing --finops-url, --finops-client-id, --finops-client-secret, --dataverse-url/);
  });

  test('enables the chosen maps in dependency order with an initial sync and follows them live', async () => {
    const envFile = join(world.dir, 'enabled.env');
    const run = await runCli(['setup', ...flags(), '--maps', 'currencies,units', '--initial-sync', 'finops', '--env-out', envFile, '--wait', '--timeout', '120'], env);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /Enabling 2 map\(s\) in dependency order with an initial sync from finops: currencies -> units/);
    assert.match(run.stdout, /Setup done: 2 map\(s\) run live/);
    for (const map of ['currencies', 'units']) {
      const s = await world.client.workflow.getHandle(mapWorkflowId(map)).query(statusQuery);
      assert.equal(s.state, 'Running');
      assert.equal(s.initialSync.runs, 1);
    }
  });
});
