import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DATAVERSE_ENTITY_SETS } from '../sandbox/dataverse/entities';
import { FINOPS_ENTITY_SETS } from '../sandbox/finops/entities';
import { loadStandardCatalog } from './catalog';
import { checkMap } from './check-map';
import { dependencyGraph, topologicalOrder } from './graph';
import { companyIdRequest, lookupOutcome, lookupRequests, planLookup, type LookupResults } from './lookups';
import { TableMapSchema, type TableMap } from './schema';
import { transformRecord } from './transform';
import { validateCatalog } from './validate-catalog';

/**
 * Lookups naming several maps: Dataverse's customerid points at an account or a contact, so
 * sales-order-headers names customers-v3-accounts then customers-v3-contacts.
 */
const catalog = loadStandardCatalog();
assert.deepEqual(catalog.errors, []);
const byName = (name: string): TableMap => catalog.maps.find((m) => m.name === name) as TableMap;
const orders = byName('sales-order-headers');
const customerColumn = orders.columns.find((c) => c.dataverse === 'customerid')!;
const salesordersSchema = DATAVERSE_ENTITY_SETS.find((s) => s.entitySet === 'salesorders');
const mapsByName = new Map(catalog.maps.map((m) => [m.name, m]));

const USMF = '11111111-1111-1111-1111-111111111111';
const USD = '33333333-3333-3333-3333-333333333333';
const ACCOUNT = '44444444-4444-4444-4444-444444444444';
const CONTACT = '55555555-5555-5555-5555-555555555555';
const foOrder = { dataAreaId: 'usmf', SalesOrderNumber: 'SO-1', OrderingCustomerAccountNumber: 'US-P01', CurrencyCode: 'USD' };

/** Results as the engine gives them: each candidate read, then the first found under the first-of id. */
function results(customer: { accounts?: string | null; contacts?: string | null }): LookupResults {
  const plan = planLookup(orders, customerColumn, 'finops-to-dataverse', foOrder, mapsByName);
  const out: Record<string, string | null> = { [companyIdRequest('usmf').id]: USMF };
  for (const r of lookupRequests(orders, 'finops-to-dataverse', foOrder, catalog.maps)) if (r.kind === 'find-id' && r.entitySet === 'transactioncurrencies') out[r.id] = USD;
  for (const { request } of plan.candidates) {
    const value = customer[request.entitySet as 'accounts' | 'contacts'];
    if (value !== undefined) out[request.id] = value;
  }
  if (plan.request) out[plan.request.id] = customer.accounts ?? customer.contacts ?? null;
  return out;
}

describe('polymorphic lookups: planning', () => {
  it('F&O -> Dataverse tries each referenced map\'s entity set in order, as one first-of request', () => {
    const plan = planLookup(orders, customerColumn, 'finops-to-dataverse', foOrder, mapsByName);
    assert.deepEqual(plan.candidates.map((c) => [c.map.name, c.request.kind, c.request.entitySet]), [
      ['customers-v3-accounts', 'find-id', 'accounts'],
      ['customers-v3-contacts', 'find-id', 'contacts'],
    ]);
    assert.equal(plan.request?.kind, 'first-of');
    assert.deepEqual(plan.request?.kind === 'first-of' && plan.request.candidates.map((c) => c.id), plan.candidates.map((c) => c.request.id));
    const requests = lookupRequests(orders, 'finops-to-dataverse', foOrder, catalog.maps);
    assert.ok(requests.some((r) => r.id === plan.request?.id), 'lookupRequests asks for the first-of');
    assert.ok(requests.some((r) => r.id === companyIdRequest('usmf').id), 'and for the company both company-specific candidates need');
  });

  it('Dataverse -> F&O reads the key column of each target, or only the one the lookuplogicalname annotation names', () => {
    const dvRow = { ordernumber: 'SO-1', _customerid_value: CONTACT.toUpperCase(), _msdyn_company_value: USMF };
    const plan = planLookup(orders, customerColumn, 'dataverse-to-finops', dvRow, mapsByName);
    const accountsFilter = 'customertypecode eq 3';
    const contactsFilter = 'msdyn_sellable eq true and msdyn_contactpersonid ne null';
    assert.deepEqual(plan.candidates.map((c) => c.request.id), [
      `read-column accounts(${CONTACT}) accountnumber where ${accountsFilter}`,
      `read-column contacts(${CONTACT}) msdyn_contactpersonid where ${contactsFilter}`,
    ], "each candidate carries its map's Dataverse filter: contacts-for-customers syncs contacts too");
    const annotated = { ...dvRow, '_customerid_value@Microsoft.Dynamics.CRM.lookuplogicalname': 'contact' };
    const narrowed = planLookup(orders, customerColumn, 'dataverse-to-finops', annotated, mapsByName);
    assert.deepEqual(narrowed.request, { id: `read-column contacts(${CONTACT}) msdyn_contactpersonid where ${contactsFilter}`, kind: 'read-column', entitySet: 'contacts', recordId: CONTACT, column: 'msdyn_contactpersonid', filter: contactsFilter });
    const unknownTable = planLookup(orders, customerColumn, 'dataverse-to-finops', { ...dvRow, '_customerid_value@Microsoft.Dynamics.CRM.lookuplogicalname': 'lead' }, mapsByName);
    assert.equal(unknownTable.candidates.length, 2, 'an annotation naming no referenced table narrows nothing');
  });

  it('the outcome is the first candidate found; a candidate not looked up before any was found is unresolved', () => {
    const plan = planLookup(orders, customerColumn, 'finops-to-dataverse', foOrder, mapsByName);
    const [accounts, contacts] = plan.candidates.map((c) => c.request.id) as [string, string];
    assert.deepEqual(lookupOutcome(plan, { [accounts]: ACCOUNT }), { state: 'found', value: ACCOUNT, map: byName('customers-v3-accounts') });
    assert.deepEqual(lookupOutcome(plan, { [accounts]: null, [contacts]: CONTACT }), { state: 'found', value: CONTACT, map: byName('customers-v3-contacts') });
    assert.deepEqual(lookupOutcome(plan, { [accounts]: null, [contacts]: null }), { state: 'missing' });
    assert.deepEqual(lookupOutcome(plan, { [accounts]: null }), { state: 'unresolved' });
  });
});

