import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { InboxChange } from '../../src/store/inbox';
import { coalesce, toSourceChange } from './drain';

const change = (seq: number, recordKey: string, op: 'upsert' | 'delete', direction: InboxChange['direction'] = 'finops-to-dataverse'): InboxChange => ({
  seq,
  map: 'm',
  direction,
  recordKey,
  op,
  payload: op === 'upsert' ? { values: { v: seq } } : null,
  eventId: `e${seq}`,
  capturedAt: '2026-01-01T00:00:00.000Z',
  status: 'pending',
});

test('coalesce keeps the last change of each key and every seq to acknowledge', () => {
  const groups = coalesce([change(1, 'a', 'upsert'), change(2, 'b', 'upsert'), change(3, 'a', 'delete'), change(4, 'a', 'upsert')]);
  assert.deepEqual(
    groups.map((g) => [g.latest.recordKey, g.latest.seq, g.seqs]),
    [
      ['a', 4, [1, 3, 4]],
      ['b', 2, [2]],
    ],
  );
});

test('toSourceChange keys F&O changes by integration key and Dataverse ones by record id', () => {
  assert.equal(toSourceChange(change(1, '["usmf","A"]', 'upsert')).recordKey, '["usmf","A"]');
  const dv = toSourceChange({ ...change(2, 'id:x', 'delete', 'dataverse-to-finops'), payload: { recordId: 'x' } });
  assert.equal(dv.recordKey, undefined);
  assert.equal(dv.recordId, 'x');
  assert.equal(dv.ref, '2');
});
