import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Hono } from 'hono';
import { TokenIssuer, bearerAuth, mountTokenEndpoint } from './auth';
import { SandboxHttpServer } from './faults';

describe('Entra-style token endpoint and bearer check', () => {
  let clock = Date.parse('2026-01-01T00:00:00Z');
  const issuer = new TokenIssuer({ clients: [{ clientId: 'app-1', clientSecret: 's3cret' }], tokenLifetimeSeconds: 60, now: () => clock });
  const app = new Hono();
  mountTokenEndpoint(app, issuer);
  app.use('/api/*', bearerAuth(issuer, (c, reason) => c.json({ error: { code: '', message: reason } }, 401)));
  app.get('/api/ping', (c) => c.json({ ok: true }));
  const server = new SandboxHttpServer(app);
  before(() => server.listen(0));
  after(() => server.close());

  const token = (form: Record<string, string>) =>
    fetch(`${server.url}/token/contoso.onmicrosoft.com/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
  const good = { client_id: 'app-1', client_secret: 's3cret', scope: 'https://org.crm.dynamics.com/.default', grant_type: 'client_credentials' };

  it('issues a bearer token that the middleware accepts', async () => {
    const res = await token(good);
    assert.equal(res.status, 200);
    const body = (await res.json()) as { token_type: string; expires_in: number; access_token: string };
    assert.equal(body.token_type, 'Bearer');
    assert.equal(body.expires_in, 60);
    assert.match(body.access_token, /^eyJ[\w-]+\.[\w-]+\.[\w-]+$/);
    const ok = await fetch(`${server.url}/api/ping`, { headers: { authorization: `Bearer ${body.access_token}` } });
    assert.equal(ok.status, 200);
  });

  it('answers the documented error shape for a bad secret, unknown client and bad scope', async () => {
    const wrong = await token({ ...good, client_secret: 'nope' });
    assert.equal(wrong.status, 401);
    const wb = (await wrong.json()) as Record<string, unknown>;
    assert.equal(wb.error, 'invalid_client');
    assert.deepEqual(wb.error_codes, [7000215]);
    for (const k of ['error_description', 'timestamp', 'trace_id', 'correlation_id']) assert.equal(typeof wb[k], 'string', k);
    const unknown = await token({ ...good, client_id: 'other' });
    assert.equal(unknown.status, 400);
    assert.equal(((await unknown.json()) as { error: string }).error, 'unauthorized_client');
    const scope = await token({ ...good, scope: 'https://org.crm.dynamics.com/user_impersonation' });
    assert.equal(scope.status, 400);
    const sb = (await scope.json()) as { error: string; error_description: string };
    assert.equal(sb.error, 'invalid_scope');
    assert.match(sb.error_description, /^AADSTS70011:/);
    const grant = await token({ ...good, grant_type: 'password' });
    assert.equal(((await grant.json()) as { error: string }).error, 'unsupported_grant_type');
  });

  it('accepts Basic client credentials', async () => {
    const res = await fetch(`${server.url}/token/t/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from('app-1:s3cret').toString('base64')}` },
      body: 'scope=https%3A%2F%2Fx%2F.default&grant_type=client_credentials&client_id=app-1',
    });
    assert.equal(res.status, 200);
  });

  it('rejects missing, malformed, forged and expired tokens with 401', async () => {
    const missing = await fetch(`${server.url}/api/ping`);
    assert.equal(missing.status, 401);
    assert.deepEqual(await missing.json(), { error: { code: '', message: 'missing' } });
    assert.match(missing.headers.get('www-authenticate') ?? '', /^Bearer/);
    const malformed = await fetch(`${server.url}/api/ping`, { headers: { authorization: 'Bearer abc' } });
    assert.equal(((await malformed.json()) as { error: { message: string } }).error.message, 'malformed');
    const other = new TokenIssuer({ clients: [{ clientId: 'app-1', clientSecret: 'x' }] }).issue('app-1').access_token;
    const forged = await fetch(`${server.url}/api/ping`, { headers: { authorization: `Bearer ${other}` } });
    assert.equal(((await forged.json()) as { error: { message: string } }).error.message, 'invalid');
    const t = issuer.issue('app-1').access_token;
    clock += 61_000;
    const expired = await fetch(`${server.url}/api/ping`, { headers: { authorization: `Bearer ${t}` } });
    assert.equal(expired.status, 401);
    assert.equal(((await expired.json()) as { error: { message: string } }).error.message, 'expired');
  });
});
