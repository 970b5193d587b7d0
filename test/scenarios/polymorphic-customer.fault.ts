import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startSyncWorld } from '../harness/sync-world';
import { enable, settled } from '../sync/helpers';
import { readAll, rowsAppear, SMALL_FINOPS_SEED, write } from './support';

/**
 * ENGINE / SCHEMA FAULT (kept out of `npm test`; run with
 * `node --import tsx --test test/scenarios/polymorphic-customer.fault.ts`).
 *
 * Dataverse's customerid (salesorders, quotes, invoices), parentcustomerid (contacts) and
 * objectid (annotations) are polymorphic: they point at an account OR a contact. F&O customers
 * that are persons sync to contacts (customers-v3-contacts), organizations to accounts. A lookup
 * column in a map names one map (`lookup.map: customers-v3-accounts`), and an EntitySetSchema
 * lookup names one target table, so an order of a person customer can never resolve its
 * customer: it stays deferred as a missing lookup forever ("couldn't resolve customerid: no
 * accounts with ..."). `npm start` shows this on sales-order-headers for the seeded orders of
 * person customers. Expected: a lookup may name several maps (tried in order, or chosen by a
 * discriminator such as PartyType), the schema declares every target with its navigation
 * property (customerid_account, customerid_contact), and the Dataverse -> F&O direction reads
 * whichever side is set.
 */
test('an order of a person customer reaches Dataverse with its customer set to the contact', async () => {
  const world = await startSyncWorld({ companies: ['usmf'], finopsSeed: { ...SMALL_FINOPS_SEED, customers: 30 } });
  const fo = world.users.finops;
  await world.withWorker(async () => {
    await enable(world, { maps: ['customers-v3-contacts', 'sales-order-headers'], initialSync: { master: 'finops', pageSize: 200 } });
    const [person] = await readAll(fo, 'CustomersV3', "PartyType eq 'Person'", 'usmf');
    assert.ok(person, 'the seed has a person customer in usmf');
    await write(fo, 'SalesOrderHeadersV2', [
      { id: 'h', kind: 'upsert', mode: 'create', key: { dataAreaId: 'usmf', SalesOrderNumber: 'SO-ZX0002' }, values: { OrderingCustomerAccountNumber: person.CustomerAccount, CurrencyCode: 'USD' } },
    ]);
    const [contact] = await rowsAppear(world.users.dataverse, 'contacts', `msdyn_contactpersonid eq '${String(person.CustomerAccount)}'`);
    const [order] = await rowsAppear(world.users.dataverse, 'salesorders', "ordernumber eq 'SO-ZX0002'", 1, undefined, 15_000);
    assert.equal(order!._customerid_value, contact!.contactid);
    await settled(world, 'sales-order-headers');
  });
});
