import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Hono } from 'hono';
import type { EntitySetSchema } from '../../schema/entity-schema';
import { EntityStore, StoreError } from './entity-store';
import {
  BATCH_PART_HEADER,
  executeBatch,
  formatMultipartBatch,
  parseMultipartBatch,
  parseMultipartBatchResponse,
  type BatchRequestItem,
  type BatchResponseItem,
} from './multipart-batch';
import { decodeContinuation, encodeContinuation } from './paging';

const notes: EntitySetSchema = {
  system: 'dataverse',
  entitySet: 'notes',
  entityType: 'note',
  primaryKey: ['id'],
  companySpecific: false,
  columns: [
    { name: 'id', type: 'string', maxLength: 10, required: true },
    { name: 'text', type: 'string', maxLength: 5 },
    { name: 'parent', type: 'string', maxLength: 200 },
  ],
};

/** A minimal OData-ish service over the store, to drive the dispatcher through real handlers. */
function service() {
  const store = new EntityStore({ file: ':memory:', schemas: [notes] });
  const app = new Hono();
  const seenPartHeaders: string[] = [];
  const err = (status: number, message: string) => Response.json({ error: { code: '', message } }, { status });
  app.post('/svc/:segment', async (c, next) => {
    if (c.req.param('segment') !== '$batch') return next();
    return executeBatch(c.req.raw, {
      handler: (r) => app.fetch(r),
      atomically: (fn) => store.exclusive(fn),
      serviceRoot: new URL('/svc/', c.req.url).toString(),
      errorResponse: err,
      maxOperations: 5,
    });
  });
  app.post('/svc/notes', async (c) => {
    seenPartHeaders.push(`${c.req.header(BATCH_PART_HEADER)}|${c.req.header('authorization')}`);
    try {
      const input = JSON.parse(await c.req.text()) as Record<string, unknown>;
      const row = await store.write(() => store.insert('notes', input));
      return c.json(row, 201, { location: new URL(`/svc/notes('${String(row.id)}')`, c.req.url).toString() });
    } catch (e) {
      if (e instanceof StoreError) return err(e.status, e.message);
      throw e;
    }
  });
  app.get('/svc/notes', (c) => c.json({ value: store.query('notes').rows }));
  app.on(['GET', 'PATCH'], '/svc/:seg{notes\\(.*\\)}', async (c) => {
    const id = /'(.*)'/.exec(c.req.param('seg'))?.[1] ?? '';
    if (c.req.method === 'GET') {
      const row = store.get('notes', { id });
      return row ? c.json(row) : err(404, `no note ${id}`);
    }
    try {
      const patch = JSON.parse(await c.req.text()) as Record<string, unknown>;
      await store.write(() => store.update('notes', { id }, patch));
      return c.body(null, 204);
    } catch (e) {
      if (e instanceof StoreError) return err(e.status, e.message);
      throw e;
    }
  });
  return { app, store, seenPartHeaders };
}

const post = (id: string, text = 'ok', contentId?: string, extra: Record<string, unknown> = {}) => ({
  method: 'POST',
  url: 'notes',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ id, text, ...extra }),
  contentId,
});

async function send(app: Hono, items: BatchRequestItem[], headers: Record<string, string> = {}) {
  const { body, contentType } = formatMultipartBatch(items);
  const res = await app.request('http://sandbox.test/svc/$batch', { method: 'POST', body, headers: { 'content-type': contentType, ...headers } });
  const text = await res.text();
  return { res, text, items: res.headers.get('content-type')?.startsWith('multipart') ? parseMultipartBatchResponse(text, res.headers.get('content-type')) : [] };
}

const statuses = (items: BatchResponseItem[]) => items.map((i) => (i.kind === 'response' ? i.response.status : i.responses.map((r) => r.status)));

