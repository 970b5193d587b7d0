import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadStandardCatalog } from './catalog';
import { contentHash, mappedColumns } from './hash';
import type { TableMap } from './schema';
import { canonicalJson, sha256Hex } from './sha256';

const accounts = loadStandardCatalog().maps.find((m) => m.name === 'customers-v3-accounts') as TableMap;

describe('contentHash', () => {
  it('covers the mapped columns of one side, lookups in their read form', () => {
    const columns = mappedColumns(accounts, 'dataverse');
    assert.ok(columns.includes('_msdyn_customergroupid_value'));
    assert.ok(columns.includes('customertypecode'));
    assert.ok(!columns.includes('accountid'));
    assert.ok(mappedColumns(accounts, 'finops').includes('PartyType'));
  });

  const same: [string, Record<string, unknown>, Record<string, unknown>][] = [
    ['absent, null and empty text are all "no value"', { name: 'A', telephone1: null }, { name: 'A', telephone1: '' }],
    ['GUID case does not matter', { _msdyn_customergroupid_value: 'ABCDEF00-0000-0000-0000-000000000001' }, { _msdyn_customergroupid_value: 'abcdef00-0000-0000-0000-000000000001' }],
    ['system columns are ignored', { name: 'A', modifiedon: '2024-01-01', versionnumber: 1 }, { name: 'A', modifiedon: '2025-01-01', versionnumber: 2 }],
  ];
  for (const [title, a, b] of same) it(title, () => assert.equal(contentHash(accounts, 'dataverse', a), contentHash(accounts, 'dataverse', b)));

  const different: [string, Record<string, unknown>, Record<string, unknown>][] = [
    ['a changed mapped value', { name: 'A' }, { name: 'B' }],
    ['a number against its text', { creditlimit: 1 }, { creditlimit: '1' }],
    ['a changed lookup', { _msdyn_customergroupid_value: 'a' }, { _msdyn_customergroupid_value: 'b' }],
  ];
  for (const [title, a, b] of different) it(title, () => assert.notEqual(contentHash(accounts, 'dataverse', a), contentHash(accounts, 'dataverse', b)));

  it('is a 64-character hex SHA-256 and stable across calls', () => {
    const h = contentHash(accounts, 'finops', { CustomerAccount: 'US-001', OrganizationName: 'Contoso' });
    assert.match(h, /^[0-9a-f]{64}$/);
    assert.equal(h, contentHash(accounts, 'finops', { OrganizationName: 'Contoso', CustomerAccount: 'US-001' }));
  });

  it('is the same digest as the plain-TypeScript SHA-256, so ledgers written before stay valid', () => {
    const row = { CustomerAccount: 'US-001', OrganizationName: 'Zoë Ltd — ünïcode', CreditLimit: 1500.5 };
    const picked = Object.fromEntries(mappedColumns(accounts, 'finops').map((c) => [c, Object.hasOwn(row, c) ? row[c as keyof typeof row] : null]));
    assert.equal(contentHash(accounts, 'finops', row), sha256Hex(canonicalJson(picked)));
  });
});
