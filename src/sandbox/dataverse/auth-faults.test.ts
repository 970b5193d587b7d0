import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { connect } from 'node:net';
import { startTestSandbox } from './test-support';
import type { TestSandbox } from './test-support';

function tcpRefused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(false);
    });
    s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code === 'ECONNREFUSED'));
  });
}

describe('Dataverse sandbox: token endpoint, bearer check, faults', () => {
  let t: TestSandbox;
  let clock = Date.now();
  before(async () => {
    t = await startTestSandbox({ tokenLifetimeSeconds: 60, now: () => clock });
  });
  after(() => t.sb.stop());

  const tokenRequest = (form: Record<string, string>) =>
    fetch(t.sb.tokenUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString() });

  it('issues client-credentials tokens and rejects bad secrets in the Entra shape', async () => {
    const ok = await tokenRequest({ client_id: 'dualwrite-sandbox', client_secret: 'sandbox-secret', scope: `${t.sb.url}/.default`, grant_type: 'client_credentials' });
    assert.equal(ok.status, 200);
    const { access_token, expires_in, token_type } = (await ok.json()) as { access_token: string; expires_in: number; token_type: string };
    assert.equal(token_type, 'Bearer');
    assert.equal(expires_in, 60);
    assert.equal((await fetch(`${t.sb.serviceRoot}uoms?$top=1`, { headers: { authorization: `Bearer ${access_token}` } })).status, 200);
    const bad = await tokenRequest({ client_id: 'dualwrite-sandbox', client_secret: 'wrong', scope: `${t.sb.url}/.default`, grant_type: 'client_credentials' });
    assert.equal(bad.status, 401);
    const body = (await bad.json()) as { error: string; error_codes: number[] };
    assert.equal(body.error, 'invalid_client');
    assert.deepEqual(body.error_codes, [7000215]);
  });

  it('answers 401 in the Dataverse error shape for missing, bad and expired tokens', async () => {
    const missing = await fetch(`${t.sb.serviceRoot}accounts`);
    assert.equal(missing.status, 401);
    const mb = (await missing.json()) as { error: { code: string; message: string } };
    assert.match(mb.error.message, /No Authorization header/);
    assert.match(missing.headers.get('www-authenticate') ?? '', /^Bearer/);
    const bad = await fetch(`${t.sb.serviceRoot}accounts`, { headers: { authorization: 'Bearer not-a-token' } });
    assert.equal(bad.status, 401);
    const token = t.sb.token();
    clock += 61_000;
    const expired = await fetch(`${t.sb.serviceRoot}accounts`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(expired.status, 401);
    assert.match(((await expired.json()) as { error: { message: string } }).error.message, /expired/);
    clock -= 61_000; // back to the present, so the other tests' token stays valid
  });

  it('throttles with 429 and Retry-After above the configured rate, switched through /admin/faults', async () => {
    const set = await fetch(`${t.sb.url}/admin/faults`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ throttle: { maxRequestsPerSecond: 2, retryAfterSeconds: 3 } }) });
    assert.equal(set.status, 200);
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 4; i++) {
      last = await t.dv('uoms?$top=1');
      statuses.push(last.status);
      if (last.status !== 429) await last.text();
    }
    assert.deepEqual(statuses.slice(0, 2), [200, 200]);
    assert.equal(statuses[3], 429);
    assert.equal(last?.headers.get('retry-after'), '3');
    assert.equal(((await last?.json()) as { error: { code: string } }).error.code, '0x80072322');
    await fetch(`${t.sb.url}/admin/faults`, { method: 'DELETE' });
    assert.equal((await t.dv('uoms?$top=1')).status, 200);
  });

  it('injects 5xx errors at the configured rate', async () => {
    await fetch(`${t.sb.url}/admin/faults`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ errorRate: 1, errorStatus: 503 }) });
    assert.equal((await t.dv('uoms?$top=1')).status, 503);
    await fetch(`${t.sb.url}/admin/faults`, { method: 'DELETE' });
    assert.equal((await t.dv('uoms?$top=1')).status, 200);
  });

  it('refuses connections during an outage and serves again afterwards', async () => {
    const res = await fetch(`${t.sb.url}/admin/outage`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ durationMs: 400 }) });
    assert.equal(res.status, 202);
    await res.text();
    while (t.sb.server.isUp) await new Promise((r) => setTimeout(r, 5));
    assert.equal(await tcpRefused(t.sb.port), true);
    while (!t.sb.server.isUp) await new Promise((r) => setTimeout(r, 10));
    assert.equal((await t.dv('uoms?$top=1')).status, 200);
  });

  it('reports counts and checksums that change with content', async () => {
    const counts = (await (await fetch(`${t.sb.url}/admin/counts`)).json()) as Record<string, number>;
    assert.equal(counts.cdm_companies, 3);
    assert.equal(counts.accounts, 30);
    const sum1 = (await (await fetch(`${t.sb.url}/admin/checksum?entitySet=uoms`)).json()) as { uoms: { checksum: string } };
    await t.dv('uoms', { method: 'POST', body: JSON.stringify({ name: 'Pair', msdyn_symbol: 'pr' }) });
    const sum2 = (await (await fetch(`${t.sb.url}/admin/checksum?entitySet=uoms`)).json()) as { uoms: { checksum: string } };
    assert.notEqual(sum1.uoms.checksum, sum2.uoms.checksum);
  });
});
