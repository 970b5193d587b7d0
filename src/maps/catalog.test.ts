import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, it } from 'node:test';
import { DATAVERSE_ENTITY_SETS } from '../sandbox/dataverse/entities';
import { FINOPS_ENTITY_SETS } from '../sandbox/finops/entities';
import { STANDARD_CATALOG_DIR, loadStandardCatalog } from './catalog';
import { formatMapError } from './errors';
import { renderFilter } from './filter';
import { MAP_NAME_PATTERN, type TableMap } from './schema';
import { renderMapSchemaFile } from './schema-file';
import { validateCatalog } from './validate-catalog';

const catalog = loadStandardCatalog();
const get = (name: string): TableMap => {
  const m = catalog.maps.find((x) => x.name === name);
  assert.ok(m, `standard map ${name}`);
  return m;
};

describe('standard catalog', () => {
  it('loads without errors and validates against both sandboxes\' entity sets with zero errors', () => {
    assert.deepEqual(catalog.errors.map(formatMapError), []);
    const errors = validateCatalog(catalog.maps, [...FINOPS_ENTITY_SETS, ...DATAVERSE_ENTITY_SETS], { files: catalog.files });
    assert.deepEqual(errors.map(formatMapError), []);
  });

  it('has the standard maps, kebab-case, one per file named after the map', () => {
    assert.deepEqual(catalog.maps.map((m) => m.name).sort(), [
      'cds-parties',
      'cds-party-postal-addresses',
      'contacts-for-customers',
      'contacts-for-vendors',
      'currencies',
      'customer-assets',
      'customer-attachments',
      'customer-groups',
      'customers-v3-accounts',
      'customers-v3-contacts',
      'exchange-rates',
      'fiscal-calendars',
      'fiscal-periods',
      'legal-entities',
      'loyalty-cards',
      'loyalty-reward-points',
      'operating-units',
      'party-contacts',
      'payment-schedules',
      'payment-terms',
      'projects',
      'purchase-order-headers',
      'purchase-order-lines',
      'released-products',
      'retail-channels',
      'retail-discounts',
      'sales-invoice-headers',
      'sales-invoice-lines',
      'sales-order-headers',
      'sales-order-lines',
      'sales-quotation-headers',
      'sales-quotation-lines',
      'sales-tax-groups',
      'units',
      'vendor-groups',
      'vendors-v2',
      'workers',
    ]);
    for (const m of catalog.maps) {
      assert.match(m.name, MAP_NAME_PATTERN);
      assert.equal(basename(catalog.files.get(m.name) ?? ''), `${m.name}.json`);
      assert.equal(m.publisher, 'dualwrite');
    }
  });

  // Keys, lookups, defaults and filters as Microsoft's standard maps define them.
  const pairs = (m: TableMap): string[] => m.columns.map((c) => `${c.finops ?? '-'} ${c.direction} ${c.dataverse ?? '-'}${c.lookup ? ` @${[c.lookup.map].flat().join('|')}` : ''}`);
  const cases: { map: string; keys: [string[], string[]]; scope: 'company' | 'global'; includes: string[]; filters?: [string | undefined, string | undefined] }[] = [
    { map: 'legal-entities', keys: [['LegalEntityId'], ['cdm_companycode']], scope: 'global', includes: ['Name -> cdm_name'] },
    { map: 'currencies', keys: [['CurrencyCode'], ['isocurrencycode']], scope: 'global', includes: ['- -> exchangerate'], filters: ["CurrencyCode ne '999'", undefined] },
    { map: 'units', keys: [['UnitSymbol'], ['msdyn_symbol']], scope: 'global', includes: ['UnitSymbol -> name', 'UnitSymbol -> msdyn_symbol'] },
    { map: 'payment-terms', keys: [['Name'], ['msdyn_name']], scope: 'company', includes: ['PaymentMethod <-> msdyn_paymentmethod'] },
    { map: 'customer-groups', keys: [['CustomerGroupId'], ['msdyn_groupid']], scope: 'company', includes: ['PaymentTermId <-> msdyn_paymenttermid @payment-terms'] },
    {
      map: 'customers-v3-accounts',
      keys: [['CustomerAccount'], ['accountnumber']],
      scope: 'company',
      includes: ['CustomerGroupId <-> msdyn_customergroupid @customer-groups', 'PartyNumber <-> msdyn_partynumber', 'InvoiceAccount <-> msdyn_billingaccount @customers-v3-accounts', 'SalesCurrencyCode <-> transactioncurrencyid @currencies', '- -> customertypecode'],
      filters: ["PartyType eq 'Organization'", 'customertypecode eq 3'],
    },
    {
      map: 'customers-v3-contacts',
      keys: [['CustomerAccount'], ['msdyn_contactpersonid']],
      scope: 'company',
      includes: ['- -> msdyn_sellable'],
      filters: ["PartyType eq 'Person'", 'msdyn_sellable eq true and msdyn_contactpersonid ne null'],
    },
    { map: 'vendor-groups', keys: [['VendorGroupId'], ['msdyn_vendorgroup']], scope: 'company', includes: [] },
    { map: 'vendors-v2', keys: [['VendorAccountNumber'], ['msdyn_vendoraccountnumber']], scope: 'company', includes: ['VendorGroupId <-> msdyn_vendorgroupid @vendor-groups'] },
    { map: 'released-products', keys: [['ItemNumber'], ['productnumber']], scope: 'global', includes: ['ItemNumber -> productnumber', 'InventoryUnitSymbol -> defaultuomid @units'] },
    { map: 'sales-order-headers', keys: [['SalesOrderNumber'], ['ordernumber']], scope: 'company', includes: ['OrderingCustomerAccountNumber <-> customerid @customers-v3-accounts|customers-v3-contacts'] },
    { map: 'sales-order-lines', keys: [['SalesOrderNumber', 'LineNumber'], ['salesorderid', 'lineitemnumber']], scope: 'company', includes: ['SalesOrderNumber <-> salesorderid @sales-order-headers', 'ItemNumber <-> productid @released-products'] },
  ];
  for (const c of cases) {
    it(`${c.map}: keys, scope, columns and filters`, () => {
      const m = get(c.map);
      assert.deepEqual([m.finops.key, m.dataverse.key], c.keys);
      assert.equal(m.scope, c.scope);
      for (const p of c.includes) assert.ok(pairs(m).includes(p), `${c.map} maps ${p}; has ${pairs(m).join(' | ')}`);
      assert.deepEqual([renderFilter(m, 'finops'), renderFilter(m, 'dataverse')], c.filters ?? [undefined, undefined]);
    });
  }

  it('units and released products are one-way from F&O', () => {
    for (const name of ['units', 'released-products', 'legal-entities']) assert.ok(get(name).columns.every((c) => c.direction === '->'), name);
  });

  it('accounts default customertypecode to 3 (Customer), as dual-write does', () => {
    const accounts = get('customers-v3-accounts');
    assert.deepEqual(accounts.columns.find((c) => c.dataverse === 'customertypecode')?.default, 3);
  });
});

describe('maps/schema.json', () => {
  it('is up to date with the zod schema (regenerate: npx tsx scripts/generate-map-schema.ts)', () => {
    assert.equal(readFileSync(join(STANDARD_CATALOG_DIR, 'schema.json'), 'utf8'), renderMapSchemaFile());
  });

  it('describes the map properties editors should offer', () => {
    const schema = JSON.parse(renderMapSchemaFile()) as { properties: Record<string, unknown>; required: string[]; additionalProperties: boolean };
    assert.deepEqual(schema.required.sort(), ['columns', 'dataverse', 'finops', 'name', 'publisher', 'scope', 'version']);
    assert.equal(schema.additionalProperties, false);
    for (const p of ['dependsOn', 'deletes', 'conflict', 'syncMode']) assert.ok(p in schema.properties, p);
  });
});
