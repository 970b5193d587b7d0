import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { connect } from 'node:net';
import { Hono } from 'hono';
import { FaultInjector, SandboxHttpServer, parseFaultPatch } from './faults';

/** Opens a raw TCP connection; resolves with the error code, or 'connected'. */
function connectError(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
}

describe('fault injection', () => {
  let rnd = 0.99;
  const faults = new FaultInjector(
    {
      throttled: (c, retry) => c.json({ error: { code: '0x80072322', message: `retry in ${retry}` } }, 429),
      failed: (c, status) => c.json({ error: { code: '', message: 'boom' } }, status as 503),
    },
    { random: () => rnd },
  );
  const app = new Hono();
  app.use('/svc/*', faults.middleware());
  app.get('/svc/x', (c) => c.text('ok'));
  const server = new SandboxHttpServer(app);
  before(() => server.listen(0));
  after(() => server.close());

  it('throttles above N requests per second with Retry-After', async () => {
    faults.configure({ throttle: { maxRequestsPerSecond: 3, retryAfterSeconds: 7 } });
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 5; i++) {
      const r = await fetch(`${server.url}/svc/x`);
      statuses.push(r.status);
      if (r.status === 429) retryAfter = r.headers.get('retry-after');
      await r.text();
    }
    assert.deepEqual(statuses.slice(0, 3), [200, 200, 200]);
    assert.ok(statuses.slice(3).every((s) => s === 429), String(statuses));
    assert.equal(retryAfter, '7');
    faults.reset();
  });

  it('answers the configured 5xx at the error rate and adds latency', async () => {
    faults.configure({ errorRate: 0.5, errorStatus: 502 });
    rnd = 0.2;
    assert.equal((await fetch(`${server.url}/svc/x`)).status, 502);
    rnd = 0.8;
    assert.equal((await fetch(`${server.url}/svc/x`)).status, 200);
    faults.configure({ errorRate: 0, latencyMs: 120 });
    const t0 = Date.now();
    await (await fetch(`${server.url}/svc/x`)).text();
    assert.ok(Date.now() - t0 >= 110);
    faults.reset();
  });

  it('refuses connections during an outage and serves again after it', async () => {
    const port = server.port;
    await server.goDown();
    await assert.rejects(fetch(`${server.url}/svc/x`));
    assert.equal(await connectError(server.port), 'ECONNREFUSED');
    await server.comeUp();
    assert.equal(server.port, port);
    assert.equal((await fetch(`${server.url}/svc/x`)).status, 200);
  });

  it('reopens by itself after a timed outage', async () => {
    await server.goDown(100);
    await assert.rejects(fetch(`${server.url}/svc/x`));
    while (!server.isUp) await new Promise((r) => setTimeout(r, 10));
    assert.equal((await fetch(`${server.url}/svc/x`)).status, 200);
  });

  it('rejects bad settings with a clear message', () => {
    assert.throws(() => parseFaultPatch({ errorRate: 2 }), /errorRate must be a number from 0 to 1/);
    assert.throws(() => parseFaultPatch({ latency: 1 }), /unknown fault setting "latency"/);
    assert.throws(() => parseFaultPatch({ throttle: { maxRequestsPerSecond: -1 } }), /maxRequestsPerSecond/);
    assert.deepEqual(parseFaultPatch({ throttle: { maxRequestsPerSecond: 5 } }), { throttle: { maxRequestsPerSecond: 5, retryAfterSeconds: 1 } });
  });
});
