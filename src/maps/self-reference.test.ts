import assert from 'node:assert/strict';
import { it } from 'node:test';
import { loadStandardCatalog } from './catalog';
import { holdsSelfReference } from './lookups';
import type { TableMap } from './schema';

const catalog = loadStandardCatalog();
const byName = (name: string) => catalog.maps.find((m) => m.name === name) as TableMap;

it('holdsSelfReference: only a row naming another row of its own map needs the second initial-sync pass', () => {
  const customers = byName('customers-v3-accounts');
  assert.equal(holdsSelfReference(customers, 'finops-to-dataverse', { CustomerAccount: 'US-001', InvoiceAccount: 'US-002' }), true);
  for (const empty of ['', null, undefined]) {
    assert.equal(holdsSelfReference(customers, 'finops-to-dataverse', { CustomerAccount: 'US-001', InvoiceAccount: empty }), false, `InvoiceAccount ${String(empty)}`);
  }
  assert.equal(holdsSelfReference(customers, 'dataverse-to-finops', { accountnumber: 'US-001', _msdyn_billingaccount_value: '6f1c2a4e-0000-4000-8000-000000000001' }), true);
  assert.equal(holdsSelfReference(customers, 'dataverse-to-finops', { accountnumber: 'US-001', _msdyn_billingaccount_value: null }), false);
  assert.equal(holdsSelfReference(byName('customer-groups'), 'finops-to-dataverse', { CustomerGroupId: '10' }), false, 'a map without a self reference');
});
