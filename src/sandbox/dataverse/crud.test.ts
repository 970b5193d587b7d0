import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestSandbox } from './test-support';
import type { TestSandbox } from './test-support';

type Err = { error: { code: string; message: string } };

describe('Dataverse sandbox: create, read, upsert, delete', () => {
  let t: TestSandbox;
  let usmf: string;
  before(async () => {
    t = await startTestSandbox();
    usmf = await t.companyId('USMF');
  });
  after(() => t.sb.stop());

  it('POST answers 204 with OData-EntityId, or 201 with the row on return=representation', async () => {
    const res = await t.dv('accounts', { method: 'POST', body: JSON.stringify({ name: 'Plain', accountnumber: 'T-1', 'msdyn_company@odata.bind': `/cdm_companies(${usmf})` }) });
    assert.equal(res.status, 204);
    const entityId = res.headers.get('odata-entityid') ?? '';
    assert.match(entityId, /\/api\/data\/v9\.2\/accounts\([0-9a-f-]{36}\)$/);
    const got = await t.json(await t.dv(entityId));
    assert.equal(got.name, 'Plain');
    assert.equal(got._msdyn_company_value, usmf);
    assert.equal(got.statecode, 0);
    assert.equal(got.statuscode, 1);
    assert.match(String(got['@odata.etag']), /^W\/"\d+"$/);

    const rep = await t.dv('accounts?$select=name,accountnumber', { method: 'POST', headers: { prefer: 'return=representation' }, body: JSON.stringify({ name: 'Rep', accountnumber: 'T-2' }) });
    assert.equal(rep.status, 201);
    assert.equal(rep.headers.get('preference-applied'), 'return=representation');
    assert.equal(rep.headers.get('odata-entityid'), null);
    const body = await t.json(rep);
    assert.deepEqual(Object.keys(body).sort(), ['@odata.context', '@odata.etag', 'accountid', 'accountnumber', 'name']);
  });

  it('GET by id and by alternate key (with the company lookup), 404 when missing, 304 on a current etag', async () => {
    const created = await t.json(await t.dv('accounts', { method: 'POST', headers: { prefer: 'return=representation' }, body: JSON.stringify({ name: 'Keyed', accountnumber: 'K-1', 'msdyn_company@odata.bind': `/cdm_companies(cdm_companycode='USMF')` }) }));
    const byKey = await t.dv(`accounts(accountnumber='K-1',_msdyn_company_value=${usmf})?$select=name`);
    assert.equal(byKey.status, 200);
    const row = await t.json(byKey);
    assert.equal(row.accountid, created.accountid);
    const etag = byKey.headers.get('etag') ?? '';
    assert.equal((await t.dv(`accounts(${String(created.accountid)})`, { headers: { 'if-none-match': etag } })).status, 304);
    assert.equal((await t.dv(`accounts(accountid=${String(created.accountid)})`)).status, 200);
    const missing = await t.dv('accounts(00000000-0000-0000-0000-000000000001)');
    assert.equal(missing.status, 404);
    assert.equal((await t.json<Err>(missing)).error.message, 'account With Id = 00000000-0000-0000-0000-000000000001 Does Not Exist');
    const wrongKey = await t.dv(`accounts(name='Keyed')`);
    assert.equal(wrongKey.status, 400);
    assert.match((await t.json<Err>(wrongKey)).error.message, /The key in the request URI is not valid for resource 'Microsoft\.Dynamics\.CRM\.account'/);
    assert.equal((await t.dv(`accounts(accountnumber='%E0%A4%A',_msdyn_company_value=${usmf})`)).status, 400, 'bad percent-encoding is a 400, not a crash');
    const unknownSet = await t.dv('nothings');
    assert.equal(unknownSet.status, 404);
    assert.equal((await t.json<Err>(unknownSet)).error.message, "Resource not found for the segment 'nothings'.");
  });

  it('PATCH upserts: creates then updates through the alternate key, 204 both times', async () => {
    const url = `accounts(accountnumber='UP-1',_msdyn_company_value=${usmf})`;
    const first = await t.dv(url, { method: 'PATCH', body: JSON.stringify({ name: 'Upserted' }) });
    assert.equal(first.status, 204);
    assert.match(first.headers.get('odata-entityid') ?? '', /accounts\(accountnumber='UP-1',_msdyn_company_value=[0-9a-f-]{36}\)$/);
    const created = await t.json(await t.dv(url));
    assert.equal(created.name, 'Upserted');
    assert.equal(created.accountnumber, 'UP-1');
    assert.equal(created._msdyn_company_value, usmf);
    const second = await t.dv(url, { method: 'PATCH', headers: { prefer: 'return=representation' }, body: JSON.stringify({ name: 'Upserted again', accountnumber: 'IGNORED' }) });
    assert.equal(second.status, 200);
    const updated = await t.json(second);
    assert.equal(updated.name, 'Upserted again');
    assert.equal(updated.accountnumber, 'UP-1', 'alternate key values in the body are ignored on update');
    assert.ok(Number(updated.versionnumber) > Number(created.versionnumber));
    const third = await t.dv(`accounts(accountnumber='UP-2',_msdyn_company_value=${usmf})`, { method: 'PATCH', headers: { prefer: 'return=representation' }, body: JSON.stringify({ name: 'New' }) });
    assert.equal(third.status, 201);
  });

  it('If-Match: * is update-only (404), If-None-Match: * is create-only (412), a stale etag is 412', async () => {
    const absent = await t.dv('accounts(00000000-0000-0000-0000-000000000002)', { method: 'PATCH', headers: { 'if-match': '*' }, body: JSON.stringify({ name: 'x' }) });
    assert.equal(absent.status, 404);
    assert.equal((await t.json<Err>(absent)).error.message, 'account With Id = 00000000-0000-0000-0000-000000000002 Does Not Exist');
    assert.equal((await t.dv('accounts(00000000-0000-0000-0000-000000000002)')).status, 404, 'nothing was created');

    const made = await t.dv('accounts(00000000-0000-0000-0000-000000000003)', { method: 'PATCH', headers: { 'if-none-match': '*' }, body: JSON.stringify({ name: 'create only' }) });
    assert.equal(made.status, 204);
    const again = await t.dv('accounts(00000000-0000-0000-0000-000000000003)', { method: 'PATCH', headers: { 'if-none-match': '*' }, body: JSON.stringify({ name: 'again' }) });
    assert.equal(again.status, 412);
    assert.equal((await t.json<Err>(again)).error.message, 'A record with matching key values already exists.');

    const current = await t.dv('accounts(00000000-0000-0000-0000-000000000003)');
    const etag = current.headers.get('etag') ?? '';
    assert.equal((await t.dv('accounts(00000000-0000-0000-0000-000000000003)', { method: 'PATCH', headers: { 'if-match': etag }, body: JSON.stringify({ name: 'v2' }) })).status, 204);
    const stale = await t.dv('accounts(00000000-0000-0000-0000-000000000003)', { method: 'PATCH', headers: { 'if-match': etag }, body: JSON.stringify({ name: 'v3' }) });
    assert.equal(stale.status, 412);
    assert.equal((await t.json<Err>(stale)).error.message, "The version of the existing record doesn't match the RowVersion property provided.");
    const staleDelete = await t.dv('accounts(00000000-0000-0000-0000-000000000003)', { method: 'DELETE', headers: { 'if-match': etag } });
    assert.equal(staleDelete.status, 412);
  });

  it('@odata.bind to a missing row is a clear 400; lookups read back as _x_value', async () => {
    const res = await t.dv('accounts', { method: 'POST', body: JSON.stringify({ name: 'Orphan', 'msdyn_company@odata.bind': '/cdm_companies(00000000-0000-0000-0000-0000000000ff)' }) });
    assert.equal(res.status, 400);
    assert.match((await t.json<Err>(res)).error.message, /msdyn_company@odata\.bind.*cdm_company With Id = 00000000-0000-0000-0000-0000000000ff Does Not Exist/);
    const byKey = await t.dv('accounts', { method: 'POST', body: JSON.stringify({ name: 'Orphan', 'msdyn_company@odata.bind': "/cdm_companies(cdm_companycode='NOPE')" }) });
    assert.equal(byKey.status, 400);
    const wrongSet = await t.dv('accounts', { method: 'POST', body: JSON.stringify({ name: 'x', 'msdyn_company@odata.bind': `/accounts(${usmf})` }) });
    assert.match((await t.json<Err>(wrongSet)).error.message, /must reference cdm_companies/);
    const direct = await t.dv('accounts', { method: 'POST', body: JSON.stringify({ name: 'x', _msdyn_company_value: usmf }) });
    assert.equal(direct.status, 400);
    assert.match((await t.json<Err>(direct)).error.message, /msdyn_company@odata\.bind/);
    const contact = await t.json(await t.dv('contacts', { method: 'POST', headers: { prefer: 'return=representation' }, body: JSON.stringify({ firstname: 'Ada', lastname: 'Lovelace', 'parentcustomerid_account@odata.bind': `${t.sb.serviceRoot}accounts(accountnumber='K-1',_msdyn_company_value=${usmf})` }) }));
    assert.equal(contact.fullname, 'Ada Lovelace');
    assert.match(String(contact._parentcustomerid_value), /^[0-9a-f-]{36}$/);
    const unbound = await t.json(await t.dv(`contacts(${String(contact.contactid)})`, { method: 'PATCH', headers: { prefer: 'return=representation' }, body: JSON.stringify({ 'parentcustomerid_account@odata.bind': null }) }));
    assert.equal(unbound._parentcustomerid_value, null);
  });

  it('validates bodies with the service messages', async () => {
    const long = await t.dv('accounts', { method: 'POST', body: JSON.stringify({ name: 'x'.repeat(161) }) });
    assert.equal(long.status, 400);
    assert.equal((await t.json<Err>(long)).error.message, "A validation error occurred.  The length of the 'name' attribute of the 'account' entity exceeded the maximum allowed length of '160'.");
    const unknown = await t.dv('accounts', { method: 'POST', body: JSON.stringify({ name: 'x', nosuch: 1 }) });
    assert.match((await t.json<Err>(unknown)).error.message, /The property 'nosuch' does not exist on type 'Microsoft\.Dynamics\.CRM\.account'/);
    const option = await t.dv('accounts', { method: 'POST', body: JSON.stringify({ name: 'x', accountcategorycode: 9 }) });
    assert.match((await t.json<Err>(option)).error.message, /outside the valid range\. Accepted Values: 1,2/);
    const type = await t.dv('accounts', { method: 'POST', body: JSON.stringify({ name: 'x', creditlimit: 'lots' }) });
    assert.match((await t.json<Err>(type)).error.message, /Cannot convert the literal 'lots' to the expected type 'Edm\.Decimal'/);
    const required = await t.dv('accounts', { method: 'POST', body: JSON.stringify({ accountnumber: 'no name' }) });
    assert.match((await t.json<Err>(required)).error.message, /'name' attribute of the 'account' entity is required/);
    const state = await t.dv('accounts', { method: 'POST', body: JSON.stringify({ name: 'x', statecode: 0, statuscode: 2 }) });
    assert.match((await t.json<Err>(state)).error.message, /not a valid status code/);
    const notJson = await t.dv('accounts', { method: 'POST', body: '{oops' });
    assert.equal(notJson.status, 400);
    const dup = await t.dv('accounts', { method: 'POST', body: JSON.stringify({ name: 'dup', accountnumber: 'K-1', 'msdyn_company@odata.bind': `/cdm_companies(${usmf})` }) });
    assert.equal(dup.status, 412);
    assert.match((await t.json<Err>(dup)).error.message, /requires that this set of attributes contains unique values/);
  });

  it('DELETE answers 204, then 404', async () => {
    const res = await t.dv('accounts', { method: 'POST', body: JSON.stringify({ name: 'Doomed' }) });
    const url = res.headers.get('odata-entityid') ?? '';
    assert.equal((await t.dv(url, { method: 'DELETE' })).status, 204);
    assert.equal((await t.dv(url, { method: 'DELETE' })).status, 404);
    assert.equal((await t.dv(url)).status, 404);
  });

  it('serves $metadata with keys and alternate keys, and the service document', async () => {
    const xml = await (await t.dv('$metadata')).text();
    assert.match(xml, /<EntityType Name="account">\s*<Key><PropertyRef Name="accountid"\/><\/Key>/);
    assert.match(xml, /OData\.Community\.Keys\.V1\.AlternateKeys[\s\S]*PropertyPath="accountnumber"[\s\S]*PropertyPath="_msdyn_company_value"/);
    assert.match(xml, /<NavigationProperty Name="msdyn_company" Type="mscrm\.cdm_company">/);
    const doc = await t.json<{ value: { name: string }[] }>(await t.dv(''));
    assert.ok(doc.value.some((v) => v.name === 'salesorderdetails'));
  });
});
