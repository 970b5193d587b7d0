import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Hono } from 'hono';
import { EventDelivery } from './event-delivery';
import { SandboxHttpServer } from './faults';

describe('event delivery', () => {
  const received: { path: string; secret: string | undefined; body: unknown }[] = [];
  let failuresLeft = 0;
  const app = new Hono();
  app.post('/hook/:name', async (c) => {
    received.push({ path: c.req.param('name'), secret: c.req.header('x-secret'), body: await c.req.json() });
    if (c.req.param('name') === 'reject') return c.json({ error: { message: 'credit limit exceeded' } }, 400);
    if (failuresLeft > 0) {
      failuresLeft--;
      return c.text('busy', 503);
    }
    return c.body(null, 204);
  });
  app.post('/slow', async (c) => {
    await new Promise((r) => setTimeout(r, 500));
    return c.body(null, 204);
  });
  const receiver = new SandboxHttpServer(app);
  const delivery = new EventDelivery({ retries: 3, retryDelayMs: 20 });
  before(() => receiver.listen(0));
  after(async () => {
    delivery.close();
    await receiver.close();
  });

  it('delivers asynchronously with headers, retrying failures', async () => {
    received.length = 0;
    failuresLeft = 2;
    const id = delivery.enqueue({ url: `${receiver.url}/hook/a`, headers: { 'x-secret': 'k' }, registrationId: 'r1' }, { n: 1 });
    await delivery.idle();
    const rec = delivery.log().find((r) => r.id === id);
    assert.equal(rec?.state, 'delivered');
    assert.deepEqual(rec?.attempts.map((a) => a.status), [503, 503, 204]);
    assert.equal(received.length, 3);
    assert.equal(received[2]?.secret, 'k');
    assert.deepEqual(received[2]?.body, { n: 1 });
  });

  it('gives up after the configured retries', async () => {
    failuresLeft = 10;
    const id = delivery.enqueue({ url: `${receiver.url}/hook/b` }, {});
    await delivery.idle();
    const rec = delivery.log().find((r) => r.id === id);
    assert.equal(rec?.state, 'failed');
    assert.equal(rec?.attempts.length, 4);
    failuresLeft = 0;
  });

  it('records unreachable receivers as failed attempts', async () => {
    const dead = new SandboxHttpServer(new Hono());
    await dead.listen(0);
    const url = `${dead.url}/x`;
    await dead.close();
    const id = delivery.enqueue({ url }, {});
    await delivery.idle();
    const rec = delivery.log().find((r) => r.id === id);
    assert.equal(rec?.state, 'failed');
    assert.match(rec?.attempts[0]?.error ?? '', /could not be reached/);
  });

  it('reports a synchronous failure with the receiver message, and timeouts', async () => {
    const ok = await delivery.deliverSync({ url: `${receiver.url}/hook/c` }, {});
    assert.deepEqual(ok, { ok: true, status: 204 });
    const rejected = await delivery.deliverSync({ url: `${receiver.url}/hook/reject` }, {});
    assert.deepEqual(rejected, { ok: false, status: 400, message: 'credit limit exceeded' });
    const slow = await delivery.deliverSync({ url: `${receiver.url}/slow` }, {}, 50);
    assert.equal(slow.ok, false);
    assert.match(slow.message ?? '', /did not answer within 50 ms/);
  });
});
