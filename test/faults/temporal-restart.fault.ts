import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { startDevServer } from '../../src/devserver/dev-server';
import { eventually, startSyncWorld } from '../harness/sync-world';
import { enable, settled } from '../sync/helpers';
import { convergence } from './concurrent-edits';
import { catalogOf, describeSummaries, steadyEdits } from './support';

/**
 * The Temporal server goes away in the middle of live sync and comes back on the same port with
 * its state (a SQLite file): edits made meanwhile wait in the inbox and are carried afterwards.
 */
test('restarting the Temporal server during live sync loses nothing', { timeout: 15 * 60_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'dualwrite-temporal-restart-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const dbFile = join(dir, 'temporal.sqlite');
  const world = await startSyncWorld({ companies: ['usmf'], mapsDir: catalogOf(['customer-groups']), temporalDbFile: dbFile });
  await world.withWorker(async () => {
    await enable(world, { maps: ['customer-groups'], initialSync: { master: 'finops' } });
    await settled(world, 'customer-groups');
    const edits = steadyEdits(world, { perSecond: 10, prefix: 'TMP', ids: 60 });
    await eventually('edits flowing before the restart', () => edits.written >= 30, 60_000);

    const downAt = Date.now();
    await world.temporal.stop();
    await eventually('edits made while Temporal is down', () => edits.written >= 80, 60_000);
    const restarted = await startDevServer({ port: world.temporal.port, dbFile });
    after(() => restarted.stop());
    const upAt = Date.now();
    await eventually('edits after the restart', () => edits.written >= 120, 60_000);
    const written = await edits.stop();

    const d = await convergence(world, 'customer-groups', 5 * 60_000);
    t.diagnostic(`Temporal down ${upAt - downAt} ms; ${written} edits (${edits.failed} failed); converged ${Date.now() - upAt} ms after the restart; ${describeSummaries(d)}`);
    assert.ok(written >= 120);
  });
});
