import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Hono } from 'hono';
import { createApiApp } from '../../src/api/app';
import { listen, type RunningServer } from '../../src/api/server';
import { SIGNATURE_HEADER, signBody } from '../../src/api/webhooks/receive-changes';
import { directoryMapProvider } from '../../src/runtime/map-provider';
import { createConnectors } from '../../src/runtime/sync-dependencies';
import { startDataverseSandbox, type DataverseSandbox } from '../../src/sandbox/dataverse/server';
import { DEFAULT_SANDBOX_CLIENT } from '../../src/sandbox/shared/auth';
import { openStore, type Store } from '../../src/store';
import { testTemporal } from '../harness/temporal';
import { eventually } from '../harness/sync-world';

/**
 * Webhook authentication: the shared-secret header (what Dataverse service endpoints and F&O
 * data-event endpoints can send) and the HMAC signature of the raw body. A request that fails
 * either check is answered 401 and nothing reaches the inbox.
 */
const SECRET = { header: 'x-dualwrite-secret', value: 'webhook-shared-secret-4f1c' };
const SIGNING_KEY = 'webhook-signing-key-9a7e2d';

let dir: string;
let store: Store;
let dataverse: DataverseSandbox;
let capture: RunningServer;
let api: RunningServer;
let body: string;
// At the top level, so that the harness registers its teardown for the end of the file.
const temporal = testTemporal();

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dualwrite-webhook-auth-'));
  store = await openStore(`sqlite:${join(dir, 'control.db')}`);
  const { env } = await temporal;
  dataverse = await startDataverseSandbox({ port: 0, dbFile: ':memory:', seed: 1, webhookRetries: 0 });
  const endpoint = { url: dataverse.url, tokenUrl: dataverse.tokenUrl, tenantId: 'sandbox', clientId: DEFAULT_SANDBOX_CLIENT.clientId, clientSecret: DEFAULT_SANDBOX_CLIENT.clientSecret };
  const connectors = createConnectors({ finops: endpoint, dataverse: endpoint }, ['usmf']);

  // A real Dataverse webhook body: the sandbox posts it to a capture endpoint when a row changes.
  const received: string[] = [];
  capture = await listen(new Hono().post('/hook', async (c) => (received.push(await c.req.text()), c.json({}))), 0);
  dataverse.registrations.add({ url: `${capture.url}/hook`, entitySet: 'msdyn_customergroups', messages: ['Create', 'Update', 'Delete'], mode: 'async' });
  const row = (await connectors.dataverse.readPage({ entitySet: 'msdyn_customergroups', pageSize: 1 })).rows[0]!;
  const [written] = await connectors.dataverse.writeBatch('msdyn_customergroups', [
    { id: 'u', kind: 'upsert', mode: 'update', key: { msdyn_customergroupid: String(row.msdyn_customergroupid) }, values: { msdyn_description: 'hook' } },
  ]);
  assert.ok(written?.ok, JSON.stringify(written));
  body = await eventually('the webhook body', () => received[0]);

  const app = createApiApp({
    receivers: {
      inbox: store.inbox,
      maps: directoryMapProvider(join(__dirname, '../../maps'), { refreshMs: 0 }),
      parsers: { finops: (b) => connectors.finops.parseEvent(b), dataverse: (b) => connectors.dataverse.parseEvent(b) },
      client: env.client,
      secrets: { dataverse: SECRET },
      signingKeys: { finops: SIGNING_KEY, dataverse: SIGNING_KEY },
    },
  });
  api = await listen(app, 0);
});

after(async () => {
  await api?.stop();
  await capture?.stop();
  await dataverse?.stop();
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

const post = (headers: Record<string, string>, text = body) => fetch(`${api.url}/webhooks/dataverse`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: text });
const inboxSize = () => store.inbox.count({});

test('a wrong or missing shared secret is refused with 401 and nothing is queued', async () => {
  const before = await inboxSize();
  for (const headers of [{}, { [SECRET.header]: 'wrong-secret-value' }, { [SECRET.header]: `${SECRET.value}x` }]) {
    const res = await post({ ...headers, [SIGNATURE_HEADER]: signBody(body, SIGNING_KEY) });
    assert.equal(res.status, 401, JSON.stringify(headers));
    const text = await res.text();
    assert.match(text, /x-dualwrite-secret/);
    assert.ok(!text.includes(SECRET.value), 'the answer does not echo the secret');
  }
  assert.equal(await inboxSize(), before);
});

test('a wrong, missing or malformed signature is refused with 401 and nothing is queued', async () => {
  const before = await inboxSize();
  const tampered = body.replace('"hook"', '"hooK"');
  assert.notEqual(tampered, body);
  const cases: [Record<string, string>, string][] = [
    [{}, body],
    [{ [SIGNATURE_HEADER]: signBody(body, 'another-key') }, body],
    [{ [SIGNATURE_HEADER]: signBody(body, SIGNING_KEY) }, tampered],
    [{ [SIGNATURE_HEADER]: signBody(body, SIGNING_KEY).replace('sha256=', '') }, body],
    [{ [SIGNATURE_HEADER]: 'sha256=zz' }, body],
  ];
  for (const [headers, text] of cases) {
    const res = await post({ [SECRET.header]: SECRET.value, ...headers }, text);
    assert.equal(res.status, 401, JSON.stringify(headers));
    assert.match(await res.text(), /bad-signature/);
  }
  // F&O has a signing key but no shared secret: the signature alone guards it.
  const fo = await fetch(`${api.url}/webhooks/finops`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  assert.equal(fo.status, 401);
  assert.equal(await inboxSize(), before);
});

test('the right secret and signature are accepted and the change is queued', async () => {
  const before = await inboxSize();
  const res = await post({ [SECRET.header]: SECRET.value, [SIGNATURE_HEADER]: signBody(body, SIGNING_KEY).toUpperCase().replace('SHA256=', 'sha256=') });
  const result = (await res.json()) as { accepted: number };
  assert.equal(res.status, 200, JSON.stringify(result));
  assert.equal(result.accepted, 1);
  assert.equal(await inboxSize(), before + 1);
});