describe('polymorphic lookups: transformRecord', () => {
  const transform = (lookups: LookupResults) => transformRecord(orders, 'finops-to-dataverse', foOrder, { lookups, catalog: catalog.maps, dataverseSchema: salesordersSchema });

  it('binds through the navigation property of the table where the customer was found', () => {
    const person = transform(results({ accounts: null, contacts: CONTACT }));
    assert.deepEqual(person.errors, []);
    assert.equal(person.values['customerid_contact@odata.bind'], `/contacts(${CONTACT})`);
    assert.equal('customerid_account@odata.bind' in person.values, false);
    assert.equal(person.image._customerid_value, CONTACT);

    const organization = transform(results({ accounts: ACCOUNT }));
    assert.deepEqual(organization.errors, []);
    assert.equal(organization.values['customerid_account@odata.bind'], `/accounts(${ACCOUNT})`);
    assert.equal(organization.image._customerid_value, ACCOUNT);
  });

  it('a customer in neither table is a missing lookup naming every table tried', () => {
    const result = transform(results({ accounts: null, contacts: null }));
    assert.deepEqual(result.errors.map((e) => [e.column, e.class]), [['customerid', 'missing-lookup']]);
    assert.match(result.errors[0]!.message, /no accounts with \{"accountnumber":"US-P01"\} in company usmf \(map 'customers-v3-accounts'\), no contacts with \{"msdyn_contactpersonid":"US-P01"\} in company usmf \(map 'customers-v3-contacts'\)/);
  });

  it('an empty customer clears the lookup', () => {
    const result = transformRecord(orders, 'finops-to-dataverse', { ...foOrder, OrderingCustomerAccountNumber: '' }, { lookups: results({}), catalog: catalog.maps, dataverseSchema: salesordersSchema });
    assert.deepEqual(result.errors, []);
    assert.equal(result.values['customerid_account@odata.bind'], null);
    assert.equal(result.image._customerid_value, null);
  });

  it('a row found in a table the column cannot point to is a transform error naming the tables it can', () => {
    const strayOrders = { ...orders, columns: orders.columns.map((c) => (c === customerColumn ? { ...c, lookup: { map: ['customers-v3-accounts', 'customer-groups'] } } : c)) };
    const plan = planLookup(strayOrders, strayOrders.columns.find((c) => c.dataverse === 'customerid')!, 'finops-to-dataverse', foOrder, mapsByName);
    const lookups: Record<string, string | null> = { [companyIdRequest('usmf').id]: USMF };
    for (const r of lookupRequests(strayOrders, 'finops-to-dataverse', foOrder, catalog.maps)) if (r.kind === 'find-id' && r.entitySet === 'transactioncurrencies') lookups[r.id] = USD;
    const [accounts, groups] = plan.candidates.map((c) => c.request.id) as [string, string];
    Object.assign(lookups, { [accounts]: null, [groups]: ACCOUNT, [plan.request!.id]: ACCOUNT });
    const result = transformRecord(strayOrders, 'finops-to-dataverse', foOrder, { lookups, catalog: catalog.maps, dataverseSchema: salesordersSchema });
    assert.deepEqual(result.errors.map((e) => [e.column, e.class]), [['customerid', 'transform']]);
    assert.match(result.errors[0]!.message, /customerid points to accounts or contacts, not msdyn_customergroups/);
    assert.equal(Object.keys(result.values).some((k) => k.startsWith('customerid')), false, 'nothing bound');
  });

  it('Dataverse -> F&O takes the key value from whichever table holds the GUID', () => {
    const dvRow = { ordernumber: 'SO-1', name: 'x', _customerid_value: CONTACT, _msdyn_company_value: USMF, _transactioncurrencyid_value: null };
    const requests = lookupRequests(orders, 'dataverse-to-finops', dvRow, catalog.maps);
    const lookups: Record<string, string | null> = {};
    for (const r of requests) {
      if (r.kind === 'read-column') lookups[r.id] = r.entitySet === 'cdm_companies' ? 'USMF' : null;
      if (r.kind === 'first-of') {
        lookups[r.candidates[0]!.id] = null;
        lookups[r.candidates[1]!.id] = 'US-P01';
        lookups[r.id] = 'US-P01';
      }
    }
    const result = transformRecord(orders, 'dataverse-to-finops', dvRow, { lookups, catalog: catalog.maps });
    assert.deepEqual(result.errors, []);
    assert.equal(result.values.OrderingCustomerAccountNumber, 'US-P01');
  });
});

