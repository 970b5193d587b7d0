import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startSyncWorld } from '../harness/sync-world';
import { enable, settled, status } from '../sync/helpers';
import { catalogOf } from './support';
import { assertNoEchoLoop, convergence, randomConcurrentEdits } from './concurrent-edits';

/**
 * 300 random concurrent creates, updates and deletes from both sides, many conflicting, under
 * lastWriterWins: both sides end equal, and dualwrite's writes stay bounded by the edits made.
 * The fast member of the random suites (concurrent-policies.fault.ts runs 2,000 per policy).
 */
test('300 random concurrent edits on both sides converge under lastWriterWins with bounded writes', async (t) => {
  const world = await startSyncWorld({ companies: ['usmf'], mapsDir: catalogOf(['customer-groups']) });
  await world.withWorker(async () => {
    await enable(world, { maps: ['customer-groups'], initialSync: { master: 'finops' } });
    const start = (await settled(world, 'customer-groups')).counts;
    const run = await randomConcurrentEdits(world, { operations: 300, seed: 300 });
    assert.ok(run.succeeded >= 150, `most edits took: ${JSON.stringify(run)}`);
    await convergence(world);
    const end = (await status(world, 'customer-groups')).counts;
    const writes = end.applied + end.deleted - start.applied - start.deleted;
    t.diagnostic(`edits ${JSON.stringify(run)}; dualwrite writes ${writes}; counts ${JSON.stringify(end)}`);
    const open = await world.store.errors.list({ map: 'customer-groups', status: ['open', 'retrying'] });
    t.diagnostic(`error queue after convergence: ${open.items.length} open (${[...new Set(open.items.map((e) => `${e.class}: ${e.message.slice(0, 120)}`))].join(' | ')})`);
    // Each person's edit needs at most one write to the other side; conflicts may add a write back.
    assert.ok(writes <= run.succeeded + end.conflicts, `writes bounded by edits: ${writes} writes for ${run.succeeded} edits (${end.conflicts} conflicts)`);
    await assertNoEchoLoop(world);
  });
});
