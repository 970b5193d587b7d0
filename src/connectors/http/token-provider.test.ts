import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TokenProvider } from './token-provider';
import { ConnectorError } from '../errors';
import { fixtureJson } from '../test-support/fixtures';
import { sendJson, startScriptedServer, type ScriptedServer } from '../test-support/scripted-server';

describe('TokenProvider against the published Entra token payloads', () => {
  let server: ScriptedServer;
  before(async () => {
    server = await startScriptedServer((_req, res) => sendJson(res, 200, fixtureJson('entra-client-credentials-token-response.json')));
  });
  after(() => server.close());

  const provider = (overrides: Partial<ConstructorParameters<typeof TokenProvider>[0]> = {}) =>
    new TokenProvider({ tokenUrl: `${server.url}/contoso.onmicrosoft.com/oauth2/v2.0/token`, clientId: '535fb089-9ff3-47b6-9bfb-4f1264799865', clientSecret: 'sampleCredentials', scope: 'https://contoso.crm.dynamics.com/.default', timeoutMs: 5000, refreshSkewMs: 300_000, ...overrides });

  it('posts the client-credentials form and caches the token; concurrent callers share one request', async () => {
    server.requests.length = 0;
    const tokens = provider();
    const values = await Promise.all(Array.from({ length: 20 }, () => tokens.getToken()));
    assert.equal(server.requests.length, 1);
    assert.ok(values.every((v) => v.startsWith('eyJ0eXAiOiJKV1Qi')));
    const form = new URLSearchParams(server.requests[0]?.body);
    assert.equal(form.get('grant_type'), 'client_credentials');
    assert.equal(form.get('scope'), 'https://contoso.crm.dynamics.com/.default');
    assert.equal(form.get('client_id'), '535fb089-9ff3-47b6-9bfb-4f1264799865');
    assert.equal(server.requests[0]?.headers['content-type'], 'application/x-www-form-urlencoded');
    await tokens.getToken();
    assert.equal(server.requests.length, 1, 'cached token reused');
  });

  it('refreshes ahead of expiry (expires_in 3599 s, skew 300 s) with a single request', async () => {
    server.requests.length = 0;
    let now = 1_000_000;
    const tokens = provider({ now: () => now });
    await tokens.getToken();
    now += 3_400_000; // inside the skew window: still valid, refresh in the background
    await Promise.all([tokens.getToken(), tokens.getToken(), tokens.getToken()]);
    await waitFor(() => server.requests.length === 2 && tokens.expiresAt === now + 3_599_000);
    now += 3_598_000; // past the new token's refresh point and past the old token's expiry
    await tokens.getToken();
    assert.equal(server.requests.length, 3);
  });

  it('turns the Entra error body into a permanent auth error without leaking the secret', async () => {
    server.setResponder((_req, res) => sendJson(res, 400, fixtureJson('entra-client-credentials-token-error.json')));
    try {
      const tokens = provider({ clientSecret: 'sampleCredentials' });
      await assert.rejects(tokens.getToken(), (err: unknown) => {
        assert.ok(err instanceof ConnectorError);
        assert.equal(err.info.class, 'auth');
        assert.equal(err.info.code, 'invalid_scope');
        assert.equal(err.info.status, 400);
        assert.match(err.message, /AADSTS70011/);
        assert.doesNotMatch(err.message, /sampleCredentials/);
        return true;
      });
    } finally {
      server.setResponder((_req, res) => sendJson(res, 200, fixtureJson('entra-client-credentials-token-response.json')));
    }
  });

  it('a token endpoint that is down is a retryable network error', async () => {
    const tokens = new TokenProvider({ tokenUrl: 'http://127.0.0.1:9/token', clientId: 'c', clientSecret: 's3cret-value', scope: 'x/.default', timeoutMs: 2000, refreshSkewMs: 0 });
    await assert.rejects(tokens.getToken(), (err: unknown) => err instanceof ConnectorError && err.info.class === 'network' && err.retryable);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setImmediate(r));
  }
}
