import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DATAVERSE_ENTITY_SETS } from './entities';
import { lookupTargets } from '../../schema/entity-schema';
import { seedDataverse } from './seed';
import { DataverseStore } from './store';

function seeded(seed: number): DataverseStore {
  const store = new DataverseStore(':memory:', DATAVERSE_ENTITY_SETS);
  seedDataverse(store, { seed, accounts: 50, contacts: 40, vendors: 10, products: 12, salesOrders: 8 });
  return store;
}

describe('Dataverse seed', () => {
  it('is deterministic per seed', () => {
    const a = seeded(3);
    const b = seeded(3);
    const c = seeded(4);
    for (const set of a.entitySets()) assert.equal(a.checksum(set), b.checksum(set), set);
    assert.notEqual(a.checksum('accounts'), c.checksum('accounts'));
    for (const s of [a, b, c]) s.close();
  });

  it('keeps every lookup pointing at an existing row of the right company', () => {
    const store = seeded(5);
    for (const schema of DATAVERSE_ENTITY_SETS) {
      for (const col of schema.columns.filter((x) => x.type === 'lookup')) {
        // A polymorphic lookup (customerid) may point at any of its tables.
        const inSomeTarget = lookupTargets(col)
          .map(({ entitySet }) => {
            const pk = DATAVERSE_ENTITY_SETS.find((s) => s.entitySet === entitySet)?.primaryKey[0] ?? '';
            return `EXISTS (SELECT 1 FROM "${entitySet}" t WHERE t."${pk}" = r."_${col.name}_value")`;
          })
          .join(' OR ');
        const dangling = store.scalar(`SELECT COUNT(*) FROM "${schema.entitySet}" r WHERE r."_${col.name}_value" IS NOT NULL AND NOT (${inSomeTarget})`, []);
        assert.equal(dangling, 0, `${schema.entitySet}.${col.name}`);
      }
    }
    const crossCompany = store.scalar(
      'SELECT COUNT(*) FROM accounts a JOIN msdyn_customergroups g ON g.msdyn_customergroupid = a._msdyn_customergroupid_value WHERE g._msdyn_company_value <> a._msdyn_company_value',
      [],
    );
    assert.equal(crossCompany, 0);
    assert.deepEqual(
      store.select('cdm_companies', 'SELECT cdm_companycode FROM cdm_companies ORDER BY cdm_companycode', []).map((r) => r.cdm_companycode),
      ['DEMF', 'USMF', 'USRT'],
    );
    assert.equal(store.count('accounts'), 50);
    store.close();
  });

  it('rejects bad options', () => {
    const store = new DataverseStore(':memory:', DATAVERSE_ENTITY_SETS);
    assert.throws(() => seedDataverse(store, { accounts: -1 }), /accounts must be a whole number/);
    assert.throws(() => seedDataverse(store, { seed: 1.5 }), /seed must be an integer/);
    store.close();
  });
});
