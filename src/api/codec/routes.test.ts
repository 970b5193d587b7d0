import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { defaultPayloadConverter } from '@temporalio/common';
import { Hono } from 'hono';
import { EncryptionCodec } from '../../codec/encryption-codec';
import { parseCodecKeys } from '../../codec/keys';
import { createTokenStore } from '../auth/tokens';
import { listen, type RunningServer } from '../server';
import { payloadsFromJson, payloadsToJson } from './payloads-json';
import { codecRoutes } from './routes';

const UI = 'http://localhost:8233';
const TOKENS = { viewer: 'viewer-token-0123456789abcdef', operator: 'operator-token-0123456789abcdef', admin: 'admin-token-0123456789abcdef' };
const codec = new EncryptionCodec(parseCodecKeys(`k1:${randomBytes(32).toString('base64')}`, 'test'));
const tokens = createTokenStore({
  [TOKENS.viewer]: { name: 'vera', role: 'viewer' },
  [TOKENS.operator]: { name: 'otto', role: 'operator' },
  [TOKENS.admin]: { name: 'ada', role: 'admin' },
});
let server: RunningServer;
let anonymous: RunningServer;

before(async () => {
  const mount = (opts: Parameters<typeof codecRoutes>[0]) => new Hono().route('/codec', codecRoutes(opts));
  server = await listen(mount({ codec, tokens, allowedOrigins: [UI] }), 0);
  anonymous = await listen(mount({ codec, allowedOrigins: [UI], allowAnonymous: true }), 0);
});
after(async () => {
  await server?.stop();
  await anonymous?.stop();
});

const secretValue = { email: 'alice.secret@example.com' };
const post = (base: string, path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${base}/codec${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-namespace': 'default', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
const bearer = (role: keyof typeof TOKENS) => ({ authorization: `Bearer ${TOKENS[role]}` });

test('encode then decode round-trips through the protocol JSON, for operator and admin', async () => {
  const plain = payloadsToJson([defaultPayloadConverter.toPayload(secretValue)]);
  const encoded = await post(server.url, '/encode', plain, bearer('operator'));
  assert.equal(encoded.status, 200);
  const encodedBody = (await encoded.json()) as { payloads: { metadata: Record<string, string>; data: string }[] };
  assert.equal(Buffer.from(encodedBody.payloads[0]!.metadata.encoding!, 'base64').toString(), 'binary/encrypted');
  assert.ok(!Buffer.from(encodedBody.payloads[0]!.data, 'base64').toString().includes('alice.secret'));
  // The namespace form of the path works too: only the last segment counts.
  const decoded = await post(server.url, '/default/decode', encodedBody, bearer('admin'));
  assert.equal(decoded.status, 200);
  assert.deepEqual(defaultPayloadConverter.fromPayload(payloadsFromJson(await decoded.json())[0]!), secretValue);
});

test('decoding needs an operator or admin token', async () => {
  const sealed = payloadsToJson(await codec.encode([defaultPayloadConverter.toPayload(secretValue)]));
  const none = await post(server.url, '/decode', sealed);
  assert.equal(none.status, 401);
  assert.match(none.headers.get('www-authenticate') ?? '', /Bearer/);
  const wrong = await post(server.url, '/decode', sealed, { authorization: 'Bearer not-a-configured-token-at-all' });
  assert.equal(wrong.status, 401);
  const viewer = await post(server.url, '/decode', sealed, bearer('viewer'));
  assert.equal(viewer.status, 403);
  for (const res of [none, wrong, viewer]) assert.ok(!(await res.text()).includes('alice.secret'));
});

test('CORS: the Temporal UI origin may call (preflight answered), others get no CORS grant', async () => {
  const preflight = await fetch(`${server.url}/codec/decode`, { method: 'OPTIONS', headers: { origin: UI, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type,x-namespace' } });
  assert.equal(preflight.status, 204);
  assert.equal(preflight.headers.get('access-control-allow-origin'), UI);
  assert.equal(preflight.headers.get('access-control-allow-credentials'), 'true');
  assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /Authorization/i);
  const actual = await post(server.url, '/decode', { payloads: [] }, { origin: UI, ...bearer('operator') });
  assert.equal(actual.headers.get('access-control-allow-origin'), UI);
  const evil = await fetch(`${server.url}/codec/decode`, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
  assert.equal(evil.headers.get('access-control-allow-origin'), null);
});

test('bad bodies and undecodable payloads answer 400 with a reason', async () => {
  assert.equal((await post(server.url, '/decode', '{not json', bearer('operator'))).status, 400);
  const shape = await post(server.url, '/decode', { payloads: [{ data: 42 }] }, bearer('operator'));
  assert.equal(shape.status, 400);
  assert.match(((await shape.json()) as { error: { message: string } }).error.message, /payloads\.0\.data/);
  const other = new EncryptionCodec(parseCodecKeys(`k9:${randomBytes(32).toString('base64')}`, 'test'));
  const foreign = payloadsToJson(await other.encode([defaultPayloadConverter.toPayload(secretValue)]));
  const res = await post(server.url, '/decode', foreign, bearer('operator'));
  assert.equal(res.status, 400);
  assert.match(((await res.json()) as { error: { message: string } }).error.message, /key id "k9", which is not among the configured keys/);
  assert.equal((await post(server.url, '/frobnicate', { payloads: [] }, bearer('operator'))).status, 404);
});

test('the local stack mode accepts the UI without a token', async () => {
  const sealed = payloadsToJson(await codec.encode([defaultPayloadConverter.toPayload(secretValue)]));
  const res = await post(anonymous.url, '/decode', sealed, { origin: UI });
  assert.equal(res.status, 200);
  assert.deepEqual(defaultPayloadConverter.fromPayload(payloadsFromJson(await res.json())[0]!), secretValue);
});
