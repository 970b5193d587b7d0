import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadStandardCatalog } from './catalog';
import type { TableMap } from './schema';
import { holdsSelfReference, selfReferences } from './self-references';

const accounts = loadStandardCatalog().maps.find((m) => m.name === 'customers-v3-accounts') as TableMap;

test('self references of customers-v3-accounts, read from either side', () => {
  const fromFinops = selfReferences(accounts, 'finops');
  assert.deepEqual(fromFinops, { columns: ['InvoiceAccount'], filter: "(InvoiceAccount ne null and InvoiceAccount ne '')" });
  assert.equal(holdsSelfReference({ InvoiceAccount: '' }, fromFinops!), false, "F&O's empty text is no reference");
  assert.equal(holdsSelfReference({ InvoiceAccount: 'US-002' }, fromFinops!), true);
  assert.deepEqual(selfReferences(accounts, 'dataverse'), { columns: ['_msdyn_billingaccount_value'], filter: '_msdyn_billingaccount_value ne null' });
});

test('a self reference computed by an expression or given a default cannot be told by value', () => {
  const withColumn = (change: Record<string, unknown>): TableMap => ({
    ...accounts,
    columns: accounts.columns.map((c) => (c.lookup?.map === accounts.name ? { ...c, ...change } : c)),
  });
  assert.equal(selfReferences(withColumn({ toDataverse: 'upper(InvoiceAccount)' }), 'finops'), undefined);
  assert.equal(selfReferences(withColumn({ default: 'US-001' }), 'dataverse'), undefined);
  assert.deepEqual(selfReferences(withColumn({ direction: '<-' }), 'finops'), { columns: [], filter: undefined }, 'a reference that does not flow from the master needs no pass 2');
});
