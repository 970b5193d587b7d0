import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startDataverseSandbox, type DataverseSandbox } from '../../sandbox/dataverse/server';
import { DataverseConnector } from './dataverse-connector';
import { ConnectorError } from '../errors';
import type { HttpEvent } from '../http/http-client';
import type { DataverseConfigInput } from '../config';
import type { ChangeRecord, KeyValues, Row, WriteOp } from '../types';
import { startScriptedServer } from '../test-support/scripted-server';

/** The Dataverse connector against the Dataverse sandbox over real HTTP. */
describe('DataverseConnector against the Dataverse sandbox', () => {
  let sb: DataverseSandbox;
  const connectors: DataverseConnector[] = [];

  before(async () => {
    sb = await startDataverseSandbox({ port: 0, dbFile: ':memory:', seed: { seed: 3, accounts: 180, contacts: 10, vendors: 5, products: 5, salesOrders: 0 } });
  });
  after(async () => {
    for (const c of connectors) await c.close();
    await sb.stop();
  });

  function connector(overrides: Partial<DataverseConfigInput> = {}, events?: HttpEvent[]): DataverseConnector {
    const c = new DataverseConnector(
      {
        url: sb.url,
        tenantId: 'sandbox',
        tokenUrl: sb.tokenUrl,
        clientId: 'dualwrite-sandbox',
        clientSecret: 'sandbox-secret',
        companies: ['usmf', 'usrt', 'demf'],
        pageSize: 25,
        retryBaseDelayMs: 50,
        retryMaxDelayMs: 400,
        entitySets: { accounts: { key: ['accountnumber', '_msdyn_company_value'] } },
        ...overrides,
      },
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

  async function readAll(dv: DataverseConnector, company?: string): Promise<Row[]> {
    const rows: Row[] = [];
    let continuation: string | undefined;
    let pages = 0;
    do {
      const page = await dv.readPage({ entitySet: 'accounts', select: ['accountnumber', 'name', '_msdyn_company_value'], ...(company ? { company } : {}), ...(continuation ? { continuation } : {}) });
      rows.push(...page.rows);
      continuation = page.continuation;
      pages++;
      assert.ok(page.rows.length <= 25, 'page size honoured');
    } while (continuation);
    assert.ok(pages > 1 || rows.length <= 25);
    return rows;
  }

  it('health: token, companies, entity sets, alternate key and change tracking', async () => {
    const checks = await connector().health(['accounts', 'contacts']);
    assert.deepEqual(checks.filter((c) => !c.ok), []);
    assert.ok(checks.some((c) => c.name === 'alternate key accounts(accountnumber,_msdyn_company_value)'));
    const wrongKey = await connector({ entitySets: { accounts: { key: ['name'] } } }).health(['accounts']);
    assert.equal(wrongKey.find((c) => c.name.startsWith('alternate key'))?.ok, false, 'an undefined alternate key is reported');
    const badSecret = await connector({ clientSecret: 'wrong-secret-value' }).health(['accounts']);
    assert.equal(badSecret.length, 1);
    assert.equal(badSecret[0]?.ok, false);
    assert.match(badSecret[0]?.detail ?? '', /auth|invalid_client/);
    assert.doesNotMatch(badSecret[0]?.detail ?? '', /wrong-secret-value/);
  });

  it('describe reads keys, alternate keys, lookups and change tracking from $metadata', async () => {
    const [accounts] = await connector().describe(['accounts']);
    assert.ok(accounts);
    assert.deepEqual(accounts.primaryKey, ['accountid']);
    assert.deepEqual(accounts.alternateKeys?.map((k) => k.columns), [['accountnumber', 'msdyn_company']]);
    assert.equal(accounts.companySpecific, true);
    assert.equal(accounts.changeTracking, true);
    assert.deepEqual(accounts.columns.find((c) => c.name === 'msdyn_customergroupid'), { name: 'msdyn_customergroupid', type: 'lookup', lookup: { navigationProperty: 'msdyn_customergroupid', entitySet: 'msdyn_customergroups' } });
    assert.equal(accounts.columns.find((c) => c.name === 'name')?.maxLength, 160);
  });

  it('pages through every row by nextLink, per company and in total', async () => {
    const dv = connector();
    const all = await readAll(dv);
    const counts = (await admin('GET', 'counts')) as Record<string, number>;
    assert.equal(all.length, counts.accounts);
    assert.equal(new Set(all.map((r) => r.accountid)).size, all.length, 'no row twice');
    let perCompany = 0;
    for (const company of ['usmf', 'usrt', 'demf']) {
      const rows = await readAll(dv, company);
      const id = await dv.companyId(company);
      assert.ok(rows.every((r) => r._msdyn_company_value === id));
      perCompany += rows.length;
    }
    assert.equal(perCompany, all.length);
  });

  it('readByKeys finds rows by alternate key (company given by code) across several requests', async () => {
    const dv = connector();
    const page = await dv.readPage({ entitySet: 'accounts', company: 'usrt', select: ['accountnumber'], pageSize: 40 });
    const keys: KeyValues[] = page.rows.map((r) => ({ accountnumber: String(r.accountnumber), _msdyn_company_value: 'usrt' }));
    keys.push({ accountnumber: 'NO-SUCH-ACCOUNT', _msdyn_company_value: 'usrt' });
    const rows = await dv.readByKeys('accounts', keys, ['name']);
    assert.deepEqual(rows.map((r) => r.accountid).sort(), page.rows.map((r) => r.accountid).sort());
    assert.ok(rows.every((r) => 'name' in r && 'accountnumber' in r));
  });

  it('writeBatch: one bad record among good ones fails alone, results map back to op ids', async () => {
    const dv = connector();
    const group = (await dv.readPage({ entitySet: 'msdyn_customergroups', company: 'usmf', select: ['msdyn_groupid'], pageSize: 1 })).rows[0];
    assert.ok(group);
    const groupBind = await dv.bindPath('msdyn_customergroups', { msdyn_groupid: String(group.msdyn_groupid), _msdyn_company_value: 'usmf' });
    const companyBind = `/cdm_companies(${await dv.companyId('usmf')})`;
    const ops: WriteOp[] = [
      { id: 'good-1', kind: 'upsert', key: { accountnumber: 'CT-0001', _msdyn_company_value: 'usmf' }, values: { name: 'Component One', 'msdyn_customergroupid@odata.bind': groupBind, 'msdyn_company@odata.bind': companyBind } },
      { id: 'too-long', kind: 'upsert', key: { accountnumber: 'CT-0002', _msdyn_company_value: 'usmf' }, values: { name: 'x'.repeat(161), 'msdyn_company@odata.bind': companyBind } },
      { id: 'good-2', kind: 'upsert', key: { accountnumber: 'CT-0003', _msdyn_company_value: 'usmf' }, values: { name: 'Component Three', 'msdyn_company@odata.bind': companyBind } },
      {
        id: 'missing-group',
        kind: 'upsert',
        key: { accountnumber: 'CT-0004', _msdyn_company_value: 'usmf' },
        values: { name: 'Component Four', 'msdyn_company@odata.bind': companyBind, 'msdyn_customergroupid@odata.bind': await dv.bindPath('msdyn_customergroups', { msdyn_groupid: 'NOPE', _msdyn_company_value: 'usmf' }) },
      },
      { id: 'update-missing', kind: 'upsert', mode: 'update', key: { accountnumber: 'CT-0005', _msdyn_company_value: 'usmf' }, values: { name: 'Nobody' } },
      { id: 'bad-company', kind: 'upsert', key: { accountnumber: 'CT-0006', _msdyn_company_value: 'zzzz' }, values: { name: 'Nowhere' } },
    ];
    const results = await dv.writeBatch('accounts', ops);
    assert.deepEqual(
      results.map((r) => [r.id, r.ok ? 'ok' : r.error.class]),
      [
        ['good-1', 'ok'],
        ['too-long', 'validation'],
        ['good-2', 'ok'],
        ['missing-group', 'missing-lookup'],
        ['update-missing', 'not-found'],
        ['bad-company', 'validation'],
      ],
    );
    const good = results[0];
    assert.ok(good?.ok && good.created === true && typeof good.recordId === 'string' && typeof good.version === 'string');
    const tooLong = results[1];
    assert.ok(tooLong && !tooLong.ok && tooLong.error.status === 400 && tooLong.error.message.length > 0);

    const again = await dv.writeBatch('accounts', [
      { id: 'update', kind: 'upsert', key: { accountnumber: 'CT-0001', _msdyn_company_value: 'usmf' }, values: { name: 'Component One renamed' } },
      { id: 'create-only-existing', kind: 'upsert', mode: 'create', key: { accountnumber: 'CT-0003', _msdyn_company_value: 'usmf' }, values: { name: 'dup' } },
      { id: 'stale-etag', kind: 'upsert', ifMatch: 'W/"1"', key: { accountnumber: 'CT-0003', _msdyn_company_value: 'usmf' }, values: { name: 'stale' } },
    ]);
    assert.deepEqual(
      again.map((r) => [r.id, r.ok ? `ok created=${String(r.created)}` : r.error.class]),
      [
        ['update', 'ok created=false'],
        ['create-only-existing', 'conflict'],
        ['stale-etag', 'conflict'],
      ],
    );
    const rows = await dv.readByKeys('accounts', [{ accountnumber: 'CT-0001', _msdyn_company_value: 'usmf' }], ['name', '_msdyn_customergroupid_value']);
    assert.equal(rows[0]?.name, 'Component One renamed');
    assert.equal(rows[0]?._msdyn_customergroupid_value, group.msdyn_customergroupid);

    assert.equal(await dv.resolveId('accounts', { accountnumber: 'CT-0001', _msdyn_company_value: 'usmf' }), good.recordId);
    assert.equal(await dv.resolveId('accounts', { accountnumber: 'CT-9999', _msdyn_company_value: 'usmf' }), undefined);

    const deleted = await dv.writeBatch('accounts', [
      { id: 'del-1', kind: 'delete', key: { accountnumber: 'CT-0001', _msdyn_company_value: 'usmf' } },
      { id: 'del-3', kind: 'delete', key: { accountnumber: 'CT-0003', _msdyn_company_value: 'usmf' } },
      { id: 'del-missing', kind: 'delete', key: { accountnumber: 'CT-0001', _msdyn_company_value: 'usrt' } },
    ]);
    assert.deepEqual(
      deleted.map((r) => (r.ok ? 'ok' : r.error.class)),
      ['ok', 'ok', 'not-found'],
    );
    assert.equal(await dv.resolveId('accounts', { accountnumber: 'CT-0001', _msdyn_company_value: 'usmf' }), undefined, 'cache dropped on delete');
  });

  it('change tracking: the first poll returns current rows and a token; later polls see creates, updates and deletes', async () => {
    const dv = connector({ deltaPagesPerPoll: 2, pageSize: 50 });
    let token: string | undefined;
    let initial: ChangeRecord[] = [];
    let more = true;
    let polls = 0;
    while (more) {
      const result = await dv.pollChanges('accounts', token, ['accountnumber', 'name']);
      assert.equal(result.initial, true, 'rows listed when tracking starts are marked initial');
      initial = initial.concat(result.changes);
      token = result.deltaToken;
      more = result.more === true;
      polls++;
    }
    assert.ok(polls > 1, 'a table larger than deltaPagesPerPoll pages is listed over several polls');
    const counts = (await admin('GET', 'counts')) as Record<string, number>;
    assert.equal(initial.length, counts.accounts);
    assert.ok(initial.every((c) => c.op === 'upsert' && c.recordId && c.version));

    const quiet = await dv.pollChanges('accounts', token);
    assert.equal(quiet.changes.length, 0);
    assert.equal(quiet.initial, undefined);

    const companyBind = `/cdm_companies(${await dv.companyId('usrt')})`;
    const victim = initial[0] as ChangeRecord;
    const edited = initial[1] as ChangeRecord;
    const written = await dv.writeBatch('accounts', [
      { id: 'new', kind: 'upsert', key: { accountnumber: 'DT-0001', _msdyn_company_value: 'usrt' }, values: { name: 'Delta New', 'msdyn_company@odata.bind': companyBind } },
      { id: 'edit', kind: 'upsert', mode: 'update', key: { accountid: edited.recordId as string }, values: { name: 'Delta Edited' } },
      { id: 'gone', kind: 'delete', key: { accountid: victim.recordId as string } },
    ]);
    assert.ok(written.every((r) => r.ok), JSON.stringify(written));
    const delta = await dv.pollChanges('accounts', quiet.deltaToken);
    const byId = new Map(delta.changes.map((c) => [c.recordId, c]));
    const created = written[0];
    assert.ok(created?.ok);
    assert.equal(byId.get(created.recordId)?.op, 'upsert');
    assert.equal(byId.get(created.recordId)?.values?.name, 'Delta New');
    assert.equal(byId.get(edited.recordId)?.values?.name, 'Delta Edited');
    assert.equal(byId.get(victim.recordId)?.op, 'delete');
    assert.notEqual(delta.deltaToken, quiet.deltaToken);
    assert.equal(new Set(delta.changes.map((c) => c.eventId)).size, delta.changes.length);
    await assert.rejects(dv.pollChanges('accounts', 'made-up'), /not issued by this connector/);
  });

  it('429 storm: Retry-After is honoured (no request before it elapses) and every read completes', async () => {
    const events: HttpEvent[] = [];
    const dv = connector({ concurrency: 4, maxRetries: 8 }, events);
    await dv.tokens.getToken();
    await admin('PATCH', 'faults', { throttle: { maxRequestsPerSecond: 3, retryAfterSeconds: 1 } });
    try {
      const pages = await Promise.all(Array.from({ length: 10 }, () => dv.readPage({ entitySet: 'accounts', select: ['accountnumber'], pageSize: 5 })));
      assert.ok(pages.every((p) => p.rows.length === 5));
    } finally {
      await admin('DELETE', 'faults');
    }
    const retries = events.filter((e): e is Extract<HttpEvent, { type: 'retry' }> => e.type === 'retry');
    assert.ok(retries.length > 0, 'the sandbox throttled some requests');
    assert.ok(retries.every((r) => r.error.class === 'throttled' && r.delayMs === 1000));
    for (const retry of retries) {
      const early = events.filter((e) => e.type === 'attempt' && e.at > retry.at && e.at < retry.at + retry.delayMs - 5);
      assert.deepEqual(early, [], 'no request is sent while a Retry-After is pending');
    }
  });

  it('an outage is classified retryable, and calls recover when the service returns', async () => {
    const dv = connector({ maxRetries: 0 });
    await dv.tokens.getToken();
    await admin('POST', 'outage', { durationMs: 1500 });
    await assert.rejects(dv.readPage({ entitySet: 'accounts', pageSize: 1 }), (err: unknown) => err instanceof ConnectorError && err.retryable && err.info.class === 'network');
    const patient = connector({ maxRetries: 10, retryBaseDelayMs: 100, retryMaxDelayMs: 500 });
    const page = await patient.readPage({ entitySet: 'accounts', pageSize: 1 });
    assert.equal(page.rows.length, 1);
  });

  it('a 5xx storm (errorRate 1) is retryable unavailable and clears when faults are switched off', async () => {
    const dv = connector({ maxRetries: 1 });
    await admin('PATCH', 'faults', { errorRate: 1, errorStatus: 503 });
    try {
      await assert.rejects(dv.readPage({ entitySet: 'accounts', pageSize: 1 }), (err: unknown) => err instanceof ConnectorError && err.info.class === 'unavailable' && err.info.status === 503 && err.retryable);
    } finally {
      await admin('DELETE', 'faults');
    }
    assert.equal((await dv.readPage({ entitySet: 'accounts', pageSize: 1 })).rows.length, 1);
  });

  it('webhook bodies the sandbox posts parse into change records with the alternate key', async () => {
    const receiver = await startScriptedServer((_req, res) => {
      res.writeHead(200);
      res.end();
    });
    const dv = connector();
    try {
      await admin('POST', 'registrations', { url: `${receiver.url}/hook`, entitySet: 'accounts', messages: ['Create', 'Update', 'Delete'], mode: 'async' });
      const companyId = await dv.companyId('demf');
      const key = { accountnumber: 'WH-0001', _msdyn_company_value: 'demf' };
      const [created] = await dv.writeBatch('accounts', [{ id: 'c', kind: 'upsert', key, values: { name: 'Hook Co', 'msdyn_company@odata.bind': `/cdm_companies(${companyId})` } }]);
      assert.ok(created?.ok);
      assert.ok((await dv.writeBatch('accounts', [{ id: 'u', kind: 'upsert', mode: 'update', key, values: { name: 'Hook Co 2' } }]))[0]?.ok);
      assert.ok((await dv.writeBatch('accounts', [{ id: 'd', kind: 'delete', key }]))[0]?.ok);
      await waitFor(() => receiver.requests.length >= 3);
      const changes = receiver.requests.flatMap((r) => dv.parseEvent(r.body));
      assert.deepEqual(
        changes.map((c) => [c.entitySet, c.op, c.recordId]),
        [
          ['accounts', 'upsert', created.recordId],
          ['accounts', 'upsert', created.recordId],
          ['accounts', 'delete', created.recordId],
        ],
      );
      assert.deepEqual(changes[0]?.key, { accountnumber: 'WH-0001', _msdyn_company_value: companyId });
      assert.equal(changes[1]?.values?.name, 'Hook Co 2');
      assert.ok(changes.every((c) => typeof c.changedBy === 'string' && typeof c.changedAt === 'string'));
    } finally {
      await admin('DELETE', 'registrations');
      await receiver.close();
    }
  });

  it('token refresh: refreshed ahead of expiry with one request, and a token the service rejects (401) is replaced', async () => {
    let clockOffset = 0;
    const short = await startDataverseSandbox({ port: 0, dbFile: ':memory:', seed: { seed: 1, accounts: 3, contacts: 0, vendors: 0, products: 0, salesOrders: 0 }, tokenLifetimeSeconds: 3, now: () => Date.now() + clockOffset });
    const dv = new DataverseConnector({ url: short.url, tenantId: 'sandbox', tokenUrl: short.tokenUrl, clientId: 'dualwrite-sandbox', clientSecret: 'sandbox-secret', companies: ['usmf'], tokenRefreshSkewMs: 2000 });
    try {
      await Promise.all(Array.from({ length: 5 }, () => dv.readPage({ entitySet: 'accounts' })));
      assert.equal(dv.tokens.requests, 1, 'concurrent first calls share one token request');
      const firstExpiry = dv.tokens.expiresAt as number;
      // Refresh point: half the 3 s lifetime (the skew is clamped for short-lived tokens).
      await waitFor(() => Date.now() >= firstExpiry - 1500 + 20);
      await Promise.all(Array.from({ length: 5 }, () => dv.readPage({ entitySet: 'accounts' })));
      await waitFor(() => dv.tokens.requests === 2 && (dv.tokens.expiresAt as number) > firstExpiry);
      clockOffset = 600_000; // the service now considers our cached token expired
      const page = await dv.readPage({ entitySet: 'accounts' });
      assert.equal(page.rows.length, 3);
      assert.equal(dv.tokens.requests, 3, 'one new token after the 401');
    } finally {
      await dv.close();
      await short.stop();
    }
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
