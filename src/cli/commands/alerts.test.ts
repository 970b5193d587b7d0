import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../../alerts/test-support/run-cli';
import { openTempStore } from '../../alerts/test-support/temp-store';
import type { Store } from '../../store';
import * as alerts from './alerts';

describe('dualwrite alerts', () => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let env: Record<string, string>;
  let dir: string;
  const cli = (...args: string[]) => runCli([alerts], args, env);

  before(async () => {
    let url: string;
    ({ store, cleanup, url } = await openTempStore());
    env = { DUALWRITE_DATABASE_URL: url };
    dir = mkdtempSync(join(tmpdir(), 'dualwrite-alerts-cli-'));
  });
  after(async () => {
    await cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('add from flags, list, disable, enable, remove', async () => {
    const added = await cli('alerts', 'add', '--name', 'burst', '--map', 'customers', '--kind', 'errorCount', '--class', 'validation,conflict', '--threshold', '10', '--window', '15', '--action', 'pause', '--email', 'a@example.com', '--email', 'b@example.com', '--webhook', 'https://hooks.example.com/dw', '--webhook-secret-env', 'DW_HOOK_SECRET');
    assert.equal(added.code, 0, added.stderr);
    assert.match(added.stdout, /added alert rule "burst" \(.+\): 10 or more validation\/conflict errors within 15s on customers, action pause/);
    const [rule] = await store.alerts.listRules();
    assert.deepEqual(rule?.notify, { email: ['a@example.com', 'b@example.com'], webhooks: [{ url: 'https://hooks.example.com/dw', secretEnv: 'DW_HOOK_SECRET' }] });

    const list = await cli('alerts', 'list');
    assert.match(list.stdout, /burst\s+customers\s+10 or more validation\/conflict errors within 15s\s+pause\s+a@example.com, b@example.com, webhook https:\/\/hooks.example.com\/dw\s+yes\s+-/);
    assert.equal((await cli('alerts', 'disable', 'burst')).code, 0);
    assert.equal((await store.alerts.getRule(rule!.id))?.enabled, false);
    assert.match((await cli('alerts', 'enable', rule!.id)).stdout, /enabled/);
    assert.equal((await store.alerts.getRule(rule!.id))?.enabled, true);
    assert.match((await cli('alerts', 'remove', 'burst')).stdout, /removed alert rule "burst"/);
    assert.deepEqual(await store.alerts.listRules(), []);
  });

  it('add from a JSON file; secrets never shown by list --json', async () => {
    const file = join(dir, 'rule.json');
    writeFileSync(file, JSON.stringify({ name: 'lag', condition: { kind: 'lagSeconds', threshold: 600 }, notify: { webhooks: [{ url: 'https://h.example/x', secret: 'a-very-secret-signing-key' }] } }));
    const added = await cli('alerts', 'add', '--file', file);
    assert.equal(added.code, 0, added.stderr);
    const listed = await cli('alerts', 'list', '--json');
    assert.doesNotMatch(listed.stdout, /a-very-secret-signing-key/);
    const [rule] = JSON.parse(listed.stdout) as { map?: string; notify: { webhooks: { secret: string }[] } }[];
    assert.equal(rule?.map, undefined);
    assert.equal(rule?.notify.webhooks[0]?.secret, '***');
    assert.match((await cli('alerts', 'add', '--file', file, '--name', 'x')).stderr, /do not combine it/);
    assert.match((await cli('alerts', 'add', '--file', join(dir, 'missing.json'))).stderr, /missing\.json: cannot read \(ENOENT\)/);
  });

  it('invalid rules exit 1 naming the fields', async () => {
    const noWindow = await cli('alerts', 'add', '--name', 'x', '--kind', 'errorCount', '--threshold', '5');
    assert.equal(noWindow.code, 1);
    assert.match(noWindow.stderr, /condition\.windowSeconds/);
    assert.match((await cli('alerts', 'add', '--name', 'x', '--kind', 'backlog', '--threshold', 'many')).stderr, /--threshold many: expected a number/);
    assert.match((await cli('alerts', 'add', '--name', 'x', '--kind', 'mapFailed', '--webhook', 'https://h.example')).stderr, /--webhook needs --webhook-secret-env/);
    assert.notEqual((await cli('alerts', 'add', '--name', 'x', '--kind', 'sometimes')).code, 0);
    assert.match((await cli('alerts', 'remove', 'nope')).stderr, /no alert rule with id or name "nope"/);
  });

  it('evaluate runs one round: fires, logs, and reports unmeasurable rules', async () => {
    const url = env.DUALWRITE_DATABASE_URL!;
    const withoutTemporal = { DUALWRITE_DATABASE_URL: url, TEMPORAL_ADDRESS: '127.0.0.1:9' };
    for (const r of await store.alerts.listRules()) await store.alerts.deleteRule(r.id);
    const rule = await store.alerts.createRule({ name: 'any error', map: 'orders', condition: { kind: 'errorCount', threshold: 1, windowSeconds: 300 } });
    const backlog = await store.alerts.createRule({ name: 'deep backlog', map: 'orders', condition: { kind: 'backlog', threshold: 1 } });
    await store.errors.record({ map: 'orders', direction: 'finops-to-dataverse', recordKey: 'usmf|O1', class: 'validation', message: 'bad' });
    const run = await runCli([alerts], ['alerts', 'evaluate'], withoutTemporal);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /warning: cannot reach Temporal/);
    assert.match(run.stdout, /2 check\(s\): 1 fired, 0 cleared, 1 unknown/);
    assert.match(run.stdout, /fired: any error: orders: 1 error\(s\) in the last 300s/);
    assert.equal((await store.alerts.getState(rule.id, 'orders'))?.status, 'firing');
    const again = JSON.parse((await runCli([alerts], ['alerts', 'evaluate', '--json'], withoutTemporal)).stdout) as { fired: unknown[] };
    assert.deepEqual(again.fired, []);
    await store.alerts.deleteRule(rule.id);
    await store.alerts.deleteRule(backlog.id);
  });

  it('status shows firing state with the rule name', async () => {
    const rule = await store.alerts.createRule({ name: 'failed', map: 'vendors', condition: { kind: 'mapFailed' } });
    assert.match((await cli('alerts', 'status')).stdout, /no alert has fired yet/);
    await store.alerts.fire(rule.id, 'vendors', { value: 'Failed', message: 'vendors: state Failed' });
    const status = await cli('alerts', 'status', '--firing');
    assert.match(status.stdout, /failed\s+vendors\s+firing\s+\S+\s+Failed\s+-\s+vendors: state Failed/);
    assert.equal((JSON.parse((await cli('alerts', 'status', '--json')).stdout) as { rule: string }[])[0]?.rule, 'failed');
  });
});
