import assert from 'node:assert/strict';
import { test } from 'node:test';
import { exportBundle } from '../maps/bundle';
import type { ErrorRecordInput } from '../store';
import { createApiApp } from './app';
import { listen } from './server';
import { startApiWorld, testMap, TOKENS, uniqueId } from './test-support/api-world';

const failure = (map: string, recordKey: string, extra: Partial<ErrorRecordInput> = {}): ErrorRecordInput => ({
  map,
  direction: 'finops-to-dataverse',
  recordKey,
  class: 'validation',
  message: `invalid value for ${recordKey}`,
  change: { op: 'upsert', payload: { Name: recordKey } },
  ...extra,
});

const isErrorBody = (body: unknown): boolean => {
  const b = body as { error?: Record<string, unknown> };
  return Object.keys(b).join() === 'error' && typeof b.error?.code === 'string' && typeof b.error?.message === 'string' && Object.keys(b.error).every((k) => ['code', 'message', 'details'].includes(k));
};

test('with receivers only, the app serves /health and the webhooks, not the management API', async () => {
  const app = createApiApp({ receivers: { inbox: { append: async () => ({ appended: 0, duplicates: 0, maps: [] }) }, maps: { all: async () => [] }, parsers: { finops: () => [], dataverse: () => [] }, client: undefined as never } });
  assert.equal((await app.request('/health')).status, 200);
  for (const path of ['/api/v1/maps', '/openapi.json', '/ready']) {
    const res = await app.request(path);
    assert.equal(res.status, 404, path);
    assert.ok(isErrorBody(await res.json()));
  }
});

