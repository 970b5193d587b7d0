import assert from 'node:assert/strict';
import { loadavg } from 'node:os';
import { test } from 'node:test';
import { eventually, startSyncWorld } from '../harness/sync-world';
import { enable, settled, status } from '../sync/helpers';
import { convergence } from './concurrent-edits';
import { catalogOf, describeSummaries, steadyEdits } from './support';

const OUTAGE_MS = Number(process.env.DUALWRITE_FAULT_OUTAGE_MS ?? 60_000);
const RATE = Number(process.env.DUALWRITE_FAULT_RATE ?? 50);

/** The target is down for a minute while F&O changes at 50 changes/s; after it returns, nothing is missing. */
test(`a ${OUTAGE_MS / 1000} s target outage at ${RATE} changes/s loses nothing`, { timeout: 20 * 60_000 }, async (t) => {
  const world = await startSyncWorld({ companies: ['usmf'], mapsDir: catalogOf(['customer-groups']) });
  await world.withWorker(async () => {
    await enable(world, { maps: ['customer-groups'], initialSync: { master: 'finops' } });
    const before = (await settled(world, 'customer-groups')).counts;
    const edits = steadyEdits(world, { perSecond: RATE, prefix: 'LNG', ids: 500 });
    await eventually('edits flowing', () => edits.written >= RATE, 60_000);

    const downAt = Date.now();
    await world.dataverse.server.goDown(OUTAGE_MS);
    const writtenAtDown = edits.written;
    await eventually('the target back', () => world.dataverse.server.isUp, OUTAGE_MS + 60_000);
    const upAt = Date.now();
    const writtenDuringOutage = edits.written - writtenAtDown;
    await eventually('edits after the outage', () => edits.written >= writtenAtDown + writtenDuringOutage + RATE * 5, 120_000);
    const written = await edits.stop();
    const rates = edits.figures;

    const d = await convergence(world, 'customer-groups', 10 * 60_000);
    const after = (await status(world, 'customer-groups')).counts;
    t.diagnostic(
      `outage ${upAt - downAt} ms; ${writtenDuringOutage} edits during it (${(writtenDuringOutage / ((upAt - downAt) / 1000)).toFixed(1)}/s); ` +
        `${edits.offered} offered in ${rates.seconds.toFixed(1)} s (${rates.offeredPerSecond.toFixed(1)}/s), ${written} written (${rates.writtenPerSecond.toFixed(1)}/s), ${edits.failed} failed, up to ${rates.maxInFlight} batches in flight; ` +
        `converged ${Date.now() - upAt} ms after the target returned; writes ${after.applied - before.applied}; ${describeSummaries(d)}; load average ${loadavg()[0]!.toFixed(1)}`,
    );
    assert.ok(writtenDuringOutage > 0);
    // The generator offers the rate asked for (open loop); what F&O took is reported above.
    assert.ok(rates.offeredPerSecond >= RATE * 0.95, `offered ${rates.offeredPerSecond.toFixed(1)}/s, asked ${RATE}/s`);
  });
});
