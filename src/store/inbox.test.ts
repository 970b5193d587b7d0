import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { InboxChangeInput } from './inbox';
import { describeEachDialect } from './test-each-dialect';

const change = (map: string, recordKey: string, eventId: string, extra: Partial<InboxChangeInput> = {}): InboxChangeInput => ({
  map,
  direction: 'finops-to-dataverse',
  recordKey,
  op: 'upsert',
  payload: { key: recordKey, event: eventId },
  eventId,
  ...extra,
});

describeEachDialect('change inbox', (store) => {
  it('de-duplicates by map, direction and event id, across calls and within one call', async () => {
    const first = await store().inbox.append([change('dedup', 'a', 'e1'), change('dedup', 'a', 'e1'), change('dedup', 'b', 'e2')]);
    assert.deepEqual(first, { appended: 2, duplicates: 1, maps: ['dedup'] });
    const again = await store().inbox.append([change('dedup', 'a', 'e1'), change('dedup', 'c', 'e3')]);
    assert.deepEqual(again, { appended: 1, duplicates: 1, maps: ['dedup'] });
    // The same event id is a different change in the other direction or another map.
    const elsewhere = await store().inbox.append([change('dedup', 'a', 'e1', { direction: 'dataverse-to-finops' }), change('dedup-other', 'a', 'e1')]);
    assert.deepEqual(elsewhere, { appended: 2, duplicates: 0, maps: ['dedup', 'dedup-other'] });
    assert.equal(await store().inbox.count({ map: 'dedup' }), 4);
  });

  it('keeps de-duplicating after ack until the settled change is purged', async () => {
    await store().inbox.append([change('dedup-ack', 'a', 'once')]);
    const [row] = await store().inbox.readBatch({ map: 'dedup-ack', limit: 10 });
    assert.ok(row);
    assert.equal(await store().inbox.ack([row.seq]), 1);
    assert.equal(await store().inbox.ack([row.seq]), 0, 'ack is idempotent');
    assert.equal((await store().inbox.append([change('dedup-ack', 'a', 'once')])).duplicates, 1);
    assert.equal(await store().inbox.purge('2000-01-01T00:00:00Z'), 0, 'nothing settled that long ago');
    assert.ok((await store().inbox.purge(new Date(Date.now() + 60_000).toISOString())) >= 1);
    assert.equal((await store().inbox.append([change('dedup-ack', 'a', 'once')])).appended, 1);
    assert.equal(await store().inbox.count({ map: 'dedup' }), 4, 'purge never touches pending changes');
  });

  it('never reuses a sequence number, even after the newest changes are purged', async () => {
    await store().inbox.append([change('seq', 'a', 's1'), change('seq', 'a', 's2')]);
    const rows = await store().inbox.readBatch({ map: 'seq', limit: 10 });
    const highest = Math.max(...rows.map((r) => r.seq));
    await store().inbox.ack(rows.map((r) => r.seq));
    await store().inbox.purge(new Date(Date.now() + 60_000).toISOString());
    await store().inbox.append([change('seq', 'a', 's3')]);
    const [next] = await store().inbox.readBatch({ map: 'seq', limit: 10 });
    assert.ok(next !== undefined && next.seq > highest, `new seq ${next?.seq} must exceed ${highest}`);
  });

  it('returns pending changes in capture order, per key and overall, round-tripping every field', async () => {
    const keys = ['k1', 'k2', 'k3'];
    for (let round = 0; round < 4; round++) {
      await store().inbox.append(keys.map((k) => change('order', k, `${k}-${round}`, { sourceVersion: String(round), changedAt: `2026-03-0${round + 1}T10:00:00+02:00` })));
    }
    const rows = await store().inbox.readBatch({ map: 'order', limit: 100 });
    assert.equal(rows.length, 12);
    assert.deepEqual(
      rows.map((r) => r.seq),
      [...rows.map((r) => r.seq)].sort((a, b) => a - b),
    );
    for (const k of keys) {
      assert.deepEqual(
        rows.filter((r) => r.recordKey === k).map((r) => r.eventId),
        [0, 1, 2, 3].map((round) => `${k}-${round}`),
      );
    }
    const first = rows[0];
    assert.ok(first);
    assert.deepEqual(
      { ...first, seq: 0, capturedAt: '' },
      {
        seq: 0,
        map: 'order',
        direction: 'finops-to-dataverse',
        recordKey: 'k1',
        op: 'upsert',
        payload: { key: 'k1', event: 'k1-0' },
        sourceVersion: '0',
        changedAt: '2026-03-01T08:00:00.000Z',
        eventId: 'k1-0',
        capturedAt: '',
        status: 'pending',
      },
    );
  });

  it('pages with afterSeq and limit, filters by direction, and ack removes changes from the backlog', async () => {
    await store().inbox.append([
      change('paging', 'a', 'p1'),
      change('paging', 'b', 'p2', { direction: 'dataverse-to-finops', op: 'delete', payload: null }),
      change('paging', 'c', 'p3'),
    ]);
    const page1 = await store().inbox.readBatch({ map: 'paging', limit: 2 });
    assert.deepEqual(page1.map((r) => r.eventId), ['p1', 'p2']);
    assert.equal(page1[1]?.payload, null);
    assert.equal(page1[1]?.op, 'delete');
    const page2 = await store().inbox.readBatch({ map: 'paging', limit: 2, afterSeq: page1[1]?.seq });
    assert.deepEqual(page2.map((r) => r.eventId), ['p3']);
    const reverse = await store().inbox.readBatch({ map: 'paging', limit: 10, direction: 'dataverse-to-finops' });
    assert.deepEqual(reverse.map((r) => r.eventId), ['p2']);

    const before = await store().inbox.backlog('paging');
    assert.equal(before.pending, 3);
    assert.equal(before.oldestSeq, page1[0]?.seq);
    await store().inbox.ack(page1.map((r) => r.seq));
    const afterAck = await store().inbox.backlog('paging');
    assert.equal(afterAck.pending, 1);
    assert.equal(afterAck.oldestSeq, page2[0]?.seq);
    assert.deepEqual((await store().inbox.readBatch({ map: 'paging', limit: 10 })).map((r) => r.eventId), ['p3']);
    assert.equal(await store().inbox.count({ map: 'paging', status: 'done' }), 2);
    assert.deepEqual(await store().inbox.backlog('paging-empty'), { pending: 0 });
  });

  it('park moves the backlog to the error queue, one retryable record per key holding its latest change', async () => {
    await store().inbox.append([
      change('parking', 'a', 'a1', { payload: { v: 1 } }),
      change('parking', 'b', 'b1', { payload: { v: 1 } }),
      change('parking', 'a', 'a2', { payload: { v: 2 }, sourceVersion: '7', changedAt: '2026-02-02T00:00:00Z' }),
      change('parking', 'a', 'a3', { direction: 'dataverse-to-finops', op: 'delete', payload: null }),
      change('not-parking', 'a', 'x1'),
    ]);
    const result = await store().inbox.park('parking', '2026-05-01T00:00:00Z');
    assert.deepEqual(result, { parked: 4, errorRecords: 3 });
    assert.equal(await store().inbox.count({ map: 'parking' }), 0);
    assert.equal(await store().inbox.count({ map: 'parking', status: 'parked' }), 4);
    assert.equal(await store().inbox.count({ map: 'not-parking' }), 1, 'other maps keep their backlog');

    const { items } = await store().errors.list({ map: 'parking' });
    const byKey = new Map(items.map((e) => [`${e.direction}/${e.recordKey}`, e]));
    assert.equal(items.length, 3);
    const a = byKey.get('finops-to-dataverse/a');
    assert.ok(a);
    assert.equal(a.class, 'parked');
    assert.equal(a.status, 'open');
    assert.equal(a.lastSeenAt, '2026-05-01T00:00:00.000Z');
    assert.deepEqual(a.change, { op: 'upsert', payload: { v: 2 }, sourceVersion: '7', changedAt: '2026-02-02T00:00:00.000Z', inboxSeq: a.change?.inboxSeq });
    assert.equal(typeof a.change?.inboxSeq, 'number');
    assert.deepEqual(byKey.get('dataverse-to-finops/a')?.change?.op, 'delete');
    assert.deepEqual(byKey.get('finops-to-dataverse/b')?.change?.payload, { v: 1 });

    // Parking again after new changes refreshes the existing record instead of adding one.
    await store().inbox.append([change('parking', 'b', 'b2', { payload: { v: 2 } })]);
    assert.deepEqual(await store().inbox.park('parking'), { parked: 1, errorRecords: 1 });
    const b = (await store().errors.list({ map: 'parking', text: 'parked' })).items.find((e) => e.recordKey === 'b');
    assert.deepEqual(b?.change?.payload, { v: 2 });
    assert.deepEqual(await store().inbox.park('parking'), { parked: 0, errorRecords: 0 });
  });

  it('discard drops the backlog of one map and reports how many', async () => {
    await store().inbox.append([change('discarding', 'a', 'd1'), change('discarding', 'b', 'd2'), change('keeping', 'a', 'd1')]);
    assert.equal(await store().inbox.discard('discarding'), 2);
    assert.equal(await store().inbox.discard('discarding'), 0);
    assert.equal(await store().inbox.count({ map: 'discarding' }), 0);
    assert.equal(await store().inbox.count({ map: 'discarding', status: 'discarded' }), 2);
    assert.equal(await store().inbox.count({ map: 'keeping' }), 1);
    assert.equal((await store().inbox.append([change('discarding', 'a', 'd1')])).duplicates, 1, 'a discarded event is still known');
  });

  it('concurrent appends lose nothing and a reader following afterSeq sees every change', async () => {
    const writers = 6;
    const perWriter = 50;
    const seen: string[] = [];
    let afterSeq: number | undefined;
    const drain = async () => {
      const rows = await store().inbox.readBatch({ map: 'concurrent', limit: 1000, ...(afterSeq !== undefined ? { afterSeq } : {}) });
      for (const r of rows) seen.push(r.eventId);
      if (rows.length > 0) afterSeq = rows[rows.length - 1]?.seq;
    };
    await Promise.all([
      ...Array.from({ length: writers }, async (_, w) => {
        for (let i = 0; i < perWriter; i++) await store().inbox.append([change('concurrent', `k${i % 7}`, `w${w}-${i}`)]);
      }),
      (async () => {
        for (let i = 0; i < 20; i++) await drain();
      })(),
    ]);
    await drain();
    assert.equal(seen.length, writers * perWriter);
    assert.equal(new Set(seen).size, writers * perWriter);
    // Each writer's own changes are read in the order it appended them.
    for (let w = 0; w < writers; w++) {
      assert.deepEqual(
        seen.filter((e) => e.startsWith(`w${w}-`)),
        Array.from({ length: perWriter }, (_, i) => `w${w}-${i}`),
      );
    }
  });

  it('appends started together share commits, yet each caller gets its own result, in call order', async () => {
    const results = await Promise.all([
      store().inbox.append([change('group', 'a', 'g1'), change('group', 'b', 'g2')]),
      store().inbox.append([change('group', 'a', 'g1'), change('group-2', 'c', 'g3')]),
      store().inbox.append([change('group', 'd', 'g4'), change('group', 'd', 'g4')]),
      store().inbox.append([{ ...change('group', 'e', 'g5'), op: 'merge' as never }]).catch((err: Error) => err),
      store().inbox.append([change('group', 'f', 'g6')]),
    ]);
    assert.deepEqual(results.slice(0, 3), [
      { appended: 2, duplicates: 0, maps: ['group'] },
      { appended: 1, duplicates: 1, maps: ['group-2'] },
      { appended: 1, duplicates: 1, maps: ['group'] },
    ]);
    assert.match(String(results[3]), /inbox change #0: op must be one of/, "a bad change fails its own call only");
    assert.deepEqual(results[4], { appended: 1, duplicates: 0, maps: ['group'] });
    const rows = await store().inbox.readBatch({ map: 'group', limit: 10 });
    assert.deepEqual(rows.map((r) => r.eventId), ['g1', 'g2', 'g4', 'g6']);
  });

  it('a change the database itself refuses fails its own call only, not those that shared its commit', async () => {
    // PostgreSQL refuses a NUL character in text; SQLite stores it. Either way the others land.
    const results = await Promise.all([
      store().inbox.append([change('nul', 'a', 'n1')]),
      store().inbox.append([change('nul', 'b\u0000c', 'n2')]).catch((err: Error) => err),
      store().inbox.append([change('nul', 'd', 'n3')]),
    ]);
    assert.deepEqual(results[0], { appended: 1, duplicates: 0, maps: ['nul'] });
    assert.deepEqual(results[2], { appended: 1, duplicates: 0, maps: ['nul'] });
    const events = (await store().inbox.readBatch({ map: 'nul', limit: 10 })).map((r) => r.eventId);
    if (results[1] instanceof Error) assert.deepEqual(events, ['n1', 'n3']);
    else assert.deepEqual(events, ['n1', 'n2', 'n3']);
  });

  it('handles a 20,000-change append in one call', async () => {
    const changes = Array.from({ length: 20_000 }, (_, i) => change('bulk', `k${i % 500}`, `bulk-${i}`));
    assert.deepEqual(await store().inbox.append(changes), { appended: 20_000, duplicates: 0, maps: ['bulk'] });
    assert.equal(await store().inbox.count({ map: 'bulk' }), 20_000);
    const rows = await store().inbox.readBatch({ map: 'bulk', limit: 5000 });
    assert.equal(await store().inbox.ack(rows.map((r) => r.seq)), 5000);
    assert.equal(await store().inbox.count({ map: 'bulk' }), 15_000);
  });

  it('rejects bad changes with the index and field at fault, appending none of the call', async () => {
    await assert.rejects(
      store().inbox.append([change('bad', 'a', 'ok'), { ...change('bad', 'b', 'x'), direction: 'sideways' as never }]),
      /inbox change #1: direction must be one of finops-to-dataverse, dataverse-to-finops; got "sideways"/,
    );
    await assert.rejects(store().inbox.append([{ ...change('bad', '', 'y') }]), /inbox change #0: recordKey must be a non-empty string/);
    await assert.rejects(store().inbox.append([change('bad', 'a', 'z', { changedAt: 'yesterday' })]), /inbox change #0: changedAt: "yesterday" is not a valid timestamp/);
    await assert.rejects(store().inbox.readBatch({ map: 'bad', limit: 0 }), /limit 0 is not valid/);
    assert.equal(await store().inbox.count({ map: 'bad' }), 0);
  });
});
