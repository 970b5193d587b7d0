import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { ErrorRecordInput } from './error-queue';
import { describeEachDialect } from './test-each-dialect';

const failure = (map: string, recordKey: string, extra: Partial<ErrorRecordInput> = {}): ErrorRecordInput => ({
  map,
  direction: 'finops-to-dataverse',
  recordKey,
  class: 'validation',
  httpStatus: 400,
  code: '0x80040203',
  message: `Invalid value for ${recordKey}`,
  payload: { name: recordKey },
  change: { op: 'upsert', payload: { Name: recordKey }, sourceVersion: '3', changedAt: '2026-01-01T00:00:00Z', inboxSeq: 12 },
  ...extra,
});

describeEachDialect('error queue', (store) => {
  it('keeps one record per map, direction and key: repeats count attempts, resolved ones reopen as new incidents', async () => {
    const [first] = await store().errors.record(failure('upsert', 'k1', { at: '2026-01-01T10:00:00Z' }));
    assert.ok(first);
    assert.equal(first.attempts, 1);
    assert.equal(first.status, 'open');
    assert.deepEqual(first.payload, { name: 'k1' });
    assert.deepEqual(first.change, { op: 'upsert', payload: { Name: 'k1' }, sourceVersion: '3', changedAt: '2026-01-01T00:00:00.000Z', inboxSeq: 12 });

    // A repeat without the change keeps the one held, and takes the newest class and message.
    const [second] = await store().errors.record({ ...failure('upsert', 'k1', { at: '2026-01-01T11:00:00Z', class: 'missing-lookup', message: 'no parent' }), change: undefined });
    assert.ok(second);
    assert.equal(second.id, first.id);
    assert.equal(second.attempts, 2);
    assert.equal(second.class, 'missing-lookup');
    assert.equal(second.message, 'no parent');
    assert.equal(second.firstSeenAt, '2026-01-01T10:00:00.000Z');
    assert.equal(second.lastSeenAt, '2026-01-01T11:00:00.000Z');
    assert.deepEqual(second.change?.payload, { Name: 'k1' });

    const [otherDirection] = await store().errors.record(failure('upsert', 'k1', { direction: 'dataverse-to-finops' }));
    assert.notEqual(otherDirection?.id, first.id);

    assert.equal(await store().errors.markResolved('upsert', 'finops-to-dataverse', ['k1', 'never-failed']), 1);
    assert.equal((await store().errors.get(first.id))?.status, 'resolved');
    assert.equal((await store().errors.get(otherDirection?.id ?? -1))?.status, 'open', 'the other direction is a different record');
    assert.equal(await store().errors.markResolved('upsert', 'finops-to-dataverse', ['k1']), 0);

    const [reopened] = await store().errors.record(failure('upsert', 'k1', { at: '2026-01-02T00:00:00Z' }));
    assert.equal(reopened?.id, first.id);
    assert.equal(reopened?.status, 'open');
    assert.equal(reopened?.attempts, 1);
    assert.equal(reopened?.firstSeenAt, '2026-01-02T00:00:00.000Z');
    assert.equal(await store().errors.get(999_999), undefined);
  });

  it('filters by map, class, status, text and time, newest first, paging with a cursor', async () => {
    await store().errors.record([
      failure('filter-a', 'CUST-001', { at: '2026-02-01T00:00:00Z', class: 'validation', message: 'Name is too long' }),
      failure('filter-a', 'CUST-002', { at: '2026-02-02T00:00:00Z', class: 'conflict', httpStatus: 412, message: 'Precondition failed' }),
      failure('filter-a', 'CUST-003', { at: '2026-02-03T00:00:00Z', class: 'auth', httpStatus: 403, message: 'Forbidden', code: 'AUTHZ_42' }),
      failure('filter-b', 'VEND_%1', { at: '2026-02-04T00:00:00Z', class: 'validation', message: 'Bad 100% value' }),
    ]);
    const keys = async (query: Parameters<ReturnType<typeof store>['errors']['list']>[0]) => (await store().errors.list(query)).items.map((e) => e.recordKey);

    assert.deepEqual(await keys({ map: 'filter-a' }), ['CUST-003', 'CUST-002', 'CUST-001']);
    assert.deepEqual(await keys({ class: 'validation', since: '2026-02-01T00:00:00Z', until: '2026-03-01T00:00:00Z' }), ['VEND_%1', 'CUST-001']);
    assert.deepEqual(await keys({ map: 'filter-a', class: ['conflict', 'auth'] }), ['CUST-003', 'CUST-002']);
    assert.deepEqual(await keys({ map: 'filter-a', since: '2026-02-02T00:00:00Z', until: '2026-02-03T00:00:00Z' }), ['CUST-002']);
    assert.deepEqual(await keys({ text: 'PRECONDITION' }), ['CUST-002'], 'text search ignores case');
    assert.deepEqual(await keys({ text: 'authz_42' }), ['CUST-003'], 'text search covers the error code');
    assert.deepEqual(await keys({ text: 'cust-00', map: 'filter-a', limit: 1000 }), ['CUST-003', 'CUST-002', 'CUST-001'], 'text search covers the record key');
    assert.deepEqual(await keys({ text: '_%' }), ['VEND_%1'], 'wildcards in the text match literally');
    assert.deepEqual(await keys({ text: '100%' }), ['VEND_%1']);
    assert.equal(await store().errors.count({ map: 'filter-a', status: 'open' }), 3);
    assert.equal(await store().errors.count({ map: 'filter-a', status: 'resolved' }), 0);
    assert.deepEqual(await store().errors.summary({ map: 'filter-a' }), [
      { map: 'filter-a', class: 'auth', status: 'open', count: 1 },
      { map: 'filter-a', class: 'conflict', status: 'open', count: 1 },
      { map: 'filter-a', class: 'validation', status: 'open', count: 1 },
    ]);
    assert.deepEqual(await store().errors.summary({ class: 'validation', since: '2026-02-01T00:00:00Z', until: '2026-03-01T00:00:00Z' }), [
      { map: 'filter-a', class: 'validation', status: 'open', count: 1 },
      { map: 'filter-b', class: 'validation', status: 'open', count: 1 },
    ]);

    const page1 = await store().errors.list({ map: 'filter-a', limit: 2 });
    assert.deepEqual(page1.items.map((e) => e.recordKey), ['CUST-003', 'CUST-002']);
    assert.ok(page1.nextCursor);
    const page2 = await store().errors.list({ map: 'filter-a', limit: 2, cursor: page1.nextCursor });
    assert.deepEqual(page2.items.map((e) => e.recordKey), ['CUST-001']);
    assert.equal(page2.nextCursor, undefined);

    await assert.rejects(store().errors.list({ cursor: 'garbage' }), /cursor "garbage" is not valid/);
    await assert.rejects(store().errors.list({ class: 'boom' as never }), /error filter: class must be one of/);
    await assert.rejects(store().errors.list({ since: 'last week' }), /error filter: since: "last week" is not a valid timestamp/);
  });

  it('pages correctly through records that share a last-seen time', async () => {
    const at = '2026-04-01T00:00:00Z';
    await store().errors.record(Array.from({ length: 7 }, (_, i) => failure('same-time', `k${i}`, { at })));
    const collected: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await store().errors.list({ map: 'same-time', limit: 3, ...(cursor !== undefined ? { cursor } : {}) });
      collected.push(...page.items.map((e) => e.recordKey));
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    assert.deepEqual([...collected].sort(), ['k0', 'k1', 'k2', 'k3', 'k4', 'k5', 'k6']);
    assert.equal(new Set(collected).size, 7);
  });

  it('discards by ids or by filter, only records still open or retrying', async () => {
    const recorded = await store().errors.record([failure('discard', 'a'), failure('discard', 'b'), failure('discard', 'c', { class: 'transform' })]);
    const [a, b] = recorded;
    assert.ok(a && b);
    await store().errors.markResolved('discard', 'finops-to-dataverse', ['b']);
    assert.equal(await store().errors.discard({ ids: [a.id, b.id] }), 1, 'a resolved record stays resolved');
    assert.equal((await store().errors.get(a.id))?.status, 'discarded');
    assert.equal((await store().errors.get(b.id))?.status, 'resolved');
    assert.equal(await store().errors.discard({ map: 'discard', class: 'transform' }), 1);
    assert.equal(await store().errors.discard({ ids: [] }), 0);
    assert.equal(await store().errors.count({ map: 'discard', status: 'open' }), 0);
  });

  it('takeForRetry claims open records once, oldest first, even for concurrent callers', async () => {
    await store().errors.record(Array.from({ length: 40 }, (_, i) => failure('retry', `k${String(i).padStart(2, '0')}`)));
    const first = await store().errors.takeForRetry({ map: 'retry', limit: 5 });
    assert.deepEqual(first.map((e) => e.recordKey), ['k00', 'k01', 'k02', 'k03', 'k04']);
    assert.ok(first.every((e) => e.status === 'retrying'));
    assert.deepEqual(await store().errors.takeForRetry({ ids: first.map((e) => e.id) }), [], 'records being retried are not handed out again');

    const batches = await Promise.all(Array.from({ length: 4 }, () => store().errors.takeForRetry({ map: 'retry', limit: 12 })));
    const taken = batches.flatMap((batch) => batch.map((e) => e.recordKey));
    assert.equal(taken.length, 35);
    assert.equal(new Set(taken).size, 35, 'no record was handed to two callers');

    // A retry that fails again is recorded again and becomes open; a stuck retry can be taken over by filter.
    await store().errors.record(failure('retry', 'k00', { class: 'unavailable', message: 'still down' }));
    const again = await store().errors.get(first[0]?.id ?? -1);
    assert.equal(again?.status, 'open');
    assert.equal(again?.attempts, 2);
    const stuck = await store().errors.takeForRetry({ map: 'retry', status: 'retrying', limit: 1000 });
    assert.equal(stuck.length, 39);
  });

  it('purges closed records past retention and keeps open ones unless asked', async () => {
    const [old, open] = await store().errors.record([failure('purge', 'old', { at: '2020-01-01T00:00:00Z' }), failure('purge', 'open', { at: '2020-01-01T00:00:00Z' })]);
    assert.ok(old && open);
    await store().errors.markResolved('purge', 'finops-to-dataverse', ['old'], '2020-01-02T00:00:00Z');
    assert.equal(await store().errors.purge('2020-01-01T12:00:00Z'), 0, 'resolved after the cut-off');
    assert.equal(await store().errors.purge('2021-01-01T00:00:00Z'), 1);
    assert.equal(await store().errors.get(old.id), undefined);
    assert.ok(await store().errors.get(open.id));
    assert.equal(await store().errors.purge('2021-01-01T00:00:00Z', { includeOpen: true }), 1);
    assert.equal(await store().errors.get(open.id), undefined);
  });

  it('rejects bad records with the field at fault', async () => {
    await assert.rejects(store().errors.record(failure('bad', 'k', { class: 'oops' as never })), /error record #0: class must be one of throttled, .*parked; got "oops"/);
    await assert.rejects(store().errors.record([failure('bad', 'k'), failure('bad', 'k', { at: 'soon' })]), /error record #1: at: "soon" is not a valid timestamp/);
    assert.equal(await store().errors.count({ map: 'bad' }), 0, 'a rejected call records nothing');
  });
});
