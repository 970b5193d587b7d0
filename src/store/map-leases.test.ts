import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachDialect } from './test-each-dialect';

describeEachDialect('map leases', (store) => {
  it('one holder at a time; the holder extends its lease; a release frees it for the next', async () => {
    const leases = store().leases;
    assert.equal(await leases.tryAcquire('map:a', 'one', 60_000), true);
    assert.equal(await leases.tryAcquire('map:a', 'two', 60_000), false, 'held by one');
    assert.equal(await leases.tryAcquire('map:a', 'one', 60_000), true, 'the holder extends');
    assert.equal(await leases.tryAcquire('map:b', 'two', 60_000), true, 'another name is another lease');
    await leases.release('map:a', 'two');
    assert.equal(await leases.tryAcquire('map:a', 'two', 60_000), false, 'a release by a non-holder changes nothing');
    await leases.release('map:a', 'one');
    assert.equal(await leases.tryAcquire('map:a', 'two', 60_000), true);
  });

  it('an expired lease goes to the next who asks (a holder that died)', async () => {
    const leases = store().leases;
    assert.equal(await leases.tryAcquire('map:expiring', 'dead', 1), true);
    const until = Date.now() + 5;
    while (Date.now() < until) await new Promise((r) => setImmediate(r));
    assert.equal(await leases.tryAcquire('map:expiring', 'alive', 60_000), true);
    assert.equal(await leases.tryAcquire('map:expiring', 'dead', 60_000), false);
  });

  it('is fair: whoever was refused gets it next, before the last holder can take it again', async () => {
    const leases = store().leases;
    assert.equal(await leases.tryAcquire('map:fair', 'busy-1', 60_000), true);
    assert.equal(await leases.tryAcquire('map:fair', 'waiting', 60_000), false, 'queued');
    assert.equal(await leases.tryAcquire('map:fair', 'third', 60_000), false, 'the queue place is taken');
    await leases.release('map:fair', 'busy-1');
    assert.equal(await leases.tryAcquire('map:fair', 'busy-2', 60_000), false, 'the busy side waits its turn');
    assert.equal(await leases.tryAcquire('map:fair', 'waiting', 60_000), true);
    await leases.release('map:fair', 'waiting');
    assert.equal(await leases.tryAcquire('map:fair', 'busy-2', 60_000), true, 'free again once the queued holder is done');
  });

  it('a queue place not asked for again lapses', async () => {
    const leases = store().leases;
    assert.equal(await leases.tryAcquire('map:lapse', 'holder', 60_000), true);
    assert.equal(await leases.tryAcquire('map:lapse', 'gave-up', 60_000, 1), false);
    await leases.release('map:lapse', 'holder');
    const until = Date.now() + 5;
    while (Date.now() < until) await new Promise((r) => setImmediate(r));
    assert.equal(await leases.tryAcquire('map:lapse', 'holder', 60_000), true);
  });

  it('refuses an empty name or holder and a ttl that is not a positive integer', async () => {
    const leases = store().leases;
    await assert.rejects(leases.tryAcquire('', 'x', 1000), /name/);
    await assert.rejects(leases.tryAcquire('map:c', '', 1000), /holder/);
    await assert.rejects(leases.tryAcquire('map:c', 'x', 0), /ttlMs must be a positive integer/);
  });
});
