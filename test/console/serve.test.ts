import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Hono } from 'hono';
import { serveConsole } from '../../src/console/serve';

describe('serveConsole', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dualwrite-console-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>console</title>');
  writeFileSync(join(dir, 'assets/app-1.js'), 'console.log(1)');
  writeFileSync(join(tmpdir(), 'dualwrite-console-secret.txt'), 'secret');
  after(() => rmSync(join(tmpdir(), 'dualwrite-console-secret.txt'), { force: true }));

  const app = new Hono();
  app.get('/api/v1/maps', (c) => c.json({ items: [] }));
  app.use('*', serveConsole(dir));
  app.notFound((c) => c.json({ error: { code: 'not-found' } }, 404));

  it('serves index.html at / and for every console page (SPA fallback)', async () => {
    for (const path of ['/', '/maps', '/maps/', '/maps/customer-groups', '/graph', '/errors', '/activity', '/alerts']) {
      const res = await app.request(path);
      assert.equal(res.status, 200, path);
      assert.match(res.headers.get('content-type') ?? '', /text\/html/);
      assert.match(await res.text(), /<title>console<\/title>/);
    }
  });

  it('serves built assets with their type and a long cache life', async () => {
    const res = await app.request('/assets/app-1.js');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /javascript/);
    assert.match(res.headers.get('cache-control') ?? '', /immutable/);
  });

  it('leaves API paths, unknown paths and missing assets to the API (404 JSON, never the page)', async () => {
    assert.deepEqual(await (await app.request('/api/v1/maps')).json(), { items: [] });
    for (const path of ['/nowhere', '/maps/Not_A_Map', '/api/v1/nothing', '/assets/missing.js', '/health', '/openapi.json']) {
      const res = await app.request(path);
      assert.equal(res.status, 404, path);
      assert.match(res.headers.get('content-type') ?? '', /json/, path);
    }
  });

  it('never serves a file outside the dist folder', async () => {
    for (const path of ['/../dualwrite-console-secret.txt', '/%2e%2e/dualwrite-console-secret.txt', '/assets/..%2f..%2fdualwrite-console-secret.txt']) {
      const res = await app.request(path);
      assert.doesNotMatch(await res.text(), /secret/, path);
    }
  });

  it('explains how to build when the console is not built', async () => {
    const bare = new Hono();
    bare.use('*', serveConsole(join(dir, 'nothing-here')));
    const res = await bare.request('/maps');
    assert.equal(res.status, 503);
    assert.match(await res.text(), /npm run build:console/);
  });
});
