import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { DATAVERSE_ENTITY_SETS } from '../sandbox/dataverse/entities';
import { loadStandardCatalog } from './catalog';
import { contentHash } from './hash';
import { integrationKey } from './keys';
import { companyCodeRequest, companyIdRequest, lookupRequests, type LookupResults } from './lookups';
import { TableMapSchema, type TableMap } from './schema';
import { transformRecord } from './transform';

const catalog = loadStandardCatalog();
assert.deepEqual(catalog.errors, []);
const byName = (name: string): TableMap => catalog.maps.find((m) => m.name === name) as TableMap;
const accountsSchema = DATAVERSE_ENTITY_SETS.find((s) => s.entitySet === 'accounts');

const USMF = '11111111-1111-1111-1111-111111111111';
const GROUP10 = '22222222-2222-2222-2222-222222222222';
const USD = '33333333-3333-3333-3333-333333333333';

/** A small global map exercising every transform, for table-driven cases. */
const sample: TableMap = TableMapSchema.parse({
  name: 'sample',
  version: '1.0.0',
  publisher: 'test',
  scope: 'global',
  finops: { entitySet: 'Things', key: ['Code'] },
  dataverse: { entitySet: 'things', key: ['code'] },
  columns: [
    { finops: 'Code', dataverse: 'code', direction: '<->' },
    { finops: 'Kind', dataverse: 'kindcode', direction: '<->', valueMap: { Small: 1, Large: 2 } },
    { finops: 'Blocked', dataverse: 'onhold', direction: '->', valueMap: { No: false, All: true }, default: false },
    { finops: 'Name', dataverse: 'name', direction: '<->', toDataverse: "concat(trim(Name), ' (', Code, ')')", toFinops: 'truncate(name, 5)' },
    { dataverse: 'typecode', direction: '->', default: 3 },
    { finops: 'Origin', direction: '<-', default: 'Dataverse' },
    { finops: 'Note', dataverse: 'note', direction: '<-' },
  ],
});

describe('transformRecord: table-driven', () => {
  const cases: { title: string; direction: 'finops-to-dataverse' | 'dataverse-to-finops'; row: Record<string, unknown>; values?: Record<string, unknown>; errors?: RegExp[] }[] = [
    {
      title: 'F&O -> Dataverse: value map, expression, constant default; "<-" columns are not written',
      direction: 'finops-to-dataverse',
      row: { Code: 'A1', Kind: 'Large', Blocked: 'All', Name: ' Widget ', Note: 'ignored', Unmapped: 1 },
      values: { code: 'A1', kindcode: 2, onhold: true, name: 'Widget (A1)', typecode: 3 },
    },
    {
      title: 'a value missing from the value map falls back to the default',
      direction: 'finops-to-dataverse',
      row: { Code: 'A1', Kind: 'Small', Blocked: 'Invoice', Name: 'x' },
      values: { code: 'A1', kindcode: 1, onhold: false, name: 'x (A1)', typecode: 3 },
    },
    {
      title: 'a value missing from a value map without default is an error naming the known values',
      direction: 'finops-to-dataverse',
      row: { Code: 'A1', Kind: 'Huge', Name: 'x' },
      values: { code: 'A1', name: 'x (A1)', typecode: 3 },
      errors: [/value "Huge" of Kind has no entry in the value map \(known: Small, Large\)/],
    },
    {
      title: 'null takes the default; an absent column is not written',
      direction: 'finops-to-dataverse',
      row: { Code: 'A1', Blocked: null },
      values: { code: 'A1', onhold: false, name: ' (A1)', typecode: 3 },
    },
    {
      title: 'Dataverse -> F&O: reversed value map, toFinops expression, default for a column with no source',
      direction: 'dataverse-to-finops',
      row: { code: 'A1', kindcode: 1, name: 'Longer name', note: 'hello', onhold: true, typecode: 9 },
      values: { Code: 'A1', Kind: 'Small', Name: 'Longe', Origin: 'Dataverse', Note: 'hello' },
    },
    {
      title: 'option-set integers match the value map whether read as numbers or text',
      direction: 'dataverse-to-finops',
      row: { code: 'A1', kindcode: '2' },
      values: { Code: 'A1', Kind: 'Large', Origin: 'Dataverse' },
    },
    {
      title: 'a missing key is reported; columns absent from a partial row are left alone',
      direction: 'finops-to-dataverse',
      row: { Kind: 'Small', Name: 'x' },
      values: { kindcode: 1, name: 'x ()', typecode: 3 },
      errors: [/key column code has no value/],
    },
  ];
  for (const c of cases) {
    it(c.title, () => {
      const result = transformRecord(sample, c.direction, c.row);
      if (c.values) assert.deepEqual(result.values, c.values);
      assert.equal(result.errors.length, c.errors?.length ?? 0, JSON.stringify(result.errors));
      c.errors?.forEach((re, i) => assert.match(result.errors[i]?.message ?? '', re));
      assert.equal(result.key === undefined, (c.errors ?? []).some((e) => /key/.test(e.source)));
    });
  }
});

