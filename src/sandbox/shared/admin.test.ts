import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Hono } from 'hono';
import { RegistrationStore, canonicalJson, checksumRows, createAdminApp } from './admin';
import { EventDelivery } from './event-delivery';
import { FaultInjector, SandboxHttpServer } from './faults';

describe('admin endpoints', () => {
  const rows = new Map<string, Record<string, unknown>[]>([['things', [{ id: 1, name: 'a' }]], ['others', []]]);
  const faults = new FaultInjector({ throttled: (c) => c.text('slow down', 429), failed: (c) => c.text('x', 503) });
  const registrations = new RegistrationStore({ entitySets: () => [...rows.keys()], modes: ['sync', 'async'] });
  const delivery = new EventDelivery();
  const app = new Hono();
  app.route(
    '/admin',
    createAdminApp({
      adminKey: 'k',
      faults,
      server: () => server,
      registrations,
      delivery,
      data: {
        entitySets: () => [...rows.keys()],
        count: (s) => rows.get(s)?.length ?? 0,
        checksum: (s) => checksumRows(rows.get(s) ?? []),
        reset: () => {
          for (const k of rows.keys()) rows.set(k, []);
        },
        seed: (o) => {
          rows.set('things', [{ id: 1, name: String(o.seed) }]);
          return { things: 1 };
        },
      },
    }),
  );
  app.get('/svc', (c) => c.text('ok'));
  const server = new SandboxHttpServer(app);
  before(() => server.listen(0));
  after(() => server.close());
  const call = (method: string, path: string, body?: unknown, key = 'k') =>
    fetch(`${server.url}/admin${path}`, { method, headers: { 'x-admin-key': key, 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });

  it('requires the admin key', async () => {
    assert.equal((await call('GET', '/faults', undefined, 'wrong')).status, 401);
    assert.equal((await call('GET', '/faults')).status, 200);
  });

  it('switches faults and validates input', async () => {
    const res = await call('PATCH', '/faults', { latencyMs: 5, throttle: { maxRequestsPerSecond: 10, retryAfterSeconds: 2 } });
    assert.deepEqual(await res.json(), { throttle: { maxRequestsPerSecond: 10, retryAfterSeconds: 2 }, latencyMs: 5, errorRate: 0, errorStatus: 503 });
    const bad = await call('PATCH', '/faults', { errorRate: 'lots' });
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as { error: { message: string } }).error.message, /errorRate/);
    assert.equal(((await (await call('DELETE', '/faults')).json()) as { latencyMs: number }).latencyMs, 0);
  });

  it('adds, lists, matches and removes registrations', async () => {
    const created = await call('POST', '/registrations', { url: 'http://127.0.0.1:1/hook', entitySet: 'things', messages: ['Create'], mode: 'sync', secretHeader: { name: 'x-key', value: 'v' } });
    assert.equal(created.status, 201);
    const reg = (await created.json()) as { id: string };
    assert.equal(registrations.matching('things', 'Create', 'sync').length, 1);
    assert.equal(registrations.matching('things', 'Update').length, 0);
    const bad = await call('POST', '/registrations', { url: 'http://x/hook', entitySet: 'nope' });
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as { error: { message: string } }).error.message, /entitySet must be one of things, others/);
    assert.equal(((await (await call('GET', '/registrations')).json()) as { value: unknown[] }).value.length, 1);
    assert.equal((await call('DELETE', `/registrations/${reg.id}`)).status, 204);
    assert.equal((await call('DELETE', `/registrations/${reg.id}`)).status, 404);
  });

  it('reports counts and checksums, resets and seeds', async () => {
    assert.deepEqual(await (await call('GET', '/counts')).json(), { things: 1, others: 0 });
    const sum = (await (await call('GET', '/checksum?entitySet=things')).json()) as { things: { count: number; checksum: string } };
    assert.equal(sum.things.checksum, checksumRows([{ name: 'a', id: 1 }]));
    assert.equal((await call('GET', '/checksum?entitySet=zzz')).status, 400);
    assert.equal((await call('POST', '/reset')).status, 204);
    assert.deepEqual(await (await call('GET', '/counts')).json(), { things: 0, others: 0 });
    assert.deepEqual(await (await call('POST', '/seed', { seed: 7 })).json(), { seeded: { things: 1 } });
    assert.equal(rows.get('things')?.[0]?.name, '7');
  });

  it('takes the server down for a timed outage', async () => {
    const res = await call('POST', '/outage', { durationMs: 300 });
    assert.equal(res.status, 202);
    await res.text();
    while (server.isUp) await new Promise((r) => setTimeout(r, 5));
    while (!server.isUp) await new Promise((r) => setTimeout(r, 10));
    assert.equal((await fetch(`${server.url}/svc`)).status, 200);
    assert.equal((await call('POST', '/outage', {})).status, 400);
  });

  it('canonicalJson ignores key order', () => {
    assert.equal(canonicalJson({ b: 1, a: [{ d: 1, c: null }] }), '{"a":[{"c":null,"d":1}],"b":1}');
  });
});