describe('polymorphic lookups: catalog', () => {
  const withCustomerMaps = (map: unknown): TableMap[] =>
    catalog.maps.map((m) => (m.name !== 'sales-order-headers' ? m : { ...m, columns: m.columns.map((c) => (c.dataverse === 'customerid' ? { ...c, lookup: { map: map as string } } : c)) }));
  const customerIndex = orders.columns.indexOf(customerColumn);

  it('the standard maps with customer lookups name accounts then contacts, and validate', () => {
    for (const [name, column] of [['sales-order-headers', 'customerid'], ['sales-quotation-headers', 'customerid'], ['sales-invoice-headers', 'customerid'], ['contacts-for-customers', 'parentcustomerid'], ['customer-attachments', 'objectid']] as const) {
      assert.deepEqual(byName(name).columns.find((c) => c.dataverse === column)?.lookup?.map, ['customers-v3-accounts', 'customers-v3-contacts'], name);
    }
    assert.deepEqual(validateCatalog(catalog.maps, [...DATAVERSE_ENTITY_SETS, ...FINOPS_ENTITY_SETS]), []);
  });

  it('every referenced map is a dependency, so enabling orders loads contacts first', () => {
    assert.ok(dependencyGraph(catalog.maps).edges.get('sales-order-headers')?.includes('customers-v3-contacts'));
    const order = topologicalOrder(catalog.maps).order;
    assert.ok(order.indexOf('customers-v3-contacts') < order.indexOf('sales-order-headers'));
  });

  it('each entry is checked, and errors point at it', () => {
    const schemas = [...DATAVERSE_ENTITY_SETS, ...FINOPS_ENTITY_SETS];
    const errorsOf = (maps: TableMap[]) => validateCatalog(maps, schemas).filter((e) => e.map === 'sales-order-headers' && e.path.startsWith(`$.columns[${customerIndex}]`)).map((e) => `${e.path} ${e.code}`);
    const typo = validateCatalog(withCustomerMaps(['customers-v3-accounts', 'customers-v3-contact']), schemas).find((e) => e.code === 'unknown-lookup-map');
    assert.equal(typo?.path, `$.columns[${customerIndex}].lookup.map[1]`);
    assert.match(typo?.hint ?? '', /did you mean 'customers-v3-contacts'/);
    assert.deepEqual(errorsOf(withCustomerMaps(['customers-v3-accounts', 'vendors-v2'])), [`$.columns[${customerIndex}].lookup.map[1] lookup-target-mismatch`]);
    assert.match(validateCatalog(withCustomerMaps(['customers-v3-accounts', 'vendors-v2']), schemas).find((e) => e.code === 'lookup-target-mismatch')?.message ?? '', /points to accounts or contacts, map 'vendors-v2' syncs msdyn_vendors/);
  });

  it('the file format takes a non-empty list of distinct maps, without a single navigationProperty', () => {
    const column = { finops: 'OrderingCustomerAccountNumber', dataverse: 'customerid', direction: '<->' };
    const parse = (lookup: unknown) => TableMapSchema.safeParse({ ...orders, columns: [orders.columns[0], { ...column, lookup }] });
    assert.equal(parse({ map: ['customers-v3-accounts', 'customers-v3-contacts'] }).success, true);
    assert.equal(parse({ map: [] }).success, false);
    assert.equal(parse({ map: ['customers-v3-accounts', 'customers-v3-accounts'] }).success, false);
    const both = parse({ map: ['customers-v3-accounts', 'customers-v3-contacts'], navigationProperty: 'customerid_account' });
    assert.ok(both.success);
    assert.deepEqual(checkMap(both.data).map((e) => `${e.path} ${e.code}`), ['$.columns[1].lookup.navigationProperty lookup-navigation-ambiguous']);
  });
});
