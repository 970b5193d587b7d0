import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openStore, type Store } from '../../src/store';
import { withMapLock } from './map-lock';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

describe('withMapLock', () => {
  let store: Store;
  const dir = mkdtempSync(join(tmpdir(), 'dualwrite-map-lock-'));
  before(async () => {
    store = await openStore(`sqlite:${join(dir, 'control.db')}`);
  });
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A critical section that yields to the event loop several times, recording who was inside. */
  const section = (inside: Set<string>, overlaps: string[], who: string) => async () => {
    if (inside.size > 0) overlaps.push(`${who} entered while ${[...inside].join(', ')} inside`);
    inside.add(who);
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    inside.delete(who);
    return who;
  };

  it('runs the batches of one map one at a time, whichever direction they come from', async () => {
    const inside = new Set<string>();
    const overlaps: string[] = [];
    const runs = Array.from({ length: 12 }, (_, i) => withMapLock(store.leases, 'groups', section(inside, overlaps, `batch ${i}`)));
    assert.deepEqual(await Promise.all(runs), Array.from({ length: 12 }, (_, i) => `batch ${i}`));
    assert.deepEqual(overlaps, []);
  });

  it('lets different maps run at the same time', async () => {
    const inside = new Set<string>();
    const overlaps: string[] = [];
    await Promise.all(['a', 'b'].map((m) => withMapLock(store.leases, `map-${m}`, section(inside, overlaps, m))));
    assert.equal(overlaps.length, 1, 'the second map entered while the first was inside');
  });

  it('releases the lease when the batch throws, and reports each wait', async () => {
    let waits = 0;
    let release!: () => void;
    const holding = withMapLock(store.leases, 'throwing', () => new Promise<void>((r) => (release = r)));
    const waiting = withMapLock(store.leases, 'throwing', async () => 'after', { onWait: () => { waits++; if (waits === 3) release(); } });
    await holding;
    assert.equal(await waiting, 'after');
    assert.ok(waits >= 3);
    await assert.rejects(withMapLock(store.leases, 'throwing', () => Promise.reject(new Error('batch failed'))), /batch failed/);
    assert.equal(await withMapLock(store.leases, 'throwing', async () => 'free again'), 'free again');
  });
});
