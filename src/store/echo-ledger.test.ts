import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachDialect } from './test-each-dialect';

describeEachDialect('echo ledger', (store) => {
  it('puts, replaces and reads entries in batches, per map and side', async () => {
    await store().ledger.put([
      { map: 'ledger', side: 'dataverse', recordKey: 'usmf|C1', hash: 'h1', recordId: 'guid-1', version: '100', writtenAt: '2026-01-01T00:00:00Z' },
      { map: 'ledger', side: 'dataverse', recordKey: 'usmf|C2', hash: 'h2' },
      { map: 'ledger', side: 'finops', recordKey: 'usmf|C1', hash: 'f1' },
      { map: 'ledger', side: 'dataverse', recordKey: 'usmf|C2', hash: 'h2-later', version: '101' },
    ]);
    const found = await store().ledger.get('ledger', 'dataverse', ['usmf|C1', 'usmf|C2', 'usmf|C3']);
    assert.deepEqual([...found.keys()].sort(), ['usmf|C1', 'usmf|C2']);
    assert.deepEqual(found.get('usmf|C1'), { map: 'ledger', side: 'dataverse', recordKey: 'usmf|C1', hash: 'h1', recordId: 'guid-1', version: '100', writtenAt: '2026-01-01T00:00:00.000Z' });
    assert.equal(found.get('usmf|C2')?.hash, 'h2-later', 'the later entry of a key wins');
    assert.equal((await store().ledger.get('ledger', 'finops', ['usmf|C1'])).get('usmf|C1')?.hash, 'f1');

    await store().ledger.put([{ map: 'ledger', side: 'dataverse', recordKey: 'usmf|C1', hash: 'h1b', recordId: 'guid-1', version: '102' }]);
    assert.equal((await store().ledger.get('ledger', 'dataverse', ['usmf|C1'])).get('usmf|C1')?.version, '102');
  });

  it('finds entries by record id in any case, and lists the keys of a side', async () => {
    await store().ledger.put([
      { map: 'ledger-ids', side: 'dataverse', recordKey: '["usmf","C1"]', hash: 'h1', recordId: 'AB12CD34-0000-4000-8000-000000000001' },
      { map: 'ledger-ids', side: 'dataverse', recordKey: '["usmf","C2"]', hash: 'h2', recordId: 'ab12cd34-0000-4000-8000-000000000002' },
      { map: 'ledger-ids', side: 'finops', recordKey: '["usmf","C3"]', hash: 'h3' },
    ]);
    const found = await store().ledger.findByRecordIds('ledger-ids', 'dataverse', ['ab12cd34-0000-4000-8000-000000000001', 'AB12CD34-0000-4000-8000-000000000002', 'missing']);
    assert.deepEqual([...found.keys()].sort(), ['ab12cd34-0000-4000-8000-000000000001', 'ab12cd34-0000-4000-8000-000000000002']);
    assert.equal(found.get('ab12cd34-0000-4000-8000-000000000001')?.recordKey, '["usmf","C1"]');
    assert.equal((await store().ledger.findByRecordIds('ledger-ids', 'finops', ['ab12cd34-0000-4000-8000-000000000001'])).size, 0, 'per side');
    assert.deepEqual(await store().ledger.keys('ledger-ids', 'dataverse'), ['["usmf","C1"]', '["usmf","C2"]']);
    assert.deepEqual(await store().ledger.keys('ledger-ids', 'finops'), ['["usmf","C3"]']);
  });

  it('reads and writes thousands of keys per call', async () => {
    const entries = Array.from({ length: 3500 }, (_, i) => ({ map: 'ledger-bulk', side: 'finops' as const, recordKey: `k${i}`, hash: `h${i}` }));
    await store().ledger.put(entries);
    const found = await store().ledger.get('ledger-bulk', 'finops', entries.map((e) => e.recordKey));
    assert.equal(found.size, 3500);
    assert.equal(found.get('k3499')?.hash, 'h3499');
  });

  it('deletes single keys and clears a map', async () => {
    await store().ledger.put([
      { map: 'ledger-del', side: 'finops', recordKey: 'a', hash: '1' },
      { map: 'ledger-del', side: 'finops', recordKey: 'b', hash: '2' },
      { map: 'ledger-del', side: 'dataverse', recordKey: 'a', hash: '3' },
    ]);
    assert.equal(await store().ledger.delete('ledger-del', 'finops', ['a', 'zzz']), 1);
    assert.deepEqual([...(await store().ledger.get('ledger-del', 'finops', ['a', 'b'])).keys()], ['b']);
    assert.equal(await store().ledger.clear('ledger-del'), 2);
    assert.equal((await store().ledger.get('ledger-del', 'dataverse', ['a'])).size, 0);
    await assert.rejects(store().ledger.put([{ map: 'x', side: 'sap' as never, recordKey: 'a', hash: '1' }]), /ledger entry #0: side must be one of finops, dataverse/);
  });
});
