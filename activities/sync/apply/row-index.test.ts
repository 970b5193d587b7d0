import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KeyValues } from '../../../src/connectors/types';
import { matches } from './lookup-resolver';
import { RowIndex } from './row-index';

test('RowIndex finds what matches() finds: text ignoring case, other values strictly, first row of a key', () => {
  const rows = [
    { dataAreaId: 'USMF', CustomerAccount: 'US-001', n: 1 },
    { dataAreaId: 'usmf', CustomerAccount: 'us-001', n: 2 },
    { dataAreaId: 'usrt', CustomerAccount: 'US-001', n: 3 },
    { id: 7, n: 4 },
    { id: '8', n: 5 },
    { id: null, n: 6 },
  ];
  const index = new RowIndex(rows);
  const keys: KeyValues[] = [
    { CustomerAccount: 'us-001', dataAreaId: 'usmf' },
    { dataAreaId: 'USRT', CustomerAccount: 'us-001' },
    { dataAreaId: 'demf', CustomerAccount: 'US-001' },
    { id: 7 },
    { id: '7' },
    { id: 8 },
    { id: '8' },
  ];
  for (const key of keys) assert.equal(index.find(key), rows.find((r) => matches(r, key)), JSON.stringify(key));
  assert.equal(index.find({ dataAreaId: 'usmf', CustomerAccount: 'US-001' })?.n, 1, 'the first row of a key wins');
  assert.equal(new RowIndex([]).find({ id: 1 }), undefined);
});
