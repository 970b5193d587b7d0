import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startFinopsSandbox, type FinopsSandbox } from '../../sandbox/finops/server';
import { FinopsConnector } from './finops-connector';
import { ConnectorError } from '../errors';
import type { HttpEvent } from '../http/http-client';
import type { FinopsConfigInput } from '../config';
import type { ChangeRecord, Row } from '../types';
import { startScriptedServer, type ScriptedServer } from '../test-support/scripted-server';

/** The F&O connector against the F&O sandbox over real HTTP. */
describe('FinopsConnector against the F&O sandbox', () => {
  let sb: FinopsSandbox;
  let receiver: ScriptedServer;
  const connectors: FinopsConnector[] = [];

  before(async () => {
    // A small server page (7) so paging by nextLink is exercised on a small data set.
    sb = await startFinopsSandbox({ port: 0, seed: 5, seedOptions: { customers: 60, vendors: 6, products: 6, salesOrders: 0 }, maxPageSize: 7, eventRetryDelayMs: 20 });
    receiver = await startScriptedServer((_req, res) => {
      res.writeHead(200);
      res.end();
    });
  });
  after(async () => {
    for (const c of connectors) await c.close();
    await receiver.close();
    await sb.stop();
  });

  function connector(overrides: Partial<FinopsConfigInput> = {}, events?: HttpEvent[]): FinopsConnector {
    const c = new FinopsConnector(
      { url: sb.url, tenantId: 'sandbox', tokenUrl: sb.tokenUrl, clientId: 'dualwrite-sandbox', clientSecret: 'sandbox-secret', companies: ['usmf', 'usrt', 'demf'], retryBaseDelayMs: 50, retryMaxDelayMs: 400, ...overrides },
      events ? { onHttpEvent: (e) => events.push(e) } : {},
    );
    connectors.push(c);
    return c;
  }

  async function admin(method: string, path: string, body?: unknown): Promise<unknown> {
    const res = await fetch(`${sb.url}/admin/${path}`, { method, headers: body ? { 'content-type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined });
    assert.ok(res.status < 300, `admin ${method} ${path}: ${res.status} ${await res.clone().text()}`);
    return res.headers.get('content-type')?.includes('json') ? res.json() : undefined;
  }

  async function readAll(fo: FinopsConnector, company?: string): Promise<{ rows: Row[]; pages: number }> {
    const rows: Row[] = [];
    let continuation: string | undefined;
    let pages = 0;
    do {
      const page = await fo.readPage({ entitySet: 'CustomersV3', select: ['dataAreaId', 'CustomerAccount', 'OrganizationName'], ...(company ? { company } : {}), ...(continuation ? { continuation } : {}) });
      rows.push(...page.rows);
      continuation = page.continuation;
      pages++;
    } while (continuation);
    return { rows, pages };
  }

  it('health: token, entity sets and companies', async () => {
    const checks = await connector().health(['CustomersV3', 'CustomerGroups']);
    assert.deepEqual(checks.filter((c) => !c.ok), []);
    assert.ok(checks.some((c) => c.name === 'entity key CustomersV3(dataAreaId,CustomerAccount)'));
    const missing = await connector().health(['NoSuchEntities']);
    assert.equal(missing.find((c) => c.name === 'entity set NoSuchEntities')?.ok, false);
    const wrongKey = await connector({ entitySets: { CustomersV3: { key: ['CustomerAccount'] } } }).health(['CustomersV3']);
    assert.match(wrongKey.find((c) => c.name.startsWith('entity key'))?.detail ?? '', /\$metadata key of CustomersV3 is \(dataAreaId,CustomerAccount\)/);
  });

  it('describe reads composite keys, columns and enum symbols from $metadata', async () => {
    const [customers] = await connector().describe(['CustomersV3']);
    assert.ok(customers);
    assert.deepEqual(customers.primaryKey, ['dataAreaId', 'CustomerAccount']);
    assert.equal(customers.companySpecific, true);
    assert.equal(customers.columns.find((c) => c.name === 'CustomerAccount')?.maxLength, 20);
    const gender = customers.columns.find((c) => c.name === 'PersonGender');
    assert.equal(gender?.type, 'enum');
    assert.ok((gender?.enumSymbols ?? []).length > 1);
  });

  it('pages by nextLink across companies (cross-company) and per company (dataAreaId filter)', async () => {
    const fo = connector();
    const all = await readAll(fo);
    const counts = (await admin('GET', 'counts')) as Record<string, number>;
    assert.equal(all.rows.length, counts.CustomersV3);
    assert.ok(all.pages >= Math.ceil(all.rows.length / 7));
    assert.equal(new Set(all.rows.map((r) => `${String(r.dataAreaId)}|${String(r.CustomerAccount)}`)).size, all.rows.length);
    let total = 0;
    for (const company of ['usmf', 'usrt', 'demf']) {
      const { rows } = await readAll(fo, company);
      assert.ok(rows.length > 0);
      assert.ok(rows.every((r) => r.dataAreaId === company));
      total += rows.length;
    }
    assert.equal(total, all.rows.length);
  });

  it('readByKeys with composite keys including dataAreaId, in other companies than the default', async () => {
    const fo = connector();
    const { rows } = await readAll(fo, 'demf');
    const keys = rows.slice(0, 12).map((r) => ({ dataAreaId: 'demf', CustomerAccount: String(r.CustomerAccount) }));
    const found = await fo.readByKeys('CustomersV3', [...keys, { dataAreaId: 'usmf', CustomerAccount: String(rows[0]?.CustomerAccount) + '-none' }], ['OrganizationName']);
    assert.deepEqual(found.map((r) => r.CustomerAccount).sort(), keys.map((k) => k.CustomerAccount).sort());
  });

  it('writeBatch: upsert creates (PATCH 404 then POST) and updates; a bad record fails alone; deletes', async () => {
    const fo = connector();
    const group = (await fo.readPage({ entitySet: 'CustomerGroups', company: 'usrt', select: ['CustomerGroupId'] })).rows[0];
    assert.ok(group);
    const existing = (await readAll(fo, 'usrt')).rows[0] as Row;
    const results = await fo.writeBatch('CustomersV3', [
      { id: 'new', kind: 'upsert', key: { dataAreaId: 'usrt', CustomerAccount: 'CT-100' }, values: { OrganizationName: 'Component Co', CustomerGroupId: group.CustomerGroupId } },
      { id: 'bad-group', kind: 'upsert', key: { dataAreaId: 'usrt', CustomerAccount: 'CT-101' }, values: { OrganizationName: 'Bad group', CustomerGroupId: 'NOPE' } },
      { id: 'existing', kind: 'upsert', key: { dataAreaId: 'usrt', CustomerAccount: String(existing.CustomerAccount) }, values: { OrganizationName: 'Renamed by dualwrite' } },
      { id: 'too-long', kind: 'upsert', mode: 'update', key: { dataAreaId: 'usrt', CustomerAccount: String(existing.CustomerAccount) }, values: { NameAlias: 'x'.repeat(21) } },
      { id: 'no-key', kind: 'upsert', key: { CustomerAccount: 'CT-102' }, values: { OrganizationName: 'no company' } },
      { id: 'update-missing', kind: 'upsert', mode: 'update', key: { dataAreaId: 'usrt', CustomerAccount: 'CT-404' }, values: { OrganizationName: 'nobody' } },
    ]);
    assert.deepEqual(
      results.map((r) => [r.id, r.ok ? `ok created=${String(r.created)}` : r.error.class]),
      [
        ['new', 'ok created=true'],
        ['bad-group', 'missing-lookup'],
        ['existing', 'ok created=false'],
        ['too-long', 'validation'],
        ['no-key', 'transform'],
        ['update-missing', 'not-found'],
      ],
    );
    const rows = await fo.readByKeys('CustomersV3', [
      { dataAreaId: 'usrt', CustomerAccount: 'CT-100' },
      { dataAreaId: 'usrt', CustomerAccount: String(existing.CustomerAccount) },
    ]);
    assert.deepEqual(rows.map((r) => r.OrganizationName).sort(), ['Component Co', 'Renamed by dualwrite']);
    const deleted = await fo.writeBatch('CustomersV3', [
      { id: 'd1', kind: 'delete', key: { dataAreaId: 'usrt', CustomerAccount: 'CT-100' } },
      { id: 'd2', kind: 'delete', key: { dataAreaId: 'usrt', CustomerAccount: 'CT-100' } },
    ]);
    assert.deepEqual(
      deleted.map((r) => (r.ok ? 'ok' : r.error.class)),
      ['ok', 'not-found'],
    );
  });

  it('data events from the sandbox parse into change records with the entity key', async () => {
    const fo = connector();
    await admin('POST', 'registrations', { url: `${receiver.url}/events`, entitySet: 'CustomersV3', messages: ['Create', 'Update', 'Delete'], mode: 'async' });
    const group = (await fo.readPage({ entitySet: 'CustomerGroups', company: 'demf', select: ['CustomerGroupId'] })).rows[0];
    const before = receiver.requests.length;
    const key = { dataAreaId: 'demf', CustomerAccount: 'EV-001' };
    assert.ok((await fo.writeBatch('CustomersV3', [{ id: 'c', kind: 'upsert', mode: 'create', key, values: { OrganizationName: 'Event Co', CustomerGroupId: group?.CustomerGroupId } }]))[0]?.ok);
    assert.ok((await fo.writeBatch('CustomersV3', [{ id: 'u', kind: 'upsert', key, values: { OrganizationName: 'Event Co 2' } }]))[0]?.ok);
    assert.ok((await fo.writeBatch('CustomersV3', [{ id: 'd', kind: 'delete', key }]))[0]?.ok);
    await waitFor(() => receiver.requests.length >= before + 3);
    const changes: ChangeRecord[] = receiver.requests.slice(before).flatMap((r) => fo.parseEvent(r.body));
    assert.deepEqual(
      changes.map((c) => [c.entitySet, c.op, c.key]),
      [
        ['CustomersV3', 'upsert', key],
        ['CustomersV3', 'upsert', key],
        ['CustomersV3', 'delete', key],
      ],
    );
    assert.equal(changes[1]?.values?.OrganizationName, 'Event Co 2');
    assert.equal(new Set(changes.map((c) => c.eventId)).size, 3);
    await admin('DELETE', 'registrations');
  });

  it('429 with Retry-After: no request before it elapses; the batch still completes', async () => {
    const events: HttpEvent[] = [];
    const fo = connector({ concurrency: 3, maxRetries: 8 }, events);
    await fo.tokens.getToken();
    await admin('PATCH', 'faults', { throttle: { maxRequestsPerSecond: 2, retryAfterSeconds: 1 } });
    try {
      const reads = await Promise.all(['usmf', 'usrt', 'demf', 'usmf', 'usrt', 'demf'].map((company) => fo.readPage({ entitySet: 'CustomersV3', company, select: ['CustomerAccount'] })));
      assert.ok(reads.every((p) => p.rows.length === 7));
    } finally {
      await admin('DELETE', 'faults');
    }
    const retries = events.filter((e): e is Extract<HttpEvent, { type: 'retry' }> => e.type === 'retry');
    assert.ok(retries.length > 0, 'the sandbox throttled some requests');
    assert.ok(retries.every((r) => r.error.class === 'throttled' && r.error.status === 429 && r.delayMs === 1000));
    for (const retry of retries) {
      assert.deepEqual(events.filter((e) => e.type === 'attempt' && e.at > retry.at && e.at < retry.at + retry.delayMs - 5), []);
    }
  });

  it('outage then recovery: the failure is retryable, and a patient call succeeds after the service returns', async () => {
    const fo = connector({ maxRetries: 0 });
    await fo.tokens.getToken();
    await admin('POST', 'outage', { durationMs: 1500 });
    await assert.rejects(fo.readPage({ entitySet: 'CustomersV3', company: 'usmf' }), (err: unknown) => err instanceof ConnectorError && err.retryable && err.info.class === 'network');
    const page = await connector({ maxRetries: 10, retryBaseDelayMs: 100, retryMaxDelayMs: 500 }).readPage({ entitySet: 'CustomersV3', company: 'usmf' });
    assert.equal(page.rows.length, 7);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
