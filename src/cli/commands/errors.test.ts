import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../../alerts/test-support/run-cli';
import { openTempStore, recordFailures } from '../../alerts/test-support/temp-store';
import type { Store } from '../../store';
import * as errors from './errors';
import * as logs from './logs';

describe('dualwrite errors and logs', () => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let env: Record<string, string>;
  const cli = (...args: string[]) => runCli([errors, logs], args, env);

  before(async () => {
    let url: string;
    ({ store, cleanup, url } = await openTempStore());
    // Port 9 (discard) refuses connections: retry must cope without Temporal.
    env = { DUALWRITE_DATABASE_URL: url, TEMPORAL_ADDRESS: '127.0.0.1:9' };
    await recordFailures(store, 'customers', 3, { at: '2026-11-26T09:00:00.000Z' });
    await recordFailures(store, 'vendors', 2, { class: 'conflict', at: '2026-11-26T09:30:00.000Z', keyPrefix: 'usrt|V' });
  });
  after(() => cleanup());

  it('list: a table by default, JSON with --json, filters applied', async () => {
    const table = await cli('errors', 'list');
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /^ID\s+MAP\s+DIR\s+RECORD\s+CLASS\s+STATUS/);
    assert.equal(table.stdout.trim().split('\n').length, 6);
    const json = await cli('errors', 'list', '--class', 'conflict', '--json');
    const page = JSON.parse(json.stdout) as { items: { map: string }[] };
    assert.deepEqual(page.items.map((i) => i.map), ['vendors', 'vendors']);
    const paged = await cli('errors', 'list', '--limit', '2');
    assert.match(paged.stdout, /more: --cursor \S+/);
  });

  it('list: bad options exit 1 with what was expected', async () => {
    const bad = await cli('errors', 'list', '--class', 'validaton');
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /class: "validaton" is not valid: expected one of/);
    assert.match((await cli('errors', 'list', '--limit', 'lots')).stderr, /--limit lots: expected a whole number from 1 to 1000/);
    assert.match((await cli('errors', 'list', '--since', 'last tuesday')).stderr, /since: "last tuesday" is not a time/);
    assert.notEqual((await cli('errors', 'list', '--direction', 'sideways')).code, 0);
  });

  it('show: one record, or exit 1 for an unknown id', async () => {
    const [first] = (await store.errors.list({ map: 'customers', limit: 1 })).items;
    const shown = await cli('errors', 'show', String(first!.id));
    assert.equal(shown.code, 0);
    assert.match(shown.stdout, /record key:\s+usmf\|C/);
    assert.match(shown.stdout, /source change \(upsert\):/);
    assert.equal(JSON.parse((await cli('errors', 'show', String(first!.id), '--json')).stdout).id, first!.id);
    const missing = await cli('errors', 'show', '999999');
    assert.deepEqual([missing.code, missing.stderr.trim()], [1, 'dualwrite: no error record with id 999999']);
    assert.match((await cli('errors', 'show', 'abc')).stderr, /"abc" is not an error id/);
  });

  it('retry: ids or --all, never neither or both; without Temporal the changes still reach the inbox', async () => {
    assert.match((await cli('errors', 'retry')).stderr, /nothing selected/);
    assert.match((await cli('errors', 'retry', '1', '--all')).stderr, /either error ids or --all/);
    const all = await cli('errors', 'retry', '--all', '--map', 'customers');
    assert.equal(all.code, 0, all.stderr);
    assert.match(all.stdout, /queued 3 record\(s\) for retry \(customers: 3\)/);
    assert.match(all.stderr, /warning: cannot reach Temporal/);
    assert.equal(await store.inbox.count({ map: 'customers' }), 3);
    assert.equal(await store.errors.count({ map: 'customers', status: 'retrying' }), 3);

    const [vendor] = (await store.errors.list({ map: 'vendors', limit: 1 })).items;
    const one = await cli('errors', 'retry', String(vendor!.id), '--json');
    assert.equal(JSON.parse(one.stdout).retried, 1);
    const again = await cli('errors', 'retry', String(vendor!.id));
    assert.equal(again.code, 1);
    assert.match(again.stderr, new RegExp(`not retried \\(not open, or no such id\\): ${vendor!.id}`));
  });

  it('discard: --all without filters needs --yes; ids that are not open exit 1', async () => {
    assert.match((await cli('errors', 'discard', '--all')).stderr, /add --yes to confirm/);
    const byMap = await cli('errors', 'discard', '--all', '--map', 'vendors');
    assert.equal(byMap.code, 0, byMap.stderr);
    assert.match(byMap.stdout, /discarded 2 record\(s\)/);
    const [closed] = (await store.errors.list({ map: 'vendors', limit: 1 })).items;
    const again = await cli('errors', 'discard', String(closed!.id));
    assert.equal(again.code, 1);
    assert.match(again.stderr, /1 of the ids were not open or retrying/);
  });

  it('logs: newest first, filtered by map and type, JSON on demand', async () => {
    await store.log.append([
      { map: 'customers', type: 'state-change', message: 'Running -> Paused', actor: 'alice', at: '2026-11-26T10:00:00.000Z' },
      { map: 'customers', type: 'batch', message: '120 applied', at: '2026-11-26T10:01:00.000Z' },
    ]);
    const table = await cli('logs', '--map', 'customers', '--type', 'state-change,batch');
    assert.equal(table.code, 0, table.stderr);
    const lines = table.stdout.trim().split('\n');
    assert.match(lines[0]!, /^AT\s+LEVEL\s+TYPE\s+MAP\s+BY\s+MESSAGE/);
    assert.match(lines[1]!, /batch.*120 applied/);
    assert.match(lines[2]!, /state-change\s+customers\s+alice\s+Running -> Paused/);
    const json = JSON.parse((await cli('logs', '--type', 'error', '--json')).stdout) as { items: { actor: string }[] };
    assert.ok(json.items.length >= 2 && json.items.every((e) => e.actor === 'cli'));
    assert.match((await cli('logs', '--level', 'loud')).stderr, /--level loud: expected one of info, warn, error/);
    assert.equal((await cli('logs', '--until', '2026-11-26T10:00:30Z', '--type', 'state-change,batch')).stdout.trim().split('\n').length, 2);
  });
});
