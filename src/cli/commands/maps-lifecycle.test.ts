import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadCatalog } from '../../maps/loader';
import type { MapListRow } from './maps-lifecycle';
import { renderMapList } from './maps-lifecycle';
import { startOperatorWorld, type OperatorWorld } from '../../runtime/worker-process.test-support';

const row = (over: Partial<MapListRow>): MapListRow => ({ map: 'm', state: 'Running', backlog: 0, lagSeconds: null, applied: 0, failed: 0, lastSyncedAt: null, lastError: null, workflowId: 'dualwrite-map-m', ...over });

describe('renderMapList', () => {
  test('one aligned row per map, numbers right-aligned, missing values as "-"', () => {
    const text = renderMapList([row({ map: 'currencies', backlog: 1234, lagSeconds: 75, applied: 10, failed: 2, lastError: 'boom' }), row({ map: 'units', state: 'NotRunning', backlog: null, applied: null })], Date.parse('2026-01-01T00:00:00Z'));
    const lines = text.split('\n');
    assert.equal(lines.length, 3);
    assert.match(lines[0]!, /^MAP\s+STATE\s+BACKLOG\s+LAG\s+APPLIED\/FAILED\s+LAST SYNC\s+LAST ERROR$/);
    assert.match(lines[1]!, /^currencies\s+Running\s+1,234\s+1m15s\s+10\/2\s+-\s+boom$/);
    assert.match(lines[2]!, /^units\s+NotRunning\s+-\s+-\s+-\s+-\s+-$/);
  });
});

describe('dualwrite maps (running maps) against a worker', () => {
  let world: OperatorWorld;
  const list = async (): Promise<MapListRow[]> => {
    const run = await world.cli(['maps', 'list', '--json']);
    assert.equal(run.code, 0, run.stderr);
    return JSON.parse(run.stdout) as MapListRow[];
  };
  const stateOf = async (map: string) => (await list()).find((r) => r.map === map)?.state;

  before(async () => {
    world = await startOperatorWorld();
    await world.startWorker();
  });
  after(async () => {
    await world?.stop();
  });

  test('unknown map: exit 1 and the known maps listed', async () => {
    const run = await world.cli(['maps', 'enable', 'no-such-map']);
    assert.equal(run.code, 1);
    const known = loadCatalog(join(__dirname, '../../../maps')).maps.map((m) => m.name).sort();
    assert.ok(known.length > 0);
    assert.ok(run.stderr.includes(`unknown map 'no-such-map'; known maps: ${known.join(', ')}`), run.stderr);
  });

  test('signals to a map that does not run are refused with how to start it', async () => {
    const run = await world.cli(['maps', 'pause', 'units']);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /map 'units' is not running .*dualwrite maps enable units/);
  });

  test('enable --initial-sync finops --wait follows the map to Running', async () => {
    const run = await world.cli(['maps', 'enable', 'legal-entities', '--initial-sync', 'finops', '--wait', '--timeout', '120']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /started dualwrite-enable-cli-\d+: legal-entities/);
    assert.match(run.stdout, /all 1 map\(s\) run live: legal-entities Running/);
    const rows = await list();
    assert.equal(rows.length, loadCatalog(join(__dirname, '../../../maps')).maps.length);
    assert.deepEqual(
      rows.filter((r) => r.state !== 'NotRunning').map((r) => [r.map, r.state]),
      [['legal-entities', 'Running']],
    );
  });

  test('pause, show, status, resume --mode park, stop: each changes the state, by whom is recorded', async () => {
    const paused = await world.cli(['maps', 'pause', 'legal-entities', '--reason', 'month-end close', '--by', 'alice']);
    assert.equal(paused.code, 0, paused.stderr);
    assert.match(paused.stdout, /pause sent to dualwrite-map-legal-entities/);
    assert.equal(await stateOf('legal-entities'), 'Paused');

    const show = await world.cli(['maps', 'show', 'legal-entities']);
    assert.equal(show.code, 0, show.stderr);
    assert.match(show.stdout, /F&O\s+LegalEntities/);
    assert.match(show.stdout, /Dataverse\s+cdm_companies/);
    assert.match(show.stdout, /state\s+Paused/);
    assert.match(show.stdout, /paused by\s+alice \(month-end close\)/);

    const status = await world.cli(['status']);
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /1 worker poller|\d+ worker poller/);
    assert.match(status.stdout, /\d+ maps: \d+ NotRunning, 1 Paused; backlog \d+; failed records \d+/);
    assert.match(status.stdout, /needs attention: legal-entities \(Paused\)/);

    const badMode = await world.cli(['maps', 'resume', 'legal-entities', '--mode', 'later']);
    assert.equal(badMode.code, 1);
    assert.match(badMode.stderr, /--mode later: expected one of drain, park, discard/);

    const resumed = await world.cli(['maps', 'resume', 'legal-entities', '--mode', 'park']);
    assert.equal(resumed.code, 0, resumed.stderr);
    await waitFor(async () => (await stateOf('legal-entities')) === 'Running');

    const stopped = await world.cli(['maps', 'stop', 'legal-entities', '--reason', 'test over']);
    assert.equal(stopped.code, 0, stopped.stderr);
    await waitFor(async () => (await stateOf('legal-entities')) === 'Stopped');
  });

  test('initial-sync of a map that does not run enables it and reports the counts', async () => {
    const run = await world.cli(['initial-sync', 'currencies', '--master', 'finops', '--json']);
    assert.equal(run.code, 0, run.stderr);
    const result = JSON.parse(run.stdout) as { map: string; master: string; workflowId: string; counts: { read: number; failed: number } };
    assert.equal(result.map, 'currencies');
    assert.equal(result.workflowId, 'dualwrite-initial-currencies-1');
    assert.ok(result.counts.read > 0);
    assert.equal(result.counts.failed, 0);
  });

  test('initial-sync of a running map starts the next run beside live sync; the bar shows rows and rate', async () => {
    await waitFor(async () => (await stateOf('currencies')) === 'Running');
    const run = await world.cli(['initial-sync', 'currencies']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /started dualwrite-initial-currencies-2 beside live sync/);
    assert.match(run.stdout, /currencies: initial sync from finops done in .*: read \d+, created 0, updated 0, unchanged \d+, failed 0/);
  });
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 250));
  }
}