describe('transformRecord: lookups and company', () => {
  const accounts = byName('customers-v3-accounts');
  const foRow = {
    dataAreaId: 'usmf',
    CustomerAccount: 'US-001',
    OrganizationName: 'Contoso',
    PartyType: 'Organization',
    CustomerGroupId: '10',
    SalesCurrencyCode: 'USD',
    PaymentTerms: null,
    InvoiceAccount: '',
    OnHoldStatus: 'No',
    CreditLimit: 5000,
  };

  it('lookupRequests lists the company and each lookup once, with stable ids', () => {
    const requests = lookupRequests(accounts, 'finops-to-dataverse', foRow, catalog.maps);
    const summary = requests.map((r) => (r.kind === 'find-id' ? `${r.entitySet} ${JSON.stringify(r.key)} ${r.company ?? ''}` : r.id)).sort();
    assert.deepEqual(summary, [
      'cdm_companies {"cdm_companycode":"USMF"} ',
      'msdyn_customergroups {"msdyn_groupid":"10"} usmf',
      'transactioncurrencies {"isocurrencycode":"USD"} ',
    ]);
    // The same request from another row has the same id, so a batch resolves it once.
    const again = lookupRequests(accounts, 'finops-to-dataverse', { ...foRow, CustomerAccount: 'US-002' }, catalog.maps);
    assert.deepEqual(again.map((r) => r.id).sort(), requests.map((r) => r.id).sort());
  });

  it('F&O -> Dataverse binds lookups and the company, and builds the alternate key', () => {
    const requests = lookupRequests(accounts, 'finops-to-dataverse', foRow, catalog.maps);
    const lookups: Record<string, string> = {};
    for (const r of requests) {
      if (r.kind !== 'find-id') continue;
      lookups[r.id] = r.entitySet === 'cdm_companies' ? USMF : r.entitySet === 'msdyn_customergroups' ? GROUP10 : USD;
    }
    const result = transformRecord(accounts, 'finops-to-dataverse', foRow, { lookups, catalog: catalog.maps, dataverseSchema: accountsSchema });
    assert.deepEqual(result.errors, []);
    assert.deepEqual(result.key, { _msdyn_company_value: USMF, accountnumber: 'US-001' });
    assert.equal(result.values['msdyn_customergroupid@odata.bind'], `/msdyn_customergroups(${GROUP10})`);
    assert.equal(result.values['transactioncurrencyid@odata.bind'], `/transactioncurrencies(${USD})`);
    assert.equal(result.values['msdyn_company@odata.bind'], `/cdm_companies(${USMF})`);
    assert.equal(result.values['msdyn_paymentterm@odata.bind'], null, 'an empty lookup clears the reference');
    assert.equal(result.values.customertypecode, 3);
    assert.equal(result.values.creditonhold, false);
    assert.equal(result.image._msdyn_customergroupid_value, GROUP10);
    // The image hashes like the row Dataverse will return.
    const readBack = { ...result.image, accountid: 'x', modifiedon: 'now' };
    assert.equal(contentHash(accounts, 'dataverse', readBack), contentHash(accounts, 'dataverse', result.image));
  });

  it('an unresolved or missing lookup is a missing-lookup error; other columns still transform', () => {
    const companyOnly = { [companyIdRequest('usmf').id]: USMF };
    const notFound: LookupResults = { ...companyOnly, ...Object.fromEntries(lookupRequests(accounts, 'finops-to-dataverse', foRow, catalog.maps).filter((r) => r.kind !== 'first-of' && r.entitySet === 'msdyn_customergroups').map((r) => [r.id, null])) };
    const result = transformRecord(accounts, 'finops-to-dataverse', foRow, { lookups: notFound, catalog: catalog.maps });
    const classes = result.errors.map((e) => `${e.column}:${e.class}`).sort();
    assert.deepEqual(classes, ['msdyn_customergroupid:missing-lookup', 'transactioncurrencyid:missing-lookup']);
    assert.match(result.errors.find((e) => e.column === 'msdyn_customergroupid')?.message ?? '', /no msdyn_customergroups with \{"msdyn_groupid":"10"\} in company usmf/);
    assert.equal(result.values.name, 'Contoso');
    assert.deepEqual(result.key, { _msdyn_company_value: USMF, accountnumber: 'US-001' });
  });

  it('Dataverse -> F&O reads lookups back to key values and the company to dataAreaId', () => {
    const dvRow = { accountid: 'a', accountnumber: 'US-001', name: 'Contoso', _msdyn_company_value: USMF, _msdyn_customergroupid_value: GROUP10.toUpperCase(), _transactioncurrencyid_value: null, customertypecode: 3 };
    const requests = lookupRequests(accounts, 'dataverse-to-finops', dvRow, catalog.maps);
    assert.deepEqual(requests.map((r) => r.id).sort(), [companyCodeRequest(USMF).id, `read-column msdyn_customergroups(${GROUP10}) msdyn_groupid`].sort());
    const lookups: Record<string, string> = { [companyCodeRequest(USMF).id]: 'USMF', [`read-column msdyn_customergroups(${GROUP10}) msdyn_groupid`]: '10' };
    const result = transformRecord(accounts, 'dataverse-to-finops', dvRow, { lookups, catalog: catalog.maps });
    assert.deepEqual(result.errors, []);
    assert.deepEqual(result.key, { dataAreaId: 'usmf', CustomerAccount: 'US-001' });
    assert.equal(result.values.dataAreaId, 'usmf');
    assert.equal(result.values.CustomerGroupId, '10');
    assert.equal(result.values.SalesCurrencyCode, null);
    assert.equal(result.values.PartyType, 'Organization');
    assert.equal('creditonhold' in result.values || 'OnHoldStatus' in result.values, false, 'one-way "->" columns do not flow back');
  });

  it('a partial row leaves lookups it does not carry alone', () => {
    const partial = { dataAreaId: 'usmf', CustomerAccount: 'US-001', OrganizationName: 'Renamed' };
    const lookups = { [companyIdRequest('usmf').id]: USMF };
    assert.deepEqual(lookupRequests(accounts, 'finops-to-dataverse', partial, catalog.maps).map((r) => r.id), [companyIdRequest('usmf').id]);
    const result = transformRecord(accounts, 'finops-to-dataverse', partial, { lookups, catalog: catalog.maps });
    assert.deepEqual(result.errors, []);
    assert.deepEqual(Object.keys(result.values).sort(), ['accountnumber', 'customertypecode', 'msdyn_company@odata.bind', 'name']);
  });

  it('order lines key on the order lookup and line number, without the company', () => {
    const lines = byName('sales-order-lines');
    const row = { dataAreaId: 'usmf', SalesOrderNumber: 'SO-1', LineNumber: 1, ItemNumber: 'I-1', OrderedSalesQuantity: 2, SalesUnitSymbol: 'ea', SalesPrice: 10, LineAmount: 20 };
    const lookups: Record<string, string> = {};
    for (const r of lookupRequests(lines, 'finops-to-dataverse', row, catalog.maps)) lookups[r.id] = `00000000-0000-0000-0000-00000000000${Object.keys(lookups).length}`;
    const result = transformRecord(lines, 'finops-to-dataverse', row, { lookups, catalog: catalog.maps });
    assert.deepEqual(result.errors, []);
    assert.deepEqual(Object.keys(result.key ?? {}).sort(), ['_salesorderid_value', 'lineitemnumber']);
    const dvRow = { ...result.image, _msdyn_company_value: USMF };
    const fo = integrationKey(lines, 'finops', row).key;
    assert.equal(fo, '["usmf","SO-1",1]');
    assert.notEqual(integrationKey(lines, 'dataverse', dvRow, { companyCode: 'USMF' }).key, fo, 'the order GUID alone is not comparable');
    assert.equal(integrationKey(lines, 'dataverse', dvRow, { companyCode: 'USMF', lookupKeyValues: { salesorderid: 'SO-1' } }).key, fo);
  });

  it('integrationKey gives the same text on both sides once the Dataverse company code is known', () => {
    const fo = integrationKey(accounts, 'finops', foRow);
    const dv = integrationKey(accounts, 'dataverse', { accountnumber: 'US-001', _msdyn_company_value: USMF }, { companyCode: 'USMF' });
    assert.equal(fo.key, '["usmf","US-001"]');
    assert.equal(dv.key, fo.key);
    assert.deepEqual(fo.values, { dataAreaId: 'usmf', CustomerAccount: 'US-001' });
    assert.deepEqual(dv.values, { _msdyn_company_value: USMF, accountnumber: 'US-001' });
    assert.deepEqual(integrationKey(accounts, 'finops', { CustomerAccount: 'US-001' }).missing, ['dataAreaId']);
  });
});