// One top-level test with subtests: the world's after() hooks run when all subtests are done.
test('management API (real SQLite store, real Temporal dev server)', async (t) => {
  const mapA = uniqueId('api-a');
  const mapB = uniqueId('api-b');
  const world = await startApiWorld([testMap(mapA), testMap(mapB)]);

  await t.test('over real HTTP: 401 without or with a bad token, 403 for a role too low, one error body', async (t) => {
    const server = await listen(world.app, 0);
    t.after(() => server.stop());
    const get = (path: string, headers: Record<string, string> = {}, method = 'GET') => fetch(`${server.url}${path}`, { method, headers });

    const none = await get('/api/v1/maps');
    assert.equal(none.status, 401);
    assert.match(none.headers.get('www-authenticate') ?? '', /^Bearer/);
    const noneBody = await none.json();
    assert.ok(isErrorBody(noneBody), JSON.stringify(noneBody));
    assert.equal((noneBody as { error: { code: string } }).error.code, 'unauthenticated');

    for (const header of ['Bearer not-a-configured-token', `Basic ${TOKENS.admin}`, `Bearer ${TOKENS.admin}x`, 'Bearer']) {
      const bad = await get('/api/v1/maps', { authorization: header });
      assert.equal(bad.status, 401, header);
      const body = await bad.json();
      assert.ok(isErrorBody(body));
      assert.equal((body as { error: { code: string } }).error.code, 'invalid-token');
    }

    assert.equal((await get('/api/v1/maps', { authorization: `bearer ${TOKENS.viewer}` })).status, 200, 'the scheme is case-insensitive');
    const forbidden = await get(`/api/v1/maps/${mapA}/stop`, { authorization: `Bearer ${TOKENS.viewer}` }, 'POST');
    assert.equal(forbidden.status, 403);
    const forbiddenBody = await forbidden.json();
    assert.ok(isErrorBody(forbiddenBody));
    assert.match((forbiddenBody as { error: { message: string } }).error.message, /needs the operator role; viewer has viewer/);

    assert.equal((await get('/health')).status, 200);
    const ready = await get('/ready');
    assert.equal(ready.status, 200);
    assert.deepEqual(await ready.json(), { status: 'ready', checks: { store: 'ok', temporal: 'ok' } });
    for (const path of ['/nowhere', '/api/v1/nowhere']) {
      const unknown = await get(path, { authorization: `Bearer ${TOKENS.viewer}` });
      assert.equal(unknown.status, 404, path);
      assert.ok(isErrorBody(await unknown.json()), path);
    }
  });

  await t.test('roles: operators cannot edit maps or alerts, admins can do everything', async () => {
    assert.equal((await world.call('operator', 'PUT', `/api/v1/maps/${mapA}`, testMap(mapA, { version: '2.0.0' }))).status, 403);
    assert.equal((await world.call('operator', 'POST', '/api/v1/alerts/rules', { name: 'x', condition: { kind: 'mapFailed' } })).status, 403);
    assert.equal((await world.call('operator', 'POST', '/api/v1/bundles/import', {})).status, 403);
    assert.equal((await world.call('viewer', 'POST', '/api/v1/errors/discard', { ids: [1] })).status, 403);
    assert.equal((await world.call('admin', 'GET', '/api/v1/logs')).status, 200);
    assert.deepEqual(world.accessLog.at(-1), { ...world.accessLog.at(-1), method: 'GET', path: '/api/v1/logs', status: 200, caller: 'admin' });
    assert.equal(world.accessLog.find((e) => e.status === 401)?.caller, undefined, 'a refused request names no caller');
  });

  await t.test('bad input: invalid JSON and schema violations answer 400 with every issue', async () => {
    const json = await world.call('operator', 'POST', `/api/v1/maps/${mapA}/pause`, '{"reason": ');
    assert.equal(json.status, 400);
    assert.equal(json.json.error.code, 'invalid-json');
    const query = await world.call('viewer', 'GET', '/api/v1/errors?limit=5000&status=open,bogus&since=yesterday');
    assert.equal(query.status, 400);
    assert.ok(isErrorBody(query.json));
    assert.deepEqual(
      query.json.error.details.issues.map((i: { in: string; path: string }) => `${i.in} ${i.path}`).sort(),
      ['query $.limit', 'query $.since', 'query $.status[1]'],
    );
  });

  await t.test('openapi.json: OpenAPI 3.1 listing every registered route with its method', async () => {
    const res = await world.app.request('/openapi.json');
    assert.equal(res.status, 200);
    const doc = (await res.json()) as { openapi: string; paths: Record<string, Record<string, { operationId: string; security?: unknown[]; responses: object; parameters?: { in: string; name: string }[] }>> };
    assert.equal(doc.openapi, '3.1.0');
    const registered = world.app.routes.filter((r) => r.method !== 'ALL');
    assert.ok(registered.length > 25, `only ${registered.length} routes registered`);
    for (const r of registered) {
      const path = r.path.replace(/:([A-Za-z_]\w*)/g, '{$1}');
      assert.ok(doc.paths[path]?.[r.method.toLowerCase()], `${r.method} ${path} is missing from openapi.json`);
    }
    for (const [path, operations] of Object.entries(doc.paths)) {
      const templated = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      for (const [method, op] of Object.entries(operations)) {
        const declared = (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name).sort();
        assert.deepEqual(declared, templated, `${method} ${path}: path parameters`);
        assert.ok(Object.keys(op.responses).length > 0, `${method} ${path}: responses`);
      }
    }
    const ids = Object.values(doc.paths).flatMap((p) => Object.values(p).map((o) => o.operationId));
    assert.equal(new Set(ids).size, ids.length, 'operationIds are unique');
    assert.deepEqual(doc.paths['/health']?.get?.security, []);
  });

  await t.test('error queue: list with filters and paging, get, retry and discard as the caller', async () => {
    const [r1, r2, r3] = await world.store.errors.record([
      failure(mapA, 'k1', { at: '2026-01-01T10:00:00Z' }),
      failure(mapA, 'k2', { at: '2026-01-01T11:00:00Z', class: 'missing-lookup' }),
      failure(mapB, 'k3', { at: '2026-01-01T12:00:00Z', message: 'throttled hard', class: 'throttled' }),
    ]);
    assert.ok(r1 && r2 && r3);

    const onlyA = await world.call('viewer', 'GET', `/api/v1/errors?map=${mapA}`);
    assert.deepEqual(onlyA.json.items.map((e: { recordKey: string }) => e.recordKey), ['k2', 'k1']);
    const classes = await world.call('viewer', 'GET', '/api/v1/errors?class=validation,throttled&until=2026-01-02T00:00:00Z');
    assert.deepEqual(classes.json.items.map((e: { recordKey: string }) => e.recordKey), ['k3', 'k1']);
    const page1 = await world.call('viewer', 'GET', '/api/v1/errors?limit=2');
    assert.equal(page1.json.items.length, 2);
    const page2 = await world.call('viewer', 'GET', `/api/v1/errors?limit=2&cursor=${encodeURIComponent(page1.json.nextCursor)}`);
    assert.deepEqual(page2.json.items.map((e: { recordKey: string }) => e.recordKey), ['k1']);

    const one = await world.call('viewer', 'GET', `/api/v1/errors/${r3.id}`);
    assert.equal(one.json.message, 'throttled hard');
    assert.equal((await world.call('viewer', 'GET', '/api/v1/errors/999999')).status, 404);
    assert.equal((await world.call('viewer', 'GET', '/api/v1/errors/abc')).status, 400);

    const retried = await world.call('operator', 'POST', '/api/v1/errors/retry', { ids: [r1.id] });
    assert.equal(retried.status, 200, JSON.stringify(retried.json));
    assert.equal(retried.json.retried, 1);
    assert.equal(retried.json.requeued, 1);
    assert.deepEqual(retried.json.notRunning, [mapA]);
    assert.equal((await world.store.errors.get(r1.id))?.status, 'retrying');
    assert.equal(await world.store.inbox.count({ map: mapA }), 1);

    const empty = await world.call('operator', 'POST', '/api/v1/errors/discard', { filter: {} });
    assert.equal(empty.status, 400);
    assert.equal(empty.json.error.code, 'empty-filter');
    const discarded = await world.call('operator', 'POST', '/api/v1/errors/discard', { filter: { map: mapB } });
    assert.deepEqual(discarded.json, { discarded: 1 });
    assert.equal((await world.store.errors.get(r3.id))?.status, 'discarded');
    const single = await world.call('operator', 'POST', `/api/v1/errors/${r2.id}/discard`);
    assert.deepEqual(single.json, { discarded: 1 });

    const actors = (await world.store.log.query({ type: 'error' })).items.map((e) => e.actor);
    assert.deepEqual(actors, ['operator', 'operator', 'operator']);
  });

  await t.test('activity log: query by map, type list, time window, with a cursor', async () => {
    const map = uniqueId('api-logged');
    await world.store.log.append([
      { map, type: 'batch', message: 'b1', at: '2026-02-01T10:00:00Z' },
      { map, type: 'alert', message: 'a1', at: '2026-02-01T11:00:00Z' },
      { map, type: 'config', message: 'c1', at: '2026-02-01T12:00:00Z' },
      { map, type: 'batch', message: 'b2', at: '2026-02-01T13:00:00Z' },
    ]);
    const typed = await world.call('viewer', 'GET', `/api/v1/logs?map=${map}&type=batch,alert`);
    assert.deepEqual(typed.json.items.map((e: { message: string }) => e.message), ['b2', 'a1', 'b1']);
    const window = await world.call('viewer', 'GET', `/api/v1/logs?map=${map}&since=2026-02-01T11:00:00Z&until=2026-02-01T13:00:00Z`);
    assert.deepEqual(window.json.items.map((e: { message: string }) => e.message), ['c1', 'a1']);
    const first = await world.call('viewer', 'GET', `/api/v1/logs?map=${map}&limit=3`);
    const rest = await world.call('viewer', 'GET', `/api/v1/logs?map=${map}&limit=3&cursor=${encodeURIComponent(first.json.nextCursor)}`);
    assert.deepEqual(rest.json.items.map((e: { message: string }) => e.message), ['b1']);
    assert.equal((await world.call('viewer', 'GET', '/api/v1/logs?level=fatal')).status, 400);
  });

  await t.test('alert rules: CRUD for admins, secrets redacted, firing states', async () => {
    const invalid = await world.call('admin', 'POST', '/api/v1/alerts/rules', { name: 'bad', condition: { kind: 'errorCount', threshold: 0, windowSeconds: 60 } });
    assert.equal(invalid.status, 400);
    assert.ok(isErrorBody(invalid.json));
    const created = await world.call('admin', 'POST', '/api/v1/alerts/rules', {
      name: 'too many validation errors',
      map: mapA,
      condition: { kind: 'errorCount', class: 'validation', threshold: 10, windowSeconds: 300 },
      action: 'pause',
      notify: { webhooks: [{ url: 'https://hooks.example.com/x', secret: 'a-very-secret-key-123' }] },
    });
    assert.equal(created.status, 201, JSON.stringify(created.json));
    const id = created.json.id as string;
    assert.equal(created.json.notify.webhooks[0].secret, '***');
    assert.equal(created.json.enabled, true);

    const listed = await world.call('viewer', 'GET', `/api/v1/alerts/rules?map=${mapA}`);
    assert.deepEqual(listed.json.items.map((r: { id: string }) => r.id), [id]);
    const patched = await world.call('admin', 'PATCH', `/api/v1/alerts/rules/${id}`, { enabled: false, notify: null });
    assert.equal(patched.status, 200, JSON.stringify(patched.json));
    assert.equal(patched.json.enabled, false);
    assert.equal(patched.json.notify, undefined);
    assert.equal(patched.json.action, 'pause', 'fields not in the patch keep their values');
    assert.equal((await world.call('viewer', 'GET', '/api/v1/alerts/rules?enabled=false')).json.items.length, 1);
    assert.equal((await world.call('admin', 'PATCH', `/api/v1/alerts/rules/${id}`, { action: 'explode' })).status, 400);

    await world.store.alerts.fire(id, mapA, { value: 12, message: '12 errors' });
    const firing = await world.call('viewer', 'GET', `/api/v1/alerts/states?ruleId=${id}&firing=true`);
    assert.deepEqual(firing.json.items.map((s: { subject: string; status: string }) => [s.subject, s.status]), [[mapA, 'firing']]);

    assert.equal((await world.call('admin', 'DELETE', `/api/v1/alerts/rules/${id}`)).status, 200);
    assert.equal((await world.call('viewer', 'GET', `/api/v1/alerts/rules/${id}`)).status, 404);
    const actors = (await world.store.log.query({ map: mapA, type: 'config' })).items.map((e) => e.actor);
    assert.deepEqual(actors, ['admin', 'admin', 'admin']);
  });

  await t.test('bundles: export, then import refuses a changed same version and publishes an upgrade', async () => {
    const exported = await world.call('viewer', 'GET', `/api/v1/bundles/export?maps=${mapB}`);
    assert.equal(exported.status, 200);
    assert.equal(exported.json.maps.length, 1);
    const same = await world.call('admin', 'POST', '/api/v1/bundles/import', exported.json);
    assert.equal(same.status, 200, JSON.stringify(same.json));
    assert.deepEqual(same.json.published, []);

    const tampered = { ...exported.json, publisher: exported.json.publisher, maps: [{ ...exported.json.maps[0], map: { ...exported.json.maps[0].map, description: 'x' } }] };
    const refused = await world.call('admin', 'POST', '/api/v1/bundles/import', tampered);
    assert.equal(refused.status, 400);
    assert.equal(refused.json.error.code, 'invalid-bundle');

    const upgrade = exportBundle([testMap(mapB, { version: '1.1.0', description: 'promoted' })], { publisher: 'staging' });
    const dry = await world.call('admin', 'POST', '/api/v1/bundles/import?dryRun=true', upgrade);
    assert.deepEqual(dry.json.changes, [{ name: mapB, action: 'upgrade', from: '1.0.0', to: '1.1.0' }]);
    assert.equal((await world.store.maps.history(mapB)).length, 0);
    const applied = await world.call('admin', 'POST', '/api/v1/bundles/import', upgrade);
    assert.deepEqual(applied.json.published, [`${mapB}@1.1.0`]);
    assert.equal((await world.store.maps.get(mapB))?.publishedBy, 'admin');

    const downgrade = exportBundle([testMap(mapB, { version: '1.0.5' })], { publisher: 'staging' });
    const down = await world.call('admin', 'POST', '/api/v1/bundles/import', downgrade);
    assert.equal(down.status, 409);
    assert.equal(down.json.error.code, 'import-refused');
  });
});
