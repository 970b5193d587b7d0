import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EntityStore } from '../shared/entity-store';
import { FINOPS_ENTITY_SETS, FINOPS_RELATIONS } from './entities';
import { seedFinops } from './seed';

function seeded(options: Parameters<typeof seedFinops>[1]) {
  const store = new EntityStore({ file: ':memory:', schemas: FINOPS_ENTITY_SETS });
  const counts = seedFinops(store, options);
  return { store, counts };
}

test('every reference in the demo data resolves, within the same company', () => {
  const { store, counts } = seeded({ seed: 3, customers: 200, vendors: 30, products: 40, salesOrders: 30 });
  try {
    assert.equal(counts.CustomersV3, 200);
    assert.equal(counts.SalesOrderHeadersV2, 30);
    assert.ok((counts.SalesOrderLines ?? 0) >= 30);
    for (const rel of FINOPS_RELATIONS) {
      const target = store.schema(rel.target);
      for (const row of store.query(rel.entitySet).rows) {
        const value = row[rel.column];
        if (value === '' || value === null) continue;
        const key: Record<string, string> = { [rel.targetColumn]: String(value) };
        if (target.companySpecific) key.dataAreaId = String(row.dataAreaId);
        assert.ok(store.exists(rel.target, key), `${rel.entitySet}.${rel.column}=${String(value)} has no ${rel.target} in ${String(row.dataAreaId)}`);
      }
    }
  } finally {
    store.close();
  }
});

test('rows respect the declared lengths, enums and required columns', () => {
  const { store } = seeded({ seed: 11, customers: 300 });
  try {
    for (const schema of FINOPS_ENTITY_SETS) {
      for (const row of store.query(schema.entitySet).rows) {
        for (const col of schema.columns) {
          const v = row[col.name];
          if (col.required) assert.ok(v !== null && v !== '', `${schema.entitySet}.${col.name} is required`);
          if (col.maxLength !== undefined && typeof v === 'string') assert.ok(v.length <= col.maxLength, `${schema.entitySet}.${col.name} too long: ${v}`);
          if (col.enumSymbols) assert.ok(col.enumSymbols.includes(String(v)), `${schema.entitySet}.${col.name}=${String(v)}`);
          if (col.type === 'string' && !col.readOnly) assert.notEqual(v, null, `${schema.entitySet}.${col.name} is null; F&O strings never are`);
        }
      }
    }
    const persons = store.query('CustomersV3', { filter: "PartyType eq 'Person'", count: true, limit: 0 }).count ?? 0;
    assert.ok(persons > 30 && persons < 150, `persons: ${persons}`);
  } finally {
    store.close();
  }
});

test('the same seed gives the same data; another seed does not', () => {
  const a = seeded({ seed: 5, customers: 90 });
  const b = seeded({ seed: 5, customers: 90 });
  const c = seeded({ seed: 6, customers: 90 });
  try {
    for (const set of ['CustomersV3', 'VendorsV2', 'ReleasedProductsV2', 'SalesOrderLines']) {
      assert.deepEqual(a.store.checksum(set), b.store.checksum(set), set);
    }
    assert.notEqual(a.store.checksum('CustomersV3').checksum, c.store.checksum('CustomersV3').checksum);
    assert.throws(() => seedFinops(a.store, { customers: -1 }), /customers must be a whole number >= 0/);
  } finally {
    for (const s of [a, b, c]) s.store.close();
  }
});
