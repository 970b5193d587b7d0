import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DataverseConnector } from '../../../src/connectors/dataverse/dataverse-connector';
import type { HttpEvent } from '../../../src/connectors/http/http-client';
import { loadStandardCatalog } from '../../../src/maps/catalog';
import { lookupRequests, planLookup, type LookupRequest } from '../../../src/maps/lookups';
import type { TableMap } from '../../../src/maps/schema';
import { DATAVERSE_ENTITY_SETS } from '../../../src/sandbox/dataverse/entities';
import { startDataverseSandbox, type DataverseSandbox } from '../../../src/sandbox/dataverse/server';
import { LookupResolver } from './lookup-resolver';

/** The resolver against the Dataverse sandbox: polymorphic (first-of) lookups of a batch, in rounds. */
describe('LookupResolver: lookups naming several maps', () => {
  let sb: DataverseSandbox;
  let connector: DataverseConnector;
  const events: HttpEvent[] = [];
  const catalog = loadStandardCatalog().maps;
  const orders = catalog.find((m) => m.name === 'sales-order-headers') as TableMap;
  const customer = orders.columns.find((c) => c.dataverse === 'customerid')!;
  const mapsByName = new Map(catalog.map((m) => [m.name, m]));
  const ids: Record<string, string> = {};

  before(async () => {
    sb = await startDataverseSandbox({ port: 0, dbFile: ':memory:', seed: { seed: 5, accounts: 5, contacts: 5, vendors: 1, products: 1, salesOrders: 0 } });
    connector = new DataverseConnector(
      { url: sb.url, tenantId: 'sandbox', tokenUrl: sb.tokenUrl, clientId: 'dualwrite-sandbox', clientSecret: 'sandbox-secret', companies: ['usmf'], retryBaseDelayMs: 50, retryMaxDelayMs: 400 },
      { onHttpEvent: (e) => events.push(e) },
    );
    const company = await connector.bindPath('cdm_companies', { cdm_companycode: 'USMF' });
    for (const [set, key, values] of [
      // Inside the maps' filters: a customer account, a sellable (customer) contact ...
      ['accounts', { accountnumber: 'POLY-A', _msdyn_company_value: 'usmf' }, { name: 'Org', customertypecode: 3 }],
      ['contacts', { msdyn_contactpersonid: 'POLY-P', _msdyn_company_value: 'usmf' }, { lastname: 'Person', msdyn_sellable: true }],
      // ... and a contact person of some organization (contacts-for-customers'), not a customer.
      ['contacts', { msdyn_contactpersonid: 'POLY-C', _msdyn_company_value: 'usmf' }, { lastname: 'Contact person', msdyn_sellable: false }],
    ] as const) {
      const [result] = await connector.writeBatch(set, [{ id: 'x', kind: 'upsert', key, values: { ...values, 'msdyn_company@odata.bind': company } }]);
      assert.ok(result?.ok, JSON.stringify(result));
    }
    for (const [set, column, idColumn, value] of [['accounts', 'accountnumber', 'accountid', 'POLY-A'], ['contacts', 'msdyn_contactpersonid', 'contactid', 'POLY-P'], ['contacts', 'msdyn_contactpersonid', 'contactid', 'POLY-C']] as const) {
      const page = await connector.readPage({ entitySet: set, filter: `${column} eq '${value}'`, pageSize: 1 });
      ids[value] = String(page.rows[0]![idColumn]);
    }
  });
  after(async () => {
    await connector.close();
    await sb.stop();
  });

  const rowOf = (account: string) => ({ dataAreaId: 'usmf', SalesOrderNumber: `SO-${account}`, OrderingCustomerAccountNumber: account });
  const requestsOf = (rows: Record<string, unknown>[]): LookupRequest[] => [...new Map(rows.flatMap((r) => lookupRequests(orders, 'finops-to-dataverse', r, catalog)).map((r) => [r.id, r])).values()];
  const firstOfId = (row: Record<string, unknown>) => planLookup(orders, customer, 'finops-to-dataverse', row, mapsByName).request!.id;
  const reads = (set: string) => events.filter((e) => e.type === 'attempt' && e.method === 'GET' && new URL(e.url).pathname.endsWith(`/${set}`)).length;

  it('answers each first-of with the first candidate found, reading each table once per round', async () => {
    const resolver = new LookupResolver(connector, DATAVERSE_ENTITY_SETS);
    const rows = ['POLY-A', 'POLY-P', 'POLY-X'].map(rowOf);
    events.length = 0;
    const results = await resolver.resolve(requestsOf(rows));
    assert.deepEqual(rows.map((r) => results[firstOfId(r)]), [ids['POLY-A'], ids['POLY-P'], null]);
    assert.equal(reads('accounts'), 1, 'one read of accounts for the whole batch');
    assert.equal(reads('contacts'), 1, 'one read of contacts, for the customers not found in accounts');
    // The candidates' own results tell which table each customer is in.
    const [accountsTry, contactsTry] = planLookup(orders, customer, 'finops-to-dataverse', rowOf('POLY-A'), mapsByName).candidates.map((c) => c.request.id);
    assert.equal(results[accountsTry!], ids['POLY-A']);
    assert.equal(contactsTry! in results, false, 'a later candidate is not tried once an earlier one is found');
  });

  it('skips a table whose candidates are all cached, and does not cache "not found"', async () => {
    const resolver = new LookupResolver(connector, DATAVERSE_ENTITY_SETS);
    await resolver.resolve(requestsOf([rowOf('POLY-A')]));
    events.length = 0;
    const again = await resolver.resolve(requestsOf([rowOf('POLY-A')]));
    assert.equal(again[firstOfId(rowOf('POLY-A'))], ids['POLY-A']);
    assert.equal(reads('accounts') + reads('contacts'), 0, 'found in accounts before: cached');
    events.length = 0;
    const missing = await resolver.resolve(requestsOf([rowOf('POLY-X')]));
    assert.equal(missing[firstOfId(rowOf('POLY-X'))], null);
    assert.equal(reads('accounts') + reads('contacts'), 2, 'not found is asked again');
  });

  it('Dataverse -> F&O: reads the key column from whichever table holds the GUID', async () => {
    const resolver = new LookupResolver(connector, DATAVERSE_ENTITY_SETS);
    const dvRow = { ordernumber: 'SO-1', _customerid_value: ids['POLY-P'] };
    const plan = planLookup(orders, customer, 'dataverse-to-finops', dvRow, mapsByName);
    const results = await resolver.resolve([plan.request!]);
    assert.equal(results[plan.request!.id], 'POLY-P');
  });

  it("a row outside the referenced map's filter is not that map's: a contact person is not a customer, either way", async () => {
    const resolver = new LookupResolver(connector, DATAVERSE_ENTITY_SETS);
    const toDataverse = await resolver.resolve(requestsOf([rowOf('POLY-C')]));
    assert.equal(toDataverse[firstOfId(rowOf('POLY-C'))], null, 'found by key in contacts, but not sellable');
    const plan = planLookup(orders, customer, 'dataverse-to-finops', { ordernumber: 'SO-2', _customerid_value: ids['POLY-C'] }, mapsByName);
    const toFinops = await resolver.resolve([plan.request!]);
    assert.equal(toFinops[plan.request!.id], null);
  });
});
