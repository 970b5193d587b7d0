import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestSandbox } from './test-support';
import type { TestSandbox } from './test-support';

type Err = { error: { code: string; message: string } };
const LOGICAL_NAME = '_customerid_value@Microsoft.Dynamics.CRM.lookuplogicalname';

/** customerid (orders, quotes, invoices), parentcustomerid (contacts) and objectid (notes) point at an account or a contact. */
describe('Dataverse sandbox: polymorphic lookups', () => {
  let t: TestSandbox;
  let accountId: string;
  let contactId: string;
  before(async () => {
    t = await startTestSandbox();
    const account = await t.json(await t.dv('accounts', { method: 'POST', headers: { prefer: 'return=representation' }, body: JSON.stringify({ name: 'Org', accountnumber: 'POLY-A' }) }));
    const contact = await t.json(await t.dv('contacts', { method: 'POST', headers: { prefer: 'return=representation' }, body: JSON.stringify({ firstname: 'Pat', lastname: 'Person' }) }));
    accountId = String(account.accountid);
    contactId = String(contact.contactid);
  });
  after(() => t.sb.stop());

  const order = async (number: string, bind: Record<string, string>): Promise<Response> =>
    t.dv('salesorders', { method: 'POST', headers: { prefer: 'return=representation' }, body: JSON.stringify({ ordernumber: number, name: number, ...bind }) });

  it('binds through either navigation property and reads back _customerid_value with its table when annotations are asked for', async () => {
    const toContact = await order('PO-C', { 'customerid_contact@odata.bind': `/contacts(${contactId})` });
    assert.equal(toContact.status, 201);
    const toAccount = await order('PO-A', { 'customerid_account@odata.bind': `/accounts(${accountId})` });
    assert.equal(toAccount.status, 201);

    const plain = await t.json<{ value: Record<string, unknown>[] }>(await t.dv("salesorders?$select=ordernumber,_customerid_value&$filter=startswith(ordernumber,'PO-')&$orderby=ordernumber"));
    assert.deepEqual(plain.value.map((r) => [r.ordernumber, r._customerid_value, LOGICAL_NAME in r]), [['PO-A', accountId, false], ['PO-C', contactId, false]]);

    for (const prefer of ['odata.include-annotations="*"', 'odata.include-annotations="Microsoft.Dynamics.CRM.lookuplogicalname"']) {
      const res = await t.dv("salesorders?$select=ordernumber,_customerid_value&$filter=startswith(ordernumber,'PO-')&$orderby=ordernumber", { headers: { prefer } });
      const annotated = await t.json<{ value: Record<string, unknown>[] }>(res);
      assert.deepEqual(annotated.value.map((r) => [r.ordernumber, r[LOGICAL_NAME]]), [['PO-A', 'account'], ['PO-C', 'contact']], prefer);
    }
    const id = String((await t.json(toContact)).salesorderid);
    const single = await t.json(await t.dv(`salesorders(${id})?$select=_customerid_value`, { headers: { prefer: 'odata.include-annotations="*"' } }));
    assert.deepEqual([single._customerid_value, single[LOGICAL_NAME]], [contactId, 'contact']);
  });

  it('moves the lookup from one table to the other on update', async () => {
    const created = await t.json(await order('PO-MOVE', { 'customerid_account@odata.bind': `/accounts(${accountId})` }));
    const id = String(created.salesorderid);
    const res = await t.dv(`salesorders(${id})`, { method: 'PATCH', body: JSON.stringify({ 'customerid_contact@odata.bind': `/contacts(${contactId})` }) });
    assert.equal(res.status, 204);
    const got = await t.json(await t.dv(`salesorders(${id})?$select=_customerid_value`, { headers: { prefer: 'odata.include-annotations="*"' } }));
    assert.deepEqual([got._customerid_value, got[LOGICAL_NAME]], [contactId, 'contact']);
  });

  it('refuses a GUID of neither table, a row of the other table, and two bindings of one lookup', async () => {
    const missing = await order('PO-X1', { 'customerid_contact@odata.bind': '/contacts(00000000-0000-0000-0000-0000000000aa)' });
    assert.equal(missing.status, 400);
    assert.match((await t.json<Err>(missing)).error.message, /contact With Id = 00000000-0000-0000-0000-0000000000aa Does Not Exist/);
    const crossed = await order('PO-X2', { 'customerid_account@odata.bind': `/contacts(${contactId})` });
    assert.equal(crossed.status, 400);
    assert.match((await t.json<Err>(crossed)).error.message, /must reference accounts/);
    const contactAsAccount = await order('PO-X3', { 'customerid_account@odata.bind': `/accounts(${contactId})` });
    assert.equal(contactAsAccount.status, 400);
    const twice = await order('PO-X4', { 'customerid_account@odata.bind': `/accounts(${accountId})`, 'customerid_contact@odata.bind': `/contacts(${contactId})` });
    assert.equal(twice.status, 400);
    assert.match((await t.json<Err>(twice)).error.message, /set more than once/);
    const readOnly = await order('PO-X5', { _customerid_value: accountId });
    assert.equal(readOnly.status, 400);
    assert.match((await t.json<Err>(readOnly)).error.message, /customerid_account@odata\.bind.*or.*customerid_contact@odata\.bind/);
  });

  it('keeps a note\'s objecttypecode in step with the table its objectid points to', async () => {
    const note = await t.json(await t.dv('annotations', { method: 'POST', headers: { prefer: 'return=representation' }, body: JSON.stringify({ subject: 'hi', 'objectid_contact@odata.bind': `/contacts(${contactId})` }) }));
    assert.deepEqual([note._objectid_value, note.objecttypecode], [contactId, 'contact']);
  });

  it('declares a navigation property per target in $metadata', async () => {
    const xml = await (await t.dv('$metadata')).text();
    const salesorder = /<EntityType Name="salesorder">[\s\S]*?<\/EntityType>/.exec(xml)?.[0] ?? '';
    assert.match(salesorder, /<NavigationProperty Name="customerid_account" Type="mscrm\.account"><ReferentialConstraint Property="_customerid_value" ReferencedProperty="accountid"\/>/);
    assert.match(salesorder, /<NavigationProperty Name="customerid_contact" Type="mscrm\.contact"><ReferentialConstraint Property="_customerid_value" ReferencedProperty="contactid"\/>/);
    assert.match(xml, /<EntitySet Name="salesorders"[^>]*>[^\n]*<NavigationPropertyBinding Path="customerid_contact" Target="contacts"\/>/);
  });
});
