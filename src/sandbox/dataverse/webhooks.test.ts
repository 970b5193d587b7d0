import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Hono } from 'hono';
import { SandboxHttpServer } from '../shared/faults';
import { startTestSandbox } from './test-support';
import type { TestSandbox } from './test-support';

interface Received {
  path: string;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

describe('Dataverse sandbox: webhooks', () => {
  let t: TestSandbox;
  const received: Received[] = [];
  let failNext = 0;
  let releaseHold: ((status: number) => void) | undefined;
  const receiverApp = new Hono();
  receiverApp.post('/hold', async (c) => {
    received.push({ path: 'hold', headers: {}, body: (await c.req.json()) as Record<string, unknown> });
    const status = await new Promise<number>((r) => (releaseHold = r));
    return c.json({ error: { message: 'held and refused' } }, status as 400);
  });
  receiverApp.post('/hook/:name', async (c) => {
    const headers: Record<string, string> = {};
    c.req.raw.headers.forEach((v, k) => (headers[k] = v));
    received.push({ path: c.req.param('name'), headers, body: (await c.req.json()) as Record<string, unknown> });
    if (c.req.param('name') === 'veto') return c.json({ error: 'Credit check refused this customer' }, 400);
    if (failNext > 0) {
      failNext--;
      return c.text('try later', 503);
    }
    return c.body(null, 200);
  });
  const receiver = new SandboxHttpServer(receiverApp);
  const admin = (path: string, body?: unknown) =>
    fetch(`${t.sb.url}/admin/${path}`, { method: body === undefined ? 'GET' : 'POST', headers: { 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const waitFor = async (cond: () => boolean) => {
    while (!cond()) await new Promise((r) => setTimeout(r, 5));
  };

  before(async () => {
    await receiver.listen(0);
    t = await startTestSandbox();
  });
  after(async () => {
    await t.sb.stop();
    await receiver.close();
  });

  it('posts a RemoteExecutionContext after commit for async steps, retrying failures', async () => {
    const reg = await admin('registrations', { url: `${receiver.url}/hook/async`, entitySet: 'contacts', messages: ['Create', 'Update'], mode: 'async', secretHeader: { name: 'x-hook-key', value: 's3' } });
    assert.equal(reg.status, 201);
    failNext = 2;
    received.length = 0;
    const res = await t.dv('contacts', { method: 'POST', body: JSON.stringify({ firstname: 'James', lastname: 'Glynn' }) });
    assert.equal(res.status, 204);
    const id = /\(([0-9a-f-]{36})\)$/.exec(res.headers.get('odata-entityid') ?? '')?.[1];
    await waitFor(() => received.length >= 3);
    await t.sb.delivery.idle();
    assert.equal(received.length, 3, 'two failures then a success');
    const last = received[2] as Received;
    assert.equal(last.headers['x-hook-key'], 's3');
    assert.equal(last.headers['x-ms-dynamics-entity-name'], 'contact');
    assert.equal(last.headers['x-ms-dynamics-request-name'], 'Create');
    const ctx = last.body;
    assert.equal(ctx.MessageName, 'Create');
    assert.equal(ctx.PrimaryEntityName, 'contact');
    assert.equal(ctx.PrimaryEntityId, id);
    assert.equal(ctx.Mode, 1);
    assert.equal(ctx.Stage, 40);
    assert.match(String(ctx.OperationCreatedOn), /^\/Date\(\d+\)\/$/);
    for (const k of ['InitiatingUserId', 'CorrelationId', 'UserId', 'OrganizationId', 'BusinessUnitId']) assert.match(String(ctx[k]), /^[0-9a-f-]{36}$/, k);
    const target = (ctx.InputParameters as { key: string; value: { Attributes: { key: string; value: unknown }[]; LogicalName: string } }[])[0];
    assert.equal(target?.key, 'Target');
    assert.equal(target?.value.LogicalName, 'contact');
    assert.deepEqual(target?.value.Attributes.find((a) => a.key === 'firstname')?.value, 'James');
    const log = (await (await admin('deliveries')).json()) as { value: { state: string; attempts: unknown[] }[] };
    assert.equal(log.value[0]?.state, 'delivered');
    assert.equal(log.value[0]?.attempts.length, 3);
    const regId = ((await reg.json()) as { id: string }).id;
    await fetch(`${t.sb.url}/admin/registrations/${regId}`, { method: 'DELETE' });
  });

  it('rolls back the operation and answers 400 with the message when a sync step fails', async () => {
    const reg = (await (await admin('registrations', { url: `${receiver.url}/hook/veto`, entitySet: 'accounts', messages: ['Create', 'Update', 'Delete'], mode: 'sync' })).json()) as { id: string };
    const before = await (await t.dv('accounts/$count')).text();
    received.length = 0;
    const res = await t.dv('accounts', { method: 'POST', body: JSON.stringify({ name: 'Vetoed', accountnumber: 'VETO-1' }) });
    assert.equal(res.status, 400);
    assert.deepEqual(await res.json(), { error: { code: '0x80040265', message: 'Credit check refused this customer' } });
    assert.equal(received.length, 1);
    assert.equal(received[0]?.body.Mode, 0);
    assert.equal(received[0]?.body.IsInTransaction, true);
    assert.equal(await (await t.dv('accounts/$count')).text(), before, 'nothing was written');
    assert.equal((await t.json<{ value: unknown[] }>(await t.dv("accounts?$filter=accountnumber eq 'VETO-1'"))).value.length, 0);

    const existing = (await t.json<{ value: { accountid: string; name: string }[] }>(await t.dv('accounts?$top=1&$select=name'))).value[0];
    const upd = await t.dv(`accounts(${existing?.accountid ?? ''})`, { method: 'PATCH', body: JSON.stringify({ name: 'Changed' }) });
    assert.equal(upd.status, 400);
    const after = await t.json<{ name: string }>(await t.dv(`accounts(${existing?.accountid ?? ''})?$select=name`));
    assert.equal(after.name, existing?.name, 'update rolled back');
    assert.equal((await t.dv(`accounts(${existing?.accountid ?? ''})`, { method: 'DELETE' })).status, 400);
    assert.equal((await t.dv(`accounts(${existing?.accountid ?? ''})`)).status, 200, 'delete rolled back');
    await fetch(`${t.sb.url}/admin/registrations/${reg.id}`, { method: 'DELETE' });
  });

  it('keeps a write that waits on a sync step invisible to other readers, then rolls it back', async () => {
    const reg = (await (await admin('registrations', { url: `${receiver.url}/hold`, entitySet: 'products', messages: ['Create'], mode: 'sync' })).json()) as { id: string };
    const tracked = await t.json<{ '@odata.deltaLink': string }>(await t.dv('products?$select=name', { headers: { prefer: 'odata.track-changes' } }));
    received.length = 0;
    const pending = t.dv('products', { method: 'POST', body: JSON.stringify({ productnumber: 'HELD-1', name: 'Held' }) });
    await waitFor(() => received.length === 1 && releaseHold !== undefined);
    const id = String(received[0]?.body.PrimaryEntityId);
    assert.equal((await t.dv(`products(${id})`)).status, 404, 'uncommitted row is not visible');
    assert.deepEqual((await t.json<{ value: unknown[] }>(await t.dv(tracked['@odata.deltaLink']))).value, []);
    releaseHold?.(400);
    const res = await pending;
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as { error: { message: string } }).error.message, 'held and refused');
    assert.equal((await t.dv(`products(${id})`)).status, 404);
    assert.deepEqual((await t.json<{ value: unknown[] }>(await t.dv(tracked['@odata.deltaLink']))).value, [], 'no phantom change after the rollback');
    await fetch(`${t.sb.url}/admin/registrations/${reg.id}`, { method: 'DELETE' });
  });

  it('lets a sync step that succeeds commit, and times out an unreachable one', async () => {
    const ok = (await (await admin('registrations', { url: `${receiver.url}/hook/ok`, entitySet: 'uoms', messages: ['Create'], mode: 'sync' })).json()) as { id: string };
    const res = await t.dv('uoms', { method: 'POST', body: JSON.stringify({ name: 'Dozen', msdyn_symbol: 'dz' }) });
    assert.equal(res.status, 204);
    await fetch(`${t.sb.url}/admin/registrations/${ok.id}`, { method: 'DELETE' });
    const dead = new SandboxHttpServer(new Hono());
    await dead.listen(0);
    const deadUrl = `${dead.url}/hook`;
    await dead.close();
    await admin('registrations', { url: deadUrl, entitySet: 'uoms', messages: ['Create'], mode: 'sync' });
    const failed = await t.dv('uoms', { method: 'POST', body: JSON.stringify({ name: 'Gross', msdyn_symbol: 'gr' }) });
    assert.equal(failed.status, 400);
    assert.match(((await failed.json()) as { error: { message: string } }).error.message, /could not be reached/);
  });
});
