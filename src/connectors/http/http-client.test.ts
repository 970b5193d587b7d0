import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { HttpClient, type HttpClientOptions, type HttpEvent } from './http-client';
import { TokenProvider } from './token-provider';
import { ConnectorError } from '../errors';
import { sendJson, startScriptedServer, type ScriptedServer } from '../test-support/scripted-server';

/**
 * The HTTP layer over real sockets against a scripted server (exact statuses and headers on
 * demand); the sandboxes' own throttling and outages are exercised in the connector component tests.
 */
describe('HttpClient', () => {
  let server: ScriptedServer;
  let tokenCount = 0;
  before(async () => {
    server = await startScriptedServer((_req, res) => sendJson(res, 200, { value: [] }));
  });
  after(() => server.close());

  function client(overrides: Partial<HttpClientOptions> = {}, events: HttpEvent[] = []): HttpClient {
    const tokens = new TokenProvider({ tokenUrl: `${server.url}/token`, clientId: 'c', clientSecret: 'top-secret-value', scope: 's/.default', timeoutMs: 2000, refreshSkewMs: 0 });
    return new HttpClient({
      baseUrl: `${server.url}/api/data/v9.2/`,
      tokens,
      defaultHeaders: { 'OData-Version': '4.0' },
      concurrency: 4,
      timeoutMs: 2000,
      maxRetries: 4,
      retryBaseDelayMs: 20,
      retryMaxDelayMs: 200,
      maxRetryAfterMs: 10_000,
      secrets: ['top-secret-value'],
      onEvent: (e) => events.push(e),
      ...overrides,
    });
  }

  /** Token requests get a token; everything else goes to `api`. */
  function script(api: (req: ScriptedServer['requests'][number], res: Parameters<Parameters<ScriptedServer['setResponder']>[0]>[1], n: number) => void) {
    let n = 0;
    server.setResponder((req, res) => {
      if (req.url === '/token') {
        tokenCount++;
        return sendJson(res, 200, { token_type: 'Bearer', expires_in: 3599, access_token: `token-${tokenCount}` });
      }
      api(req, res, n++);
    });
  }

  it('sends the bearer token and default headers, resolving paths against the service root', async () => {
    script((req, res) => sendJson(res, 200, { got: req.url, auth: req.headers.authorization, odata: req.headers['odata-version'] }));
    const http = client();
    const res = await http.request({ method: 'GET', url: 'accounts?$top=1' });
    const body = res.body as Record<string, string>;
    assert.equal(body.got, '/api/data/v9.2/accounts?$top=1');
    assert.match(body.auth ?? '', /^Bearer token-\d+$/);
    assert.equal(body.odata, '4.0');
    http.close();
  });

  it('honours Retry-After on 429: no request is sent before it elapses, and other requests wait too', async () => {
    const arrivals: number[] = [];
    script((req, res, n) => {
      arrivals.push(req.at);
      if (n === 0) return sendJson(res, 429, { error: { code: '0x80072322', message: 'Number of requests exceeded the limit' } }, { 'Retry-After': '1' });
      sendJson(res, 200, { n });
    });
    const events: HttpEvent[] = [];
    const http = client({}, events);
    const first = http.request({ method: 'GET', url: 'accounts' });
    await waitFor(() => events.some((e) => e.type === 'retry'));
    const second = http.request({ method: 'GET', url: 'contacts' }); // issued during the penalty
    await Promise.all([first, second]);
    const throttledAt = arrivals[0] as number;
    assert.equal(arrivals.length, 3);
    for (const at of arrivals.slice(1)) assert.ok(at - throttledAt >= 990, `request ${at - throttledAt} ms after the 429 (Retry-After 1 s)`);
    const retry = events.find((e) => e.type === 'retry');
    assert.equal(retry?.type === 'retry' && retry.delayMs, 1000);
    http.close();
  });

  it('retries 5xx with growing jittered backoff, then succeeds', async () => {
    script((_req, res, n) => (n < 3 ? sendJson(res, 502, 'bad gateway') : sendJson(res, 200, { ok: true })));
    const events: HttpEvent[] = [];
    const http = client({ random: () => 1 }, events);
    const res = await http.request({ method: 'GET', url: 'accounts' });
    assert.deepEqual(res.body, { ok: true });
    const delays = events.flatMap((e) => (e.type === 'retry' ? [e.delayMs] : []));
    assert.deepEqual(delays, [20, 40, 80]);
    http.close();
  });

  it('a 503 with Retry-After waits that long instead of backing off', async () => {
    script((_req, res, n) => (n === 0 ? sendJson(res, 503, { error: { code: '', message: 'maintenance' } }, { 'Retry-After': '1' }) : sendJson(res, 200, {})));
    const events: HttpEvent[] = [];
    const http = client({}, events);
    await http.request({ method: 'GET', url: 'accounts' });
    const attempts = events.filter((e) => e.type === 'attempt');
    assert.equal(attempts.length, 2);
    assert.ok((attempts[1]?.at ?? 0) - (attempts[0]?.at ?? 0) >= 1000);
    assert.deepEqual(events.flatMap((e) => (e.type === 'retry' ? [[e.error.class, e.delayMs]] : [])), [['unavailable', 1000]]);
    http.close();
  });

  it('gives up after maxRetries with a retryable error that keeps the status and redacts secrets', async () => {
    script((_req, res) => sendJson(res, 503, { error: { code: 'x', message: 'down; secret top-secret-value leaked by a proxy' } }));
    const http = client({ maxRetries: 2 });
    await assert.rejects(http.request({ method: 'GET', url: 'accounts' }), (err: unknown) => {
      assert.ok(err instanceof ConnectorError);
      assert.equal(err.info.class, 'unavailable');
      assert.equal(err.info.status, 503);
      assert.ok(err.retryable);
      assert.doesNotMatch(err.message, /top-secret-value/);
      return true;
    });
    http.close();
  });

  it('a Retry-After longer than maxRetryAfterMs is handed to the caller at once', async () => {
    script((_req, res) => sendJson(res, 429, { error: { code: '', message: 'slow down' } }, { 'Retry-After': '60' }));
    const http = client({ maxRetryAfterMs: 5000 });
    await assert.rejects(http.request({ method: 'GET', url: 'accounts' }), (err: unknown) => err instanceof ConnectorError && err.info.class === 'throttled' && err.info.retryAfterMs === 60_000);
    http.close();
  });

  it('on 401 fetches a new token once and repeats the request', async () => {
    script((req, res, n) => (n === 0 ? sendJson(res, 401, { error: { code: '', message: 'expired' } }) : sendJson(res, 200, { auth: req.headers.authorization })));
    const before = tokenCount;
    const http = client();
    const res = await http.request({ method: 'GET', url: 'accounts' });
    assert.equal(tokenCount - before, 2);
    assert.equal((res.body as { auth: string }).auth, `Bearer token-${tokenCount}`);
    http.close();
  });

  it('permanent errors are not retried', async () => {
    script((_req, res) => sendJson(res, 400, { error: { code: '0x80044331', message: 'A validation error occurred.' } }));
    const n = server.requests.length;
    const http = client();
    await assert.rejects(http.request({ method: 'PATCH', url: 'accounts(1)', body: {}, operation: 'upsert' }), (err: unknown) => err instanceof ConnectorError && err.info.class === 'validation' && !err.retryable);
    assert.equal(server.requests.filter((r) => r.url !== '/token').length - server.requests.slice(0, n).filter((r) => r.url !== '/token').length, 1);
    http.close();
  });

  it('limits concurrent requests per connector and reuses keep-alive sockets', async () => {
    const sockets = new Set<number>();
    script((req, res) => {
      sockets.add(req.remotePort);
      setTimeout(() => sendJson(res, 200, {}), 30);
    });
    const http = client({ concurrency: 3 });
    const peakBefore = server.peakInFlight();
    await Promise.all(Array.from({ length: 12 }, (_, i) => http.request({ method: 'GET', url: `accounts?i=${i}` })));
    assert.equal(http.peakConcurrency, 3);
    assert.ok(server.peakInFlight() <= Math.max(3, peakBefore) + 1);
    assert.ok(sockets.size <= 3, `12 requests over ${sockets.size} sockets (keep-alive, maxSockets = concurrency)`);
    http.close();
  });

  it('times out a hung request as a retryable timeout', async () => {
    script(() => undefined); // never answers
    const http = client({ timeoutMs: 200, maxRetries: 0 });
    await assert.rejects(http.request({ method: 'GET', url: 'accounts' }), (err: unknown) => err instanceof ConnectorError && err.info.class === 'timeout' && err.retryable);
    http.close();
  });

  it('refuses to follow a link to another origin with the token', async () => {
    const http = client();
    await assert.rejects(http.request({ method: 'GET', url: 'https://evil.example.com/api/data/v9.2/accounts?$skiptoken=1' }), /refusing to send credentials/);
    http.close();
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}
