import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startSyncWorld } from '../harness/sync-world';
import { enable, settled } from '../sync/helpers';
import { bind, dataverseId, readAll, rowsAppear, SMALL_FINOPS_SEED, write } from './support';

/**
 * Polymorphic customers. Dataverse's customerid (salesorders, quotes, invoices), parentcustomerid
 * (contacts) and objectid (annotations) point at an account OR a contact; F&O customers that are
 * persons sync to contacts (customers-v3-contacts), organizations to accounts
 * (customers-v3-accounts). The standard maps name both maps in the lookup
 * (`lookup.map: ["customers-v3-accounts", "customers-v3-contacts"]`, tried in order): an order of
 * a person customer binds its customer through customerid_contact, one of an organization
 * through customerid_account, and an order taken in Dataverse for a contact reaches F&O with the
 * person's customer account.
 */
test('orders of person and organization customers resolve their customer both ways', async (t) => {
  const world = await startSyncWorld({ companies: ['usmf'], finopsSeed: { ...SMALL_FINOPS_SEED, customers: 30 } });
  const fo = world.users.finops;
  const dv = world.users.dataverse;
  await world.withWorker(async () => {
    await enable(world, { maps: ['customers-v3-contacts', 'sales-order-headers'], initialSync: { master: 'finops', pageSize: 200 } });
    const [person] = await readAll(fo, 'CustomersV3', "PartyType eq 'Person'", 'usmf');
    const [organization] = await readAll(fo, 'CustomersV3', "PartyType eq 'Organization'", 'usmf');
    assert.ok(person && organization, 'the seed has a person and an organization customer in usmf');
    const [contact] = await rowsAppear(dv, 'contacts', `msdyn_contactpersonid eq '${String(person.CustomerAccount)}'`);

    await t.test('F&O -> Dataverse: the person\'s order binds the contact, the organization\'s the account', async () => {
      await write(fo, 'SalesOrderHeadersV2', [
        { id: 'p', kind: 'upsert', mode: 'create', key: { dataAreaId: 'usmf', SalesOrderNumber: 'SO-ZX0002' }, values: { OrderingCustomerAccountNumber: person.CustomerAccount, CurrencyCode: 'USD' } },
        { id: 'o', kind: 'upsert', mode: 'create', key: { dataAreaId: 'usmf', SalesOrderNumber: 'SO-ZX0003' }, values: { OrderingCustomerAccountNumber: organization.CustomerAccount, CurrencyCode: 'USD' } },
      ]);
      const [personOrder] = await rowsAppear(dv, 'salesorders', "ordernumber eq 'SO-ZX0002'", 1, undefined, 15_000);
      assert.equal(personOrder!._customerid_value, contact!.contactid);
      const [organizationOrder] = await rowsAppear(dv, 'salesorders', "ordernumber eq 'SO-ZX0003'", 1, undefined, 15_000);
      const accountId = await dataverseId(world, 'accounts', 'accountid', `accountnumber eq '${String(organization.CustomerAccount)}'`);
      assert.equal(organizationOrder!._customerid_value, accountId);
      await settled(world, 'sales-order-headers');
    });

    await t.test('Dataverse -> F&O: an order taken for a contact reaches F&O with the person\'s customer account', async () => {
      await write(dv, 'salesorders', [{
        id: 'h', kind: 'upsert', key: { ordernumber: 'SO-ZX0004', _msdyn_company_value: 'usmf' },
        values: {
          name: 'Taken in Sales for a person',
          'msdyn_company@odata.bind': await bind(world, 'cdm_companies', { cdm_companycode: 'USMF' }),
          'customerid_contact@odata.bind': `/contacts(${String(contact!.contactid)})`,
          'transactioncurrencyid@odata.bind': await bind(world, 'transactioncurrencies', { isocurrencycode: 'USD' }),
        },
      }]);
      const [header] = await rowsAppear(fo, 'SalesOrderHeadersV2', "SalesOrderNumber eq 'SO-ZX0004'", 1, 'usmf');
      assert.equal(header!.OrderingCustomerAccountNumber, person.CustomerAccount);
      await settled(world, 'sales-order-headers');
      const open = (await world.store.errors.list({ map: 'sales-order-headers', status: 'open' })).items;
      assert.deepEqual(open.map((e) => e.message), [], 'nothing deferred or failed');
    });
  });
});