describe('properties', () => {
  const text = fc.oneof(fc.string({ maxLength: 30 }), fc.constant(null));
  const bidirectional = TableMapSchema.parse({
    name: 'round-trip',
    version: '1.0.0',
    publisher: 'test',
    scope: 'global',
    finops: { entitySet: 'Things', key: ['Code'] },
    dataverse: { entitySet: 'things', key: ['code'] },
    columns: [
      { finops: 'Code', dataverse: 'code', direction: '<->' },
      { finops: 'Name', dataverse: 'name', direction: '<->' },
      { finops: 'Amount', dataverse: 'amount', direction: '<->' },
      { finops: 'Flag', dataverse: 'flag', direction: '<->' },
      { finops: 'Kind', dataverse: 'kindcode', direction: '<->', valueMap: { Small: 192350000, Medium: 192350001, Large: 192350002 } },
    ],
  });
  const foRow = fc.record({
    Code: fc.string({ minLength: 1, maxLength: 20 }),
    Name: text,
    Amount: fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer(), fc.constant(null)),
    Flag: fc.boolean(),
    Kind: fc.constantFrom('Small', 'Medium', 'Large', null),
  });

  it('bidirectional columns round-trip F&O -> Dataverse -> F&O', () => {
    fc.assert(
      fc.property(foRow, (row) => {
        const there = transformRecord(bidirectional, 'finops-to-dataverse', row);
        const back = transformRecord(bidirectional, 'dataverse-to-finops', there.values);
        assert.deepEqual(there.errors, []);
        assert.deepEqual(back.errors, []);
        assert.deepEqual(back.values, { ...row });
      }),
    );
  });

  it('bidirectional standard-map columns without expressions round-trip', () => {
    const groups = byName('payment-terms');
    const row = fc.record({
      dataAreaId: fc.constantFrom('usmf', 'usrt'),
      Name: fc.string({ minLength: 1, maxLength: 10 }),
      Description: text,
      NumberOfDays: fc.integer({ min: 0, max: 365 }),
      PaymentMethod: fc.constantFrom('Net', 'CurrentMonth', 'CurrentQuarter', 'CurrentYear', 'CurrentWeek', 'COD'),
    });
    fc.assert(
      fc.property(row, (r) => {
        const companyGuid = r.dataAreaId === 'usmf' ? USMF : GROUP10;
        const there = transformRecord(groups, 'finops-to-dataverse', r, { lookups: { [companyIdRequest(r.dataAreaId).id]: companyGuid } });
        assert.deepEqual(there.errors, []);
        const dvRow = { ...there.image, msdyn_paymenttermid: 'x' };
        const back = transformRecord(groups, 'dataverse-to-finops', dvRow, { lookups: { [companyCodeRequest(companyGuid).id]: r.dataAreaId.toUpperCase() } });
        assert.deepEqual(back.errors, []);
        assert.deepEqual(back.values, { ...r });
        assert.equal(integrationKey(groups, 'dataverse', dvRow, { companyCode: r.dataAreaId.toUpperCase() }).key, integrationKey(groups, 'finops', r).key);
      }),
    );
  });

  it('the content hash ignores unmapped columns and column order, and sees every mapped column', () => {
    const extraName = fc.string({ minLength: 1, maxLength: 12 }).filter((k) => !['Code', 'Name', 'Amount', 'Flag', 'Kind', '__proto__'].includes(k));
    fc.assert(
      fc.property(foRow, fc.dictionary(extraName, fc.jsonValue()), (row, extra) => {
        const base = contentHash(bidirectional, 'finops', row);
        const withExtra = { ...extra, ...row };
        assert.equal(contentHash(bidirectional, 'finops', withExtra), base);
        const reversed = Object.fromEntries(Object.entries(withExtra).reverse());
        assert.equal(contentHash(bidirectional, 'finops', reversed), base);
        assert.notEqual(contentHash(bidirectional, 'finops', { ...row, Code: `${row.Code}x` }), base);
      }),
    );
  });
});
