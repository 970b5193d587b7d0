import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadStandardCatalog } from './catalog';
import { dependents, topologicalOrder } from './graph';
import { TableMapSchema, type TableMap } from './schema';

function map(name: string, dependsOn: string[] = [], lookups: string[] = []): TableMap {
  return TableMapSchema.parse({
    name,
    version: '1.0.0',
    publisher: 'test',
    scope: 'global',
    finops: { entitySet: 'E', key: ['K'] },
    dataverse: { entitySet: 'e', key: ['k'] },
    columns: [{ finops: 'K', dataverse: 'k', direction: '<->' }, ...lookups.map((l, i) => ({ finops: `L${i}`, dataverse: `l${i}`, direction: '<->', lookup: { map: l } }))],
    dependsOn,
  });
}

describe('topologicalOrder', () => {
  const cases: { title: string; maps: TableMap[]; order?: string[]; cycle?: string; self?: string[]; errors?: RegExp[] }[] = [
    { title: 'prerequisites first, ties by name', maps: [map('c', ['b']), map('b', ['a']), map('a'), map('d')], order: ['a', 'b', 'c', 'd'] },
    { title: 'lookups imply dependencies', maps: [map('orders', [], ['customers']), map('customers')], order: ['customers', 'orders'] },
    { title: 'a self-reference is not a cycle; it is reported for two passes', maps: [map('customers', [], ['customers'])], order: ['customers'], self: ['customers'] },
    { title: 'a cycle is named', maps: [map('a', ['b']), map('b', ['c']), map('c', ['a'])], cycle: 'a -> b -> c -> a' },
    { title: 'a two-map cycle through a lookup', maps: [map('x', [], ['y']), map('y', ['x'])], cycle: 'x -> y -> x' },
    { title: 'an unknown dependency is an error', maps: [map('a', ['ghost'])], order: ['a'], errors: [/depends on 'ghost', which is not in the catalog/] },
  ];
  for (const c of cases) {
    it(c.title, () => {
      const result = topologicalOrder(c.maps);
      if (c.order) assert.deepEqual(result.order, c.order);
      assert.deepEqual(result.selfReferencing, c.self ?? []);
      if (c.cycle) {
        assert.deepEqual(result.order, []);
        assert.equal(result.cycle?.join(' -> '), c.cycle);
        assert.match(result.errors[0]?.message ?? '', new RegExp(`dependency cycle: ${c.cycle.replace(/[-> ]/g, (m) => `\\${m}`)}`));
        assert.equal(result.errors[0]?.code, 'cycle');
      } else {
        assert.equal(result.cycle, undefined);
        assert.equal(result.errors.length, c.errors?.length ?? 0);
        c.errors?.forEach((re, i) => assert.match(result.errors[i]?.message ?? '', re));
      }
    });
  }

  it('orders the standard catalog: companies and reference data before the records that use them', () => {
    const { maps } = loadStandardCatalog();
    const { order, errors, selfReferencing } = topologicalOrder(maps);
    assert.deepEqual(errors, []);
    assert.equal(order.length, maps.length);
    const before = (a: string, b: string): void => assert.ok(order.indexOf(a) < order.indexOf(b), `${a} before ${b}: ${order.join(', ')}`);
    before('legal-entities', 'payment-terms');
    before('payment-terms', 'customer-groups');
    before('customer-groups', 'customers-v3-accounts');
    before('currencies', 'customers-v3-accounts');
    before('customers-v3-accounts', 'sales-order-headers');
    before('sales-order-headers', 'sales-order-lines');
    before('released-products', 'sales-order-lines');
    before('units', 'released-products');
    before('vendor-groups', 'vendors-v2');
    assert.deepEqual(selfReferencing, ['customers-v3-accounts']);
  });

  it('dependents lists every map that depends on one, directly or not', () => {
    const { maps } = loadStandardCatalog();
    assert.deepEqual(dependents(maps, 'sales-order-headers'), ['sales-invoice-headers', 'sales-invoice-lines', 'sales-order-lines']);
    assert.ok(dependents(maps, 'payment-terms').includes('sales-order-lines'));
    assert.deepEqual(dependents(maps, 'sales-order-lines'), []);
  });
});
