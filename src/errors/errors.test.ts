import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openTempStore, recordFailures } from '../alerts/test-support/temp-store';
import type { Store } from '../store';
import { discardErrors, listErrors, parseTimeArg, purgeExpired, retryErrors, toErrorFilter } from '.';

describe('error-queue operations', () => {
  let store: Store;
  let cleanup: () => Promise<void>;
  before(async () => {
    ({ store, cleanup } = await openTempStore());
  });
  after(() => cleanup());

  it('retry by ids: requeues open records with the engine\'s inbox shape, skips the others, logs it', async () => {
    await recordFailures(store, 'retry-ids', 3, { at: '2026-11-26T09:00:00.000Z' });
    const [fromDataverse] = await store.errors.record({
      map: 'retry-ids',
      direction: 'dataverse-to-finops',
      recordKey: 'usmf|C9',
      recordId: 'AB12CD34-0000-0000-0000-00000000ABCD',
      class: 'missing-lookup',
      message: 'customer group 10 does not exist',
      change: { op: 'delete', changedAt: '2026-11-26T08:59:00.000Z' },
      at: '2026-11-26T09:00:01.000Z',
    });
    const [first, second] = (await store.errors.list({ map: 'retry-ids', direction: 'finops-to-dataverse' })).items;
    await store.errors.markResolved('retry-ids', 'finops-to-dataverse', [second!.recordKey]);

    const result = await retryErrors({ store }, { ids: [first!.id, second!.id, fromDataverse!.id, 999_999] }, { by: 'alice' });
    assert.equal(result.retried, 2);
    assert.equal(result.requeued, 2);
    assert.deepEqual(result.byMap, { 'retry-ids': 2 });
    assert.deepEqual(result.skippedIds.sort((a, b) => a - b), [second!.id, 999_999].sort((a, b) => a - b));
    assert.match(result.pokeError ?? '', /no Temporal connection/);
    assert.equal((await store.errors.get(first!.id))?.status, 'retrying');
    assert.equal((await store.errors.get(second!.id))?.status, 'resolved');

    const inbox = await store.inbox.readBatch({ map: 'retry-ids', limit: 10 });
    const dv = inbox.find((c) => c.direction === 'dataverse-to-finops');
    assert.deepEqual(
      { recordKey: dv?.recordKey, op: dv?.op, eventId: dv?.eventId, changedAt: dv?.changedAt },
      { recordKey: 'id:ab12cd34-0000-0000-0000-00000000abcd', op: 'delete', eventId: `retry:${fromDataverse!.id}:1`, changedAt: '2026-11-26T08:59:00.000Z' },
    );
    const fo = inbox.find((c) => c.direction === 'finops-to-dataverse');
    assert.equal(fo?.recordKey, first!.recordKey);
    assert.deepEqual(fo?.payload, first!.change?.payload);

    const log = await store.log.query({ map: 'retry-ids', type: 'error' });
    assert.equal(log.items[0]?.actor, 'alice');
    assert.match(log.items[0]?.message ?? '', /2 failed record\(s\) queued for retry/);
  });

  it('retry by filter claims every match across batches of 1,000, and only the matching class', async () => {
    await recordFailures(store, 'retry-bulk', 1200, { at: '2026-11-26T09:00:00.000Z' });
    await recordFailures(store, 'retry-bulk', 5, { class: 'conflict', at: '2026-11-26T09:00:00.000Z', keyPrefix: 'usrt|K' });
    const result = await retryErrors({ store }, { map: 'retry-bulk', class: 'validation' });
    assert.equal(result.retried, 1200);
    assert.equal(result.requeued, 1200);
    assert.equal(await store.inbox.count({ map: 'retry-bulk' }), 1200);
    assert.equal(await store.errors.count({ map: 'retry-bulk', status: 'retrying' }), 1200);
    assert.equal(await store.errors.count({ map: 'retry-bulk', status: 'open', class: 'conflict' }), 5);

    const limited = await retryErrors({ store }, { map: 'retry-bulk' }, { limit: 2 });
    assert.equal(limited.retried, 2);
  });

  it('taking over lost retries (status=retrying) is one bounded pass, and a change already queued is not queued twice', async () => {
    const before = await store.errors.count({ map: 'retry-bulk', status: 'retrying' });
    const result = await retryErrors({ store }, { map: 'retry-bulk', status: 'retrying' });
    assert.equal(result.retried, 1000);
    assert.equal(result.requeued, 0, 'the same retry event ids are already in the inbox');
    assert.equal(await store.errors.count({ map: 'retry-bulk', status: 'retrying' }), before);
  });

  it('retry by more than 1,000 ids claims them all', async () => {
    await recordFailures(store, 'retry-many-ids', 1100, { at: '2026-11-26T09:00:00.000Z' });
    const ids: number[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.errors.list({ map: 'retry-many-ids', limit: 1000, ...(cursor ? { cursor } : {}) });
      ids.push(...page.items.map((r) => r.id));
      cursor = page.nextCursor;
    } while (cursor);
    const result = await retryErrors({ store }, { ids: [...ids, 999_998] });
    assert.deepEqual([result.retried, result.requeued, result.skippedIds], [1100, 1100, [999_998]]);
  });

  it('a failure after a retry gets a new event id, so the next retry is queued again', async () => {
    await recordFailures(store, 'retry-again', 1, { at: '2026-11-26T09:00:00.000Z' });
    await retryErrors({ store }, { map: 'retry-again' });
    await recordFailures(store, 'retry-again', 1, { at: '2026-11-26T09:05:00.000Z' });
    const again = await retryErrors({ store }, { map: 'retry-again' });
    assert.deepEqual([again.retried, again.requeued], [1, 1]);
    assert.equal(await store.inbox.count({ map: 'retry-again' }), 2);
  });

  it('discard by ids and by filter closes open and retrying records and logs who did it', async () => {
    await recordFailures(store, 'discard-me', 4, { at: '2026-11-26T09:00:00.000Z' });
    const { items } = await store.errors.list({ map: 'discard-me' });
    assert.deepEqual(await discardErrors(store, { ids: [items[0]!.id] }, { by: 'bob' }), { discarded: 1 });
    assert.deepEqual(await discardErrors(store, { map: 'discard-me', text: 'record 1 ' }), { discarded: 1 });
    assert.deepEqual(await discardErrors(store, { map: 'discard-me' }), { discarded: 2 });
    assert.deepEqual(await discardErrors(store, { map: 'discard-me' }), { discarded: 0 });
    assert.equal(await store.errors.count({ map: 'discard-me', status: 'discarded' }), 4);
    const log = await store.log.query({ type: 'error' });
    assert.ok(log.items.some((e) => e.actor === 'bob' && /1 failed record\(s\) discarded/.test(e.message)));
  });

  it('bad ids and filters are refused with what was expected', async () => {
    await assert.rejects(retryErrors({ store }, { ids: [0] }), /error id "0" is not valid: expected a positive whole number/);
    await assert.rejects(discardErrors(store, { class: 'validaton' }), /class: "validaton" is not valid: expected one of throttled, .*parked/);
    await assert.rejects(listErrors(store, { status: 'closed' }), /status: "closed" is not valid/);
    await assert.rejects(listErrors(store, { limit: 5000 }), /limit: 5000 is not valid: expected a whole number from 1 to 1000/);
    await assert.rejects(listErrors(store, { since: 'yesterday' }), /since: "yesterday" is not a time/);
  });

  it('listErrors filters by class lists, text and relative times, and pages with the cursor', async () => {
    const now = new Date('2026-11-26T12:00:00.000Z');
    await recordFailures(store, 'list-me', 3, { at: '2026-11-26T11:50:00.000Z' });
    await recordFailures(store, 'list-me', 2, { class: 'conflict', at: '2026-11-26T10:00:00.000Z', keyPrefix: 'demf|Q' });
    assert.equal((await listErrors(store, { map: 'list-me', class: 'validation,conflict' }, now)).items.length, 5);
    assert.equal((await listErrors(store, { map: 'list-me', since: '15m' }, now)).items.length, 3);
    assert.equal((await listErrors(store, { map: 'list-me', until: '1h' }, now)).items.length, 2);
    assert.equal((await listErrors(store, { map: 'list-me', text: 'DEMF|q' }, now)).items.length, 2);
    const page1 = await listErrors(store, { map: 'list-me', limit: 4 }, now);
    assert.equal(page1.items.length, 4);
    const page2 = await listErrors(store, { map: 'list-me', limit: 4, cursor: page1.nextCursor! }, now);
    assert.equal(page2.items.length, 1);
    assert.equal(page2.nextCursor, undefined);
  });

  it('purgeExpired removes settled inbox rows, closed errors and old log entries; keeps pending and open', async () => {
    const { store: s, cleanup: done } = await openTempStore();
    try {
      const old = '2026-10-01T00:00:00.000Z';
      const now = new Date('2026-11-26T00:00:00.000Z');
      await s.inbox.append([
        { map: 'p', direction: 'finops-to-dataverse', recordKey: 'a', op: 'upsert', eventId: 'e1', capturedAt: old },
        { map: 'p', direction: 'finops-to-dataverse', recordKey: 'b', op: 'upsert', eventId: 'e2', capturedAt: old },
      ]);
      const [done1] = await s.inbox.readBatch({ map: 'p', limit: 1 });
      await s.inbox.ack([done1!.seq]);
      await recordFailures(s, 'p', 2, { at: old });
      const { items } = await s.errors.list({ map: 'p' });
      await s.errors.discard({ ids: [items[0]!.id] }, old);
      await s.log.append([{ type: 'batch', message: 'old', at: old }, { type: 'batch', message: 'new', at: '2026-11-25T00:00:00.000Z' }]);

      // Acked now, so the done row is not yet 7 days settled: only the error and the log entry go.
      assert.deepEqual(await purgeExpired(s, {}, now), { errors: 1, logs: 1, inbox: 0 });
      assert.deepEqual(await purgeExpired(s, { inboxDays: 0 }, new Date(Date.now() + 1000)), { errors: 0, logs: 0, inbox: 1 });
      assert.equal(await s.inbox.count({ map: 'p', status: 'pending' }), 1);
      assert.equal(await s.errors.count({ map: 'p', status: 'open' }), 1);
      assert.deepEqual((await s.log.query()).items.map((e) => e.message), ['new']);
      await assert.rejects(purgeExpired(s, { logsDays: -1 }), /logsDays: -1 is not a number of days/);
    } finally {
      await done();
    }
  });

  it('parseTimeArg and toErrorFilter', () => {
    const now = new Date('2026-11-26T12:00:00.000Z');
    assert.equal(parseTimeArg('90s', 'since', now), '2026-11-26T11:58:30.000Z');
    assert.equal(parseTimeArg('2h', 'since', now), '2026-11-26T10:00:00.000Z');
    assert.equal(parseTimeArg('7d', 'since', now), '2026-11-19T12:00:00.000Z');
    assert.equal(parseTimeArg('2026-11-01', 'since', now), '2026-11-01T00:00:00.000Z');
    assert.equal(parseTimeArg('2026-11-01T10:00:00+01:00', 'since', now), '2026-11-01T09:00:00.000Z');
    assert.throws(() => parseTimeArg('12', 'until', now), /until: "12" is not a time/);
    assert.deepEqual(toErrorFilter({ class: ['validation', 'conflict,auth'], status: '', map: '' }), { class: ['validation', 'conflict', 'auth'] });
  });
});