describe('multipart-batch', () => {
  test('parses a documented-style request with LF endings, a change set and Content-IDs', () => {
    const body = [
      '--batch_AAA',
      'Content-Type: multipart/mixed; boundary="changeset_BBB"',
      '',
      '--changeset_BBB',
      'Content-Type: application/http',
      'Content-Transfer-Encoding: binary',
      'Content-ID: 1',
      '',
      'POST /api/data/v9.2/tasks HTTP/1.1',
      'Content-Type: application/json; type=entry',
      '',
      '{"subject":"Task 1"}',
      '--changeset_BBB--',
      '',
      '--batch_AAA',
      'Content-Type: application/http',
      'Content-Transfer-Encoding: binary',
      '',
      'GET /api/data/v9.2/tasks?$select=subject HTTP/1.1',
      'Accept: application/json',
      '',
      '',
      '--batch_AAA--',
      '',
    ].join('\n');
    const items = parseMultipartBatch(body, 'multipart/mixed; boundary="batch_AAA"');
    assert.equal(items.length, 2);
    assert.equal(items[0]?.kind, 'changeset');
    const cs = items[0]!.kind === 'changeset' ? items[0]!.requests : [];
    assert.deepEqual(cs[0], { method: 'POST', url: '/api/data/v9.2/tasks', headers: { 'content-type': 'application/json; type=entry' }, body: '{"subject":"Task 1"}', contentId: '1' });
    assert.equal(items[1]?.kind === 'request' && items[1].request.url, '/api/data/v9.2/tasks?$select=subject');
    // And the same with CRLF, round-tripped through the formatter.
    const formatted = formatMultipartBatch(items);
    assert.match(formatted.body, /\r\n/);
    assert.deepEqual(parseMultipartBatch(formatted.body, formatted.contentType), items);
  });

  test('malformed bodies are rejected with a reason', () => {
    assert.throws(() => parseMultipartBatch('x', 'application/json'), /multipart\/mixed/);
    assert.throws(() => parseMultipartBatch('--b\r\nContent-Type: application/http\r\n\r\nGET x HTTP/1.1\r\n', 'multipart/mixed; boundary=b'), /not terminated/);
    assert.throws(() => parseMultipartBatch('--b\r\nContent-Type: text/plain\r\n\r\nhello\r\n--b--', 'multipart/mixed; boundary=b'), /application\/http/);
    assert.throws(() => parseMultipartBatch('--b\r\nContent-Type: application/http\r\n\r\nnonsense\r\n--b--', 'multipart/mixed; boundary=b'), /request line/);
  });

  test('runs parts through the handler, inheriting auth, resolving $n references', async () => {
    const { app, store, seenPartHeaders } = service();
    const { res, items } = await send(
      app,
      [
        { kind: 'changeset', requests: [post('a', 'ok', '1'), { method: 'PATCH', url: '$1', headers: { 'content-type': 'application/json' }, body: '{"text":"new"}', contentId: '2' }, post('b', 'ok', '3', { parent: '$1' })] },
        { kind: 'request', request: { method: 'GET', url: '/svc/notes', headers: {}, body: '' } },
      ],
      { authorization: 'Bearer t' },
    );
    assert.equal(res.status, 200);
    assert.deepEqual(statuses(items), [[201, 204, 201], 200]);
    assert.equal(store.get('notes', { id: 'a' })?.text, 'new');
    assert.equal(store.get('notes', { id: 'b' })?.parent, "http://sandbox.test/svc/notes('a')");
    assert.deepEqual(seenPartHeaders, ['1|Bearer t', '1|Bearer t']);
    const cs = items[0]!;
    assert.deepEqual(cs.kind === 'changeset' && cs.responses.map((r) => r.contentId), ['1', '2', '3']);
  });

  test('a failing change set rolls back entirely and stops the batch', async () => {
    const { app, store } = service();
    const { res, items } = await send(app, [
      { kind: 'changeset', requests: [post('x1'), post('x2', 'too long')] },
      { kind: 'request', request: post('after') },
    ]);
    assert.equal(res.status, 200);
    assert.deepEqual(statuses(items), [400], 'one error part for the change set; nothing after it runs');
    const first = items[0]!;
    assert.match(first.kind === 'response' ? first.response.body : '', /maximum length is 5/);
    assert.equal(store.count('notes'), 0);
  });

  test('continue-on-error runs every part; failures stay isolated', async () => {
    const { app, store } = service();
    const { items } = await send(
      app,
      [
        { kind: 'changeset', requests: [post('y1'), post('y1')] },
        { kind: 'request', request: post('z1') },
        { kind: 'request', request: { method: 'GET', url: "notes('nope')", headers: {}, body: '' } },
        { kind: 'changeset', requests: [post('z2')] },
      ],
      { prefer: 'odata.continue-on-error' },
    );
    assert.deepEqual(statuses(items), [409, 201, 404, [201]]);
    assert.deepEqual(store.query('notes').rows.map((r) => r.id), ['z1', 'z2']);
  });

  test('limits and invalid references', async () => {
    const { app } = service();
    const tooMany = await send(app, Array.from({ length: 6 }, (_, i) => ({ kind: 'request' as const, request: post(`n${i}`) })));
    assert.equal(tooMany.res.status, 400);
    assert.match(tooMany.text, /6 operations; the maximum is 5/);
    const badRef = await send(app, [{ kind: 'changeset', requests: [{ method: 'PATCH', url: '$9', headers: {}, body: '{}', contentId: '1' }] }]);
    assert.match(badRef.items[0]!.kind === 'response' ? badRef.items[0]!.response.body : '', /Content-ID Reference: '\$9' does not exist/);
    const getInCs = await send(app, [{ kind: 'changeset', requests: [{ method: 'GET', url: 'notes', headers: {}, body: '' }] }]);
    assert.match(getInCs.text, /GET requests are not allowed within change sets/);
    const garbage = await app.request('http://sandbox.test/svc/$batch', { method: 'POST', body: 'hello', headers: { 'content-type': 'text/plain' } });
    assert.equal(garbage.status, 400);
  });
});

describe('paging tokens', () => {
  test('round-trip and tamper detection', () => {
    const t = encodeContinuation({ after: ['usmf', 'US-001'], remaining: 5 });
    assert.deepEqual(decodeContinuation(t), { after: ['usmf', 'US-001'], remaining: 5 });
    const tampered = `${Buffer.from(JSON.stringify({ offset: 1 })).toString('base64url')}.${t.split('.')[1]}`;
    assert.throws(() => decodeContinuation(tampered), /checksum mismatch/);
    assert.throws(() => decodeContinuation('garbage'), /not valid/);
  });
});

describe('multipart-batch references', () => {
  test('$metadata-like paths pass through; undeclared numeric ids are errors', async () => {
    const { app } = service();
    const { items } = await send(app, [{ kind: 'request', request: { method: 'GET', url: '$metadata', headers: {}, body: '' } }], { prefer: 'odata.continue-on-error' });
    const first = items[0]!;
    assert.equal(first.kind === 'response' && first.response.status, 404, 'routed to the handler (which has no $metadata), not rejected as a reference');
  });
});
