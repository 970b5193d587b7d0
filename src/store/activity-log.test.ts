import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachDialect } from './test-each-dialect';

describeEachDialect('activity log', (store) => {
  it('appends entries and returns them with ids, defaults and data intact', async () => {
    const [entry] = await store().log.append({ map: 'log-a', type: 'state-change', message: 'Running -> Paused', data: { from: 'Running', to: 'Paused', n: [1, 2] }, actor: 'alice', at: '2026-06-01T00:00:00+01:00' });
    assert.ok(entry);
    assert.equal(typeof entry.id, 'number');
    assert.deepEqual({ ...entry, id: 0 }, {
      id: 0,
      at: '2026-05-31T23:00:00.000Z',
      map: 'log-a',
      type: 'state-change',
      level: 'info',
      message: 'Running -> Paused',
      data: { from: 'Running', to: 'Paused', n: [1, 2] },
      actor: 'alice',
    });
    const [bare] = await store().log.append([{ type: 'config', message: 'store opened' }]);
    assert.deepEqual(Object.keys(bare ?? {}).sort(), ['at', 'id', 'level', 'message', 'type']);
  });

  it('queries by map, type, level and time, newest first, with a cursor', async () => {
    const day = (d: number) => `2026-07-${String(d).padStart(2, '0')}T00:00:00.000Z`;
    await store().log.append([
      { map: 'log-q', type: 'batch', message: 'b1', at: day(1) },
      { map: 'log-q', type: 'alert', level: 'warn', message: 'a1', at: day(2) },
      { map: 'log-q', type: 'batch', message: 'b2', at: day(3) },
      { map: 'log-q', type: 'initial-sync', message: 'i1', at: day(4) },
      { map: 'log-other', type: 'batch', message: 'o1', at: day(5) },
      { type: 'reconciliation', message: 'global', at: day(6) },
    ]);
    const messages = async (query: Parameters<ReturnType<typeof store>['log']['query']>[0]) => (await store().log.query(query)).items.map((e) => e.message);
    assert.deepEqual(await messages({ map: 'log-q' }), ['i1', 'b2', 'a1', 'b1']);
    assert.deepEqual(await messages({ map: 'log-q', type: 'batch' }), ['b2', 'b1']);
    assert.deepEqual(await messages({ type: ['batch', 'alert'], since: day(2), until: day(5) }), ['b2', 'a1']);
    assert.deepEqual(await messages({ level: 'warn', map: 'log-q' }), ['a1']);
    assert.deepEqual(await messages({ since: day(6), until: day(7) }), ['global']);

    const page1 = await store().log.query({ map: 'log-q', limit: 3 });
    assert.deepEqual(page1.items.map((e) => e.message), ['i1', 'b2', 'a1']);
    const page2 = await store().log.query({ map: 'log-q', limit: 3, cursor: page1.nextCursor });
    assert.deepEqual(page2.items.map((e) => e.message), ['b1']);
    assert.equal(page2.nextCursor, undefined);
    await assert.rejects(store().log.query({ limit: -1 }), /limit -1 is not valid/);
    await assert.rejects(store().log.append({ type: 'batch', message: 'x', level: 'loud' as never }), /log entry #0: level must be one of info, warn, error/);
  });

  it('purges entries older than the retention cut-off', async () => {
    await store().log.append([
      { map: 'log-p', type: 'batch', message: 'ancient', at: '2001-01-01T00:00:00Z' },
      { map: 'log-p', type: 'batch', message: 'recent', at: '2030-01-01T00:00:00Z' },
    ]);
    assert.ok((await store().log.purge('2002-01-01T00:00:00Z')) >= 1);
    assert.deepEqual((await store().log.query({ map: 'log-p' })).items.map((e) => e.message), ['recent']);
  });
});
