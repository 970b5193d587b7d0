import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { formatMultipartBatch, parseMultipartBatchResponse, type BatchRequestItem } from '../shared/multipart-batch';
import { startFinopsSandbox, type FinopsSandbox } from './server';

/** Everything goes through plain HTTP, the way a connector would talk to F&O. */

async function waitFor<T>(what: string, probe: () => T | undefined | false, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setTimeout(r, 5));
  }
}

interface ErrorBody {
  error: { code: string; message: string; innererror?: { message: string; type: string } };
}

describe('F&O sandbox over HTTP', () => {
  let sb: FinopsSandbox;
  let auth: Record<string, string>;

  const api = async (path: string, init: RequestInit = {}) => {
    const res = await fetch(`${sb.url}${path}`, { ...init, headers: { ...auth, ...(init.body ? { 'content-type': 'application/json' } : {}), ...(init.headers as Record<string, string>) } });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON ($count, $metadata, empty 204)
    }
    return { res, status: res.status, body: body as Record<string, unknown> & ErrorBody & { value: Record<string, unknown>[] }, text };
  };
  const customerKey = (company: string, account: string) => `/data/CustomersV3(dataAreaId='${company}',CustomerAccount='${account}')`;

  before(async () => {
    sb = await startFinopsSandbox({ port: 0, seed: 7, maxPageSize: 7, eventRetryDelayMs: 10 });
    const form = new URLSearchParams({ client_id: 'dualwrite-sandbox', client_secret: 'sandbox-secret', scope: `${sb.url}/.default`, grant_type: 'client_credentials' });
    const res = await fetch(sb.tokenUrl, { method: 'POST', body: form, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    assert.equal(res.status, 200);
    const token = (await res.json()) as { access_token: string; token_type: string };
    assert.equal(token.token_type, 'Bearer');
    auth = { authorization: `Bearer ${token.access_token}` };
  });
  after(async () => {
    await sb.stop();
  });

  test('401 without a token or with a forged one, in F&O error shape', async () => {
    const none = await fetch(`${sb.url}/data/CustomersV3`);
    assert.equal(none.status, 401);
    assert.match(((await none.json()) as ErrorBody).error.message, /Authorization/);
    const forged = await fetch(`${sb.url}/data/CustomersV3`, { headers: { authorization: 'Bearer a.b.c' } });
    assert.equal(forged.status, 401);
    const batch = await fetch(`${sb.url}/data/$batch`, { method: 'POST' });
    assert.equal(batch.status, 401);
  });

  test('service document and $metadata with keys, types, lengths and enums', async () => {
    const doc = await api('/data/');
    assert.ok(doc.body.value.some((s) => s.name === 'CustomersV3' && s.kind === 'EntitySet'));
    const md = await api('/data/$metadata');
    assert.match(md.res.headers.get('content-type') ?? '', /xml/);
    assert.match(md.text, /<EntityType Name="CustomerV3">\s*<Key><PropertyRef Name="dataAreaId" \/><PropertyRef Name="CustomerAccount" \/><\/Key>/);
    assert.match(md.text, /<Property Name="CustomerAccount" Type="Edm.String" Nullable="false" MaxLength="20" \/>/);
    assert.match(md.text, /<Property Name="OnHoldStatus" Type="Microsoft.Dynamics.DataEntities.CustVendorBlocked"/);
    assert.match(md.text, /<EnumType Name="NoYes"><Member Name="No" Value="0" \/><Member Name="Yes" Value="1" \/><\/EnumType>/);
    assert.match(md.text, /<EntitySet Name="SalesOrderLines" EntityType="Microsoft.Dynamics.DataEntities.SalesOrderLine" \/>/);
  });

  test('$filter, $select, $top, $skip, $count, $orderby', async () => {
    const page = await api("/data/CustomersV3?$filter=PartyType eq 'Organization' and CustomerGroupId ne '20'&$select=CustomerAccount,PartyType,CustomerGroupId&$top=3&$skip=1&$count=true");
    assert.equal(page.status, 200);
    assert.equal(page.body['@odata.context'], `${sb.url}/data/$metadata#CustomersV3(CustomerAccount,PartyType,CustomerGroupId)`);
    assert.equal(page.body.value.length, 3);
    for (const row of page.body.value) {
      assert.deepEqual(Object.keys(row), ['@odata.etag', 'CustomerAccount', 'PartyType', 'CustomerGroupId']);
      assert.equal(row.PartyType, 'Organization');
      assert.notEqual(row.CustomerGroupId, '20');
    }
    const all = await api("/data/CustomersV3?$filter=PartyType eq 'Organization' and CustomerGroupId ne '20'&$count=true&$top=0");
    assert.equal(page.body['@odata.count'], all.body['@odata.count']);
    assert.ok(typeof page.body['@odata.count'] === 'number' && page.body['@odata.count'] > 3);
    const ordered = await api('/data/ReleasedProductsV2?$orderby=SalesPrice desc&$top=5&$select=ItemNumber,SalesPrice');
    const prices = ordered.body.value.map((r) => r.SalesPrice as number);
    assert.deepEqual(prices, [...prices].sort((a, b) => b - a));
    const enums = await api("/data/CustomersV3?$filter=OnHoldStatus eq Microsoft.Dynamics.DataEntities.CustVendorBlocked'All'&$select=OnHoldStatus&cross-company=true");
    assert.ok(enums.body.value.every((r) => r.OnHoldStatus === 'All'));
    const wildcard = await api("/data/CustomerGroups?$filter=Description eq '*sale*'");
    assert.deepEqual(wildcard.body.value.map((r) => r.Description), ['Wholesale customers']);
    const count = await api("/data/CustomersV3/$count?$filter=PartyType eq 'Person'");
    assert.match(count.text, /^\d+$/);
  });

  test('cross-company: only the default company without it, every company with it', async () => {
    const usmf = await api('/data/CustomerGroups?$select=dataAreaId');
    assert.deepEqual([...new Set(usmf.body.value.map((r) => r.dataAreaId))], ['usmf']);
    assert.equal((await api('/data/CustomerGroups/$count')).text, '6');
    assert.equal((await api('/data/CustomerGroups/$count?cross-company=true')).text, '18');
    const usrt = await api("/data/CustomerGroups?$select=dataAreaId&cross-company=true&$filter=dataAreaId eq 'usrt'");
    assert.deepEqual([...new Set(usrt.body.value.map((r) => r.dataAreaId))], ['usrt']);
    const demf = await api("/data/CustomerGroups?$filter=dataAreaId eq 'demf'&cross-company=true&$count=true");
    assert.equal(demf.body['@odata.count'], 6);
    const hidden = await api(customerKey('demf', 'DE-001'));
    assert.equal(hidden.status, 404);
    assert.match(hidden.body.error.message, /cross-company=true/);
    const shown = await api(`${customerKey('demf', 'DE-001')}?cross-company=true`);
    assert.equal(shown.status, 200);
    assert.equal(shown.body.dataAreaId, 'demf');
    const global = await api('/data/Currencies?$count=true');
    assert.equal(global.body['@odata.count'], 8, 'global entities are not striped by company');
  });

  test('server-driven paging: nextLink until the end, exact and without duplicates', async () => {
    const expected = (await api('/data/CustomersV3/$count?cross-company=true')).text;
    const seen: string[] = [];
    let next: string | undefined = `${sb.url}/data/CustomersV3?cross-company=true&$select=dataAreaId,CustomerAccount`;
    let pages = 0;
    while (next) {
      const res = await fetch(next, { headers: auth });
      assert.equal(res.status, 200);
      const body = (await res.json()) as { value: { dataAreaId: string; CustomerAccount: string }[]; '@odata.nextLink'?: string };
      assert.ok(body.value.length <= 7);
      seen.push(...body.value.map((r) => `${r.dataAreaId}/${r.CustomerAccount}`));
      next = body['@odata.nextLink'];
      pages++;
    }
    assert.equal(seen.length, Number(expected));
    assert.equal(new Set(seen).size, seen.length);
    assert.equal(pages, Math.ceil(Number(expected) / 7));
    // $top spanning pages, then stopping exactly.
    const topped: string[] = [];
    next = `${sb.url}/data/VendorsV2?$top=10&$select=VendorAccountNumber`;
    while (next) {
      const body = (await (await fetch(next, { headers: auth })).json()) as { value: { VendorAccountNumber: string }[]; '@odata.nextLink'?: string };
      topped.push(...body.value.map((r) => r.VendorAccountNumber));
      next = body['@odata.nextLink'];
    }
    assert.equal(topped.length, 10);
    // With $orderby the pages continue by offset and keep the order.
    const byName: string[] = [];
    next = `${sb.url}/data/ReleasedProductsV2?$orderby=SearchName,ItemNumber&$select=ItemNumber,SearchName&$filter=ProductType eq 'Item'`;
    while (next) {
      const body = (await (await fetch(next, { headers: auth })).json()) as { value: { SearchName: string }[]; '@odata.nextLink'?: string };
      byName.push(...body.value.map((r) => r.SearchName));
      next = body['@odata.nextLink'];
    }
    const direct = await api("/data/ReleasedProductsV2/$count?$filter=ProductType eq 'Item'");
    assert.equal(byName.length, Number(direct.text));
    assert.deepEqual(byName, [...byName].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase(), 'en')));
    const tampered = await api('/data/CustomersV3?$skiptoken=abc.def');
    assert.equal(tampered.status, 400);
    assert.match(tampered.body.error.message, /continuation token/);
  });

  test('POST 201 with body and Location, GET by key, PATCH 204, DELETE 204, then 404', async () => {
    const created = await api('/data/CustomersV3', {
      method: 'POST',
      body: JSON.stringify({ '@odata.type': '#Microsoft.Dynamics.DataEntities.CustomerV3', dataAreaId: 'USMF', CustomerAccount: 'T-100', OrganizationName: 'Test Org', PartyType: 'Organization', CustomerGroupId: '10', SalesCurrencyCode: 'USD', CreditLimit: 5000 }),
    });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.res.headers.get('location'), `${sb.url}${customerKey('usmf', 'T-100')}`);
    assert.equal(created.body.dataAreaId, 'usmf', 'company ids are stored lower-case');
    assert.equal(created.body.OnHoldStatus, 'No', 'unset enums read as their first symbol');
    assert.equal(created.body.AddressCity, '', 'unset strings read as empty');
    assert.match(String(created.body['@odata.etag']), /^W\/"/);
    const modified = String(created.body.ModifiedDateTime);
    assert.ok(Date.parse(modified) > Date.parse('2025-06-01'));

    const patched = await api(customerKey('usmf', 'T-100'), { method: 'PATCH', body: JSON.stringify({ CreditLimit: 7500, OnHoldStatus: 'Invoice' }) });
    assert.equal(patched.status, 204, patched.text);
    const read = await api(customerKey('usmf', 'T-100'));
    assert.equal(read.body.CreditLimit, 7500);
    assert.equal(read.body.OnHoldStatus, 'Invoice');
    assert.equal(read.body.OrganizationName, 'Test Org');
    assert.notEqual(read.body['@odata.etag'], created.body['@odata.etag'], 'the etag changes on update');

    assert.equal((await api(customerKey('usmf', 'T-100'), { method: 'DELETE' })).status, 204);
    assert.equal((await api(customerKey('usmf', 'T-100'))).status, 404);
    assert.equal((await api(customerKey('usmf', 'T-100'), { method: 'PATCH', body: '{"CreditLimit":1}' })).status, 404);
    assert.equal((await api(customerKey('usmf', 'T-100'), { method: 'DELETE' })).status, 404);
    const minimal = await api('/data/CustomersV3', { method: 'POST', headers: { prefer: 'return=minimal' }, body: JSON.stringify({ CustomerAccount: 'T-101', CustomerGroupId: '10' }) });
    assert.equal(minimal.status, 204);
    assert.equal(minimal.text, '');
    assert.equal(minimal.res.headers.get('odata-entityid'), `${sb.url}${customerKey('usmf', 'T-101')}`);
    assert.equal(minimal.res.headers.get('preference-applied'), 'return=minimal');
    // A composite key with a number: sales order lines.
    const line = await api("/data/SalesOrderLines(dataAreaId='usmf',SalesOrderNumber='SO-000001',LineNumber=1)");
    assert.equal(line.status, 200, line.text);
    assert.equal(line.body.LineNumber, 1);
  });

  test('validation errors are 400s in F&O shape, naming the field', async () => {
    const post = (body: unknown) => api('/data/CustomersV3', { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body) });
    const base = { CustomerAccount: 'V-1', CustomerGroupId: '10' };
    const cases: [unknown, RegExp][] = [
      [{ CustomerAccount: 'V-1' }, /Field 'CustomerGroupId' must be filled in/],
      [{ ...base, CustomerAccount: '' }, /Field 'CustomerAccount' must be filled in/],
      [{ ...base, CustomerAccount: 'X'.repeat(21) }, /'CustomerAccount'.*21 characters long; the maximum length is 20/],
      [{ ...base, OnHoldStatus: 'Sometimes' }, /'OnHoldStatus'.*No, Invoice, All, Payment, Requisition, Never/],
      [{ ...base, CreditLimit: 'lots' }, /'CreditLimit'.*expected a number/],
      [{ ...base, Colour: 'red' }, /The property 'Colour' does not exist on type 'CustomerV3'/],
      [{ ...base, CustomerGroupId: '99' }, /The value '99' in field 'CustomerGroupId' is not found in the relating table 'CustomerGroups'/],
      [{ ...base, dataAreaId: 'zzzz' }, /The company 'zzzz' does not exist/],
      ['{"CustomerAccount":', /not valid JSON/],
      ['[1,2]', /must be a JSON object/],
    ];
    for (const [body, re] of cases) {
      const r = await post(body);
      assert.equal(r.status, 400, `${JSON.stringify(body)} -> ${r.text}`);
      assert.equal(r.body.error.code, '');
      assert.match(r.body.error.message, re, JSON.stringify(body));
    }
    const inner = await post({ ...base, CustomerGroupId: '99' });
    assert.match(inner.body.error.innererror?.message ?? '', /Write failed for table row of type 'CustCustomerV3Entity'/);
    assert.equal(inner.body.error.innererror?.type, 'Microsoft.Dynamics.Platform.Integration.Services.OData.AxODataWriteException');
    const dup = await post({ ...base, CustomerAccount: 'US-001' });
    assert.equal(dup.status, 400);
    assert.match(dup.body.error.message, /already exists/);
    const incomplete = await api("/data/CustomersV3(CustomerAccount='US-001')");
    assert.equal(incomplete.status, 400);
    assert.match(incomplete.body.error.message, /missing dataAreaId/);
    const keyChange = await api(customerKey('usmf', 'US-001'), { method: 'PATCH', body: JSON.stringify({ CustomerAccount: 'US-999' }) });
    assert.match(keyChange.body.error.message, /cannot be changed/);
    const badFilter = await api('/data/CustomersV3?$filter=Nonsense eq 1');
    assert.equal(badFilter.status, 400);
    assert.match(badFilter.body.error.message, /'Nonsense'/);
    const badOption = await api('/data/CustomersV3?$search=x');
    assert.match(badOption.body.error.message, /'\$search' is not supported/);
    const badTop = await api('/data/CustomersV3?$top=-1');
    assert.match(badTop.body.error.message, /\$top must be a non-negative whole number/);
    const malformed = await api('/data/CustomersV3(dataAreaId=%27usmf%27,CustomerAccount=%27US%ZZ%27)');
    assert.equal(malformed.status, 400);
    assert.match(malformed.body.error.message, /malformed/);
    const encoded = await api('/data/CustomersV3(dataAreaId=%27usmf%27,CustomerAccount=%27US-001%27)');
    assert.equal(encoded.status, 200);
    const method = await api('/data/CustomersV3', { method: 'DELETE' });
    assert.equal(method.status, 405);
  });

  test('$batch: an atomic change set commits together or rolls back entirely', async () => {
    const countBefore = Number((await api('/data/CustomersV3/$count')).text);
    const post = (account: string, group = '10', contentId?: string) => ({
      method: 'POST',
      url: 'CustomersV3',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ CustomerAccount: account, CustomerGroupId: group }),
      contentId,
    });
    const send = async (items: BatchRequestItem[], headers: Record<string, string> = {}) => {
      const { body, contentType } = formatMultipartBatch(items);
      const res = await fetch(`${sb.url}/data/$batch`, { method: 'POST', body, headers: { ...auth, 'content-type': contentType, ...headers } });
      const text = await res.text();
      const multipart = res.headers.get('content-type')?.startsWith('multipart/');
      return { status: res.status, text, items: multipart ? parseMultipartBatchResponse(text, res.headers.get('content-type')) : [] };
    };
    const failed = await send([{ kind: 'changeset', requests: [post('B-1'), post('B-2'), post('B-3', 'nope')] }]);
    assert.equal(failed.status, 200);
    assert.equal(failed.items.length, 1);
    const part = failed.items[0]!;
    assert.equal(part.kind, 'response');
    assert.equal(part.kind === 'response' && part.response.status, 400);
    assert.match(part.kind === 'response' ? part.response.body : '', /relating table 'CustomerGroups'/);
    assert.equal(Number((await api('/data/CustomersV3/$count')).text), countBefore, 'nothing of the failed change set remains');

    const ok = await send([
      { kind: 'changeset', requests: [post('B-1', '10', '1'), { method: 'PATCH', url: '$1', headers: { 'content-type': 'application/json' }, body: '{"CreditLimit":42}', contentId: '2' }] },
      { kind: 'request', request: { method: 'GET', url: "CustomersV3?$filter=CustomerAccount eq 'B-1'&$select=CreditLimit", headers: {}, body: '' } },
    ]);
    assert.equal(ok.items[0]?.kind === 'changeset' && ok.items[0].responses.map((r) => r.status).join(), '201,204', ok.text);
    const get = ok.items[1]!;
    assert.deepEqual(get.kind === 'response' && (JSON.parse(get.response.body) as { value: unknown[] }).value, [{ '@odata.etag': (JSON.parse(get.kind === 'response' ? get.response.body : '{}') as { value: { '@odata.etag': string }[] }).value[0]?.['@odata.etag'], CreditLimit: 42 }]);
    assert.equal(Number((await api('/data/CustomersV3/$count')).text), countBefore + 1);

    const many = await send(Array.from({ length: 1001 }, (_, i) => ({ kind: 'request' as const, request: { method: 'GET', url: `CustomersV3?$top=1&i=${i}`, headers: {}, body: '' } })));
    assert.equal(many.status, 400);
    assert.match(many.text, /1001 operations; the maximum is 1000/);
  });

  test('admin counts and checksums; the same seed gives the same data', async () => {
    const other = await startFinopsSandbox({ port: 0, seed: 7 });
    const third = await startFinopsSandbox({ port: 0, seed: 8 });
    try {
      const sum = async (s: FinopsSandbox) => ((await (await fetch(`${s.url}/admin/checksum?entitySet=VendorsV2`)).json()) as Record<string, { count: number; checksum: string }>).VendorsV2!;
      const a = await sum(sb);
      const b = await sum(other);
      assert.deepEqual(a, b);
      assert.notEqual((await sum(third)).checksum, a.checksum);
      const counts = (await (await fetch(`${other.url}/admin/counts`)).json()) as Record<string, number>;
      assert.equal(counts.CustomersV3, 300);
      assert.equal(counts.LegalEntities, 3);
    } finally {
      await other.stop();
      await third.stop();
    }
  });

  test('throttling answers 429 with Retry-After; a $batch counts as one request', async () => {
    const set = await fetch(`${sb.url}/admin/faults`, { method: 'PATCH', body: JSON.stringify({ throttle: { maxRequestsPerSecond: 2, retryAfterSeconds: 7 } }), headers: { 'content-type': 'application/json' } });
    assert.equal(set.status, 200);
    try {
      const { body, contentType } = formatMultipartBatch(Array.from({ length: 5 }, () => ({ kind: 'request' as const, request: { method: 'GET', url: 'Currencies?$top=1', headers: {}, body: '' } })));
      const batch = await fetch(`${sb.url}/data/$batch`, { method: 'POST', body, headers: { ...auth, 'content-type': contentType } });
      assert.equal(batch.status, 200);
      const parts = parseMultipartBatchResponse(await batch.text(), batch.headers.get('content-type'));
      assert.deepEqual(parts.map((p) => p.kind === 'response' && p.response.status), [200, 200, 200, 200, 200]);
      let throttled: Response | undefined;
      for (let i = 0; i < 5 && !throttled; i++) {
        const r = await fetch(`${sb.url}/data/Currencies`, { headers: auth });
        if (r.status === 429) throttled = r;
        else await r.text();
      }
      assert.ok(throttled, 'expected a 429 within 5 requests');
      assert.equal(throttled.headers.get('retry-after'), '7');
      assert.match(((await throttled.json()) as ErrorBody).error.message, /high resource utilization. Please retry the request after 7 seconds/);
    } finally {
      await fetch(`${sb.url}/admin/faults`, { method: 'DELETE' });
    }
  });

  describe('data events', () => {
    let receiver: Server;
    let receiverUrl: string;
    const received: { headers: IncomingMessage['headers']; body: Record<string, unknown> }[] = [];
    let failuresLeft = 0;

    before(async () => {
      receiver = createServer((req, res) => {
        let data = '';
        req.on('data', (c: Buffer) => (data += c.toString()));
        req.on('end', () => {
          received.push({ headers: req.headers, body: JSON.parse(data) as Record<string, unknown> });
          if (failuresLeft > 0) {
            failuresLeft--;
            res.writeHead(500).end('not now');
          } else res.writeHead(200).end();
        });
      });
      await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
      receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/events`;
    });
    after(async () => {
      await new Promise((r) => receiver.close(r));
    });

    test('create, update and delete are posted as RemoteExecutionContext, with retries', async () => {
      const reg = await fetch(`${sb.url}/admin/registrations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ url: receiverUrl, entitySet: 'CustomerGroups', messages: ['Create', 'Update', 'Delete'], secretHeader: { name: 'x-event-secret', value: 's3cret' } }),
      });
      assert.equal(reg.status, 201);
      failuresLeft = 2;
      const created = await api('/data/CustomerGroups', { method: 'POST', body: JSON.stringify({ CustomerGroupId: 'EV', Description: 'Events' }) });
      assert.equal(created.status, 201);
      await waitFor('3 attempts of the create event', () => received.length >= 3);
      await sb.delivery.idle();
      assert.equal(received.length, 3, 'two failures then one success');
      const create = received[2]!;
      assert.equal(create.headers['x-event-secret'], 's3cret');
      assert.equal(create.body.MessageName, 'Create');
      assert.equal(create.body.PrimaryEntityName, 'CustomerGroups');
      const target = (create.body.InputParameters as { key: string; value: { Attributes: { key: string; value: unknown }[]; KeyAttributes: unknown[]; Id: string } }[])[0]!;
      assert.equal(target.key, 'Target');
      assert.deepEqual(target.value.KeyAttributes, [
        { key: 'dataAreaId', value: 'usmf' },
        { key: 'CustomerGroupId', value: 'EV' },
      ]);
      assert.ok(target.value.Attributes.some((a) => a.key === 'Description' && a.value === 'Events'));
      assert.match(String(target.value.Attributes.find((a) => a.key === 'ModifiedDateTime')?.value), /^\/Date\(\d+\)\/$/);
      assert.equal(create.body.PrimaryEntityId, target.value.Id);

      await api("/data/CustomerGroups(dataAreaId='usmf',CustomerGroupId='EV')", { method: 'PATCH', body: JSON.stringify({ Description: 'Changed' }) });
      await api("/data/CustomerGroups(dataAreaId='usmf',CustomerGroupId='EV')", { method: 'DELETE' });
      await waitFor('update and delete events', () => received.length >= 5);
      await sb.delivery.idle();
      const [update, del] = [received[3]!, received[4]!];
      assert.equal(update.body.MessageName, 'Update');
      const pre = (update.body.PreEntityImages as { value: { Attributes: { key: string; value: unknown }[] } }[])[0]!;
      assert.ok(pre.value.Attributes.some((a) => a.key === 'Description' && a.value === 'Events'));
      assert.equal(del.body.MessageName, 'Delete');
      assert.equal(del.body.PrimaryEntityId, create.body.PrimaryEntityId, 'one record keeps one Id');
      const log = (await (await fetch(`${sb.url}/admin/deliveries`)).json()) as { value: { state: string; attempts: unknown[] }[] };
      assert.deepEqual(log.value.map((d) => [d.state, d.attempts.length]), [
        ['delivered', 3],
        ['delivered', 1],
        ['delivered', 1],
      ]);
    });

    test('a rolled-back change set sends no events; other entity sets are not posted', async () => {
      const before = received.length;
      const { body, contentType } = formatMultipartBatch([
        {
          kind: 'changeset',
          requests: [
            { method: 'POST', url: 'CustomerGroups', headers: { 'content-type': 'application/json' }, body: '{"CustomerGroupId":"RB"}' },
            { method: 'POST', url: 'CustomerGroups', headers: { 'content-type': 'application/json' }, body: '{"CustomerGroupId":"RB"}' },
          ],
        },
      ]);
      await (await fetch(`${sb.url}/data/$batch`, { method: 'POST', body, headers: { ...auth, 'content-type': contentType } })).text();
      assert.equal((await api("/data/CustomerGroups(dataAreaId='usmf',CustomerGroupId='RB')")).status, 404);
      await api('/data/VendorGroups', { method: 'POST', body: JSON.stringify({ VendorGroupId: 'NE' }) });
      await api('/data/CustomerGroups', { method: 'POST', body: JSON.stringify({ CustomerGroupId: 'AFTER' }) });
      await waitFor('the event after the rollback', () => received.length > before);
      await sb.delivery.idle();
      assert.equal(received.length, before + 1);
      const keys = ((received[before]!.body.InputParameters as { value: { KeyAttributes: { value: string }[] } }[])[0]!.value.KeyAttributes).map((k) => k.value);
      assert.deepEqual(keys, ['usmf', 'AFTER']);
    });
  });
});
