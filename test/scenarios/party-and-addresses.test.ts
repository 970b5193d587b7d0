import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startSyncWorld } from '../harness/sync-world';
import { enable, settled } from '../sync/helpers';
import { bind, dataverseId, readAll, rowsAppear, SMALL_FINOPS_SEED, write } from './support';

/**
 * Party and multiple addresses: the global address book (parties, postal addresses with roles,
 * email and phone) and the customers that belong to those parties, end to end.
 */
test('party and multiple addresses: parties, postal and electronic addresses with roles, contacts of customers and vendors', async (t) => {
  const world = await startSyncWorld({ companies: ['usmf'], finopsSeed: SMALL_FINOPS_SEED });
  const fo = world.users.finops;
  const dv = world.users.dataverse;

  await world.withWorker(async () => {
    const order = (await enable(world, { maps: ['customers-v3-accounts', 'cds-party-postal-addresses', 'party-contacts', 'contacts-for-customers', 'contacts-for-vendors'], initialSync: { master: 'finops', pageSize: 200 } })).flat();
    assert.ok(order.indexOf('cds-parties') < order.indexOf('cds-party-postal-addresses'), `parties before their addresses: ${JSON.stringify(order)}`);
    assert.ok(order.indexOf('cds-parties') < order.indexOf('party-contacts'), `parties before their contact information: ${JSON.stringify(order)}`);

    const [customer] = await readAll(fo, 'CustomersV3', "PartyType eq 'Organization'", 'usmf');
    const party = String(customer!.PartyNumber);
    const partyId = () => dataverseId(world, 'msdyn_parties', 'msdyn_partyid', `msdyn_partynumber eq '${party}'`);

    await t.test('a seeded customer has one party with three addresses (business, delivery, invoice), an email and a phone', async () => {
      const account = (await rowsAppear(dv, 'accounts', `accountnumber eq '${String(customer!.CustomerAccount)}'`))[0]!;
      assert.equal(account.msdyn_partynumber, party, 'the account names its party');
      const [row] = await rowsAppear(dv, 'msdyn_parties', `msdyn_partynumber eq '${party}'`);
      assert.equal(row!.msdyn_partytype, 192350002, 'organization');
      const addresses = await rowsAppear(dv, 'msdyn_partypostaladdresses', `_msdyn_partyid_value eq ${await partyId()}`, 3);
      assert.deepEqual(addresses.map((a) => [a.msdyn_addressroles, a.msdyn_isprimary]).sort(), [['Business', true], ['Delivery', false], ['Invoice', false]]);
      const electronic = await rowsAppear(dv, 'msdyn_partyelectronicaddresses', `_msdyn_partyid_value eq ${await partyId()}`, 2);
      assert.deepEqual(electronic.map((e) => e.msdyn_type).sort(), [192350001, 192350002], 'a phone and an email');
      assert.ok(electronic.some((e) => e.msdyn_locator === customer!.PrimaryContactEmail), 'the email is the customer\'s');
    });

    await t.test('a second delivery address added in Dataverse appears in F&O with its role', async () => {
      await write(dv, 'msdyn_partypostaladdresses', [{
        id: 'a', kind: 'upsert', key: { _msdyn_partyid_value: await partyId(), msdyn_locationid: `${party}-9` },
        values: {
          'msdyn_partyid@odata.bind': await bind(world, 'msdyn_parties', { msdyn_partynumber: party }),
          msdyn_name: 'Warehouse door', msdyn_street: '1 Loading Bay', msdyn_city: 'Redmond', msdyn_zippostalcode: '98052', msdyn_countryregionid: 'USA',
          msdyn_addressroles: 'Delivery', msdyn_isprimary: false,
        },
      }]);
      const [address] = await rowsAppear(fo, 'CDSPartyPostalAddresses', `PartyNumber eq '${party}' and PartyLocationId eq '${party}-9'`);
      assert.deepEqual([address!.Street, address!.City, address!.Roles, address!.IsPrimary], ['1 Loading Bay', 'Redmond', 'Delivery', 'No']);
      const all = await readAll(fo, 'CDSPartyPostalAddresses', `PartyNumber eq '${party}'`);
      assert.equal(all.filter((a) => a.Roles === 'Delivery').length, 2, 'the customer now has two delivery addresses');
    });

    await t.test('an email added in F&O for invoices appears in Dataverse', async () => {
      await write(fo, 'PartyContactsV3', [
        { id: 'e', kind: 'upsert', mode: 'create', key: { PartyNumber: party, ElectronicAddressId: `${party}-AP` }, values: { Description: 'Accounts payable', Type: 'Email', Locator: 'ap@example.com', Purpose: 'Invoice', IsPrimary: 'No' } },
      ]);
      const [email] = await rowsAppear(dv, 'msdyn_partyelectronicaddresses', `msdyn_electronicaddressid eq '${party}-AP'`);
      assert.deepEqual([email!.msdyn_type, email!.msdyn_locator, email!.msdyn_purpose, email!._msdyn_partyid_value], [192350002, 'ap@example.com', 'Invoice', await partyId()]);
    });

    await t.test('contact persons are linked to their customer\'s account and their vendor', async () => {
      const people = await readAll(fo, 'ContactPersonsV2', "ContactPersonId ne ''", 'usmf');
      const ofCustomer = people.find((p) => p.AssociatedContactType === 'Customer')!;
      const ofVendor = people.find((p) => p.AssociatedContactType === 'Vendor')!;
      const [customerContact] = await rowsAppear(dv, 'contacts', `msdyn_contactpersonid eq '${String(ofCustomer.ContactPersonId)}'`);
      assert.equal(customerContact!._parentcustomerid_value, await dataverseId(world, 'accounts', 'accountid', `accountnumber eq '${String(ofCustomer.CustomerAccount)}'`));
      assert.deepEqual([customerContact!.msdyn_contactforvendor, customerContact!.msdyn_sellable], [false, false]);
      const [vendorContact] = await rowsAppear(dv, 'contacts', `msdyn_contactpersonid eq '${String(ofVendor.ContactPersonId)}'`);
      assert.equal(vendorContact!._msdyn_vendor_value, await dataverseId(world, 'msdyn_vendors', 'msdyn_vendorid', `msdyn_vendoraccountnumber eq '${String(ofVendor.VendorAccount)}'`));
      assert.equal(vendorContact!.msdyn_contactforvendor, true);

      // A new contact at the vendor, entered in Dataverse, becomes a vendor contact person in F&O.
      await write(dv, 'contacts', [{
        id: 'c', kind: 'upsert', key: { msdyn_contactpersonid: 'US-CP-0900', _msdyn_company_value: 'usmf' },
        values: {
          firstname: 'Diego', lastname: 'Siciliani', jobtitle: 'Dispatcher', emailaddress1: 'diego@vendor.example', msdyn_contactforvendor: true, msdyn_sellable: false,
          'msdyn_company@odata.bind': await bind(world, 'cdm_companies', { cdm_companycode: 'USMF' }),
          'msdyn_vendor@odata.bind': await bind(world, 'msdyn_vendors', { msdyn_vendoraccountnumber: String(ofVendor.VendorAccount), _msdyn_company_value: 'usmf' }),
        },
      }]);
      const [created] = await rowsAppear(fo, 'ContactPersonsV2', "ContactPersonId eq 'US-CP-0900'", 1, 'usmf');
      assert.deepEqual([created!.AssociatedContactType, created!.VendorAccount, created!.LastName, created!.JobTitle], ['Vendor', ofVendor.VendorAccount, 'Siciliani', 'Dispatcher']);
    });

    await t.test('nothing is left in the error queue', async () => {
      for (const map of ['cds-parties', 'cds-party-postal-addresses', 'party-contacts', 'contacts-for-customers', 'contacts-for-vendors']) {
        await settled(world, map);
        const open = (await world.store.errors.list({ map, status: 'open' })).items;
        assert.deepEqual(open.map((e) => `${e.class}: ${e.message}`), [], `${map} has no open errors`);
      }
    });
  });
});
