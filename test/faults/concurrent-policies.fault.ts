import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startSyncWorld } from '../harness/sync-world';
import { enable, settled, status } from '../sync/helpers';
import { catalogOf, describeSummaries } from './support';
import { assertNoEchoLoop, convergence, randomConcurrentEdits } from './concurrent-edits';

const OPERATIONS = Number(process.env.DUALWRITE_FAULT_OPERATIONS ?? 2000);
/** The same seed gives the same operations; their timing against the worker still varies. */
const SEED = 2000;

/** 2,000 random concurrent edits from both sides under each conflict policy: convergence, bounded writes, no loop. */
for (const conflict of [
  { policy: 'lastWriterWins', master: 'finops' },
  { policy: 'masterWins', master: 'finops' },
  { policy: 'masterWins', master: 'dataverse' },
] as const) {
  test(`${OPERATIONS} random concurrent edits converge under ${conflict.policy} (master ${conflict.master})`, { timeout: 20 * 60_000 }, async (t) => {
    const mapsDir = catalogOf(['customer-groups'], { 'customer-groups': (m) => (m.conflict = conflict) });
    const world = await startSyncWorld({ companies: ['usmf'], mapsDir });
    await world.withWorker(async () => {
      await enable(world, { maps: ['customer-groups'], initialSync: { master: 'finops' } });
      const start = (await settled(world, 'customer-groups')).counts;
      const run = await randomConcurrentEdits(world, { operations: OPERATIONS, seed: SEED, ids: 60 });
      // Before convergence is awaited, so that a failing run still says what was done.
      t.diagnostic(`seed ${SEED}: edits ${JSON.stringify(run)}`);
      const convergeStart = Date.now();
      const d = await convergence(world, 'customer-groups', 10 * 60_000);
      const end = (await status(world, 'customer-groups')).counts;
      const writes = end.applied + end.deleted - start.applied - start.deleted;
      t.diagnostic(`converged in ${Date.now() - convergeStart} ms; dualwrite writes ${writes}; counts ${JSON.stringify(end)}; ${describeSummaries(d)}`);
      const open = await world.store.errors.list({ map: 'customer-groups', status: ['open', 'retrying'] });
      t.diagnostic(`error queue after convergence: ${open.items.length} open (${[...new Set(open.items.map((e) => `${e.class}: ${e.message.slice(0, 120)}`))].join(' | ')})`);
      assert.ok(writes <= run.succeeded + end.conflicts, `writes bounded by edits: ${writes} for ${run.succeeded} edits`);
      await assertNoEchoLoop(world);
    });
  });
}
