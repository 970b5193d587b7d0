import assert from 'node:assert/strict';
import { it } from 'node:test';
import { GLOBAL_SUBJECT } from './alerts';
import { describeEachDialect } from './test-each-dialect';

const condition = { metric: 'errors', class: 'validation', count: 10, windowSeconds: 300 };

describeEachDialect('alert rules and firing state', (store) => {
  it('creates, reads, lists, updates and deletes rules', async () => {
    const rule = await store().alerts.createRule({ id: 'r-crud', name: 'Validation storm', map: 'customers', condition, action: 'pause', notify: { webhook: 'https://hooks.example/x' } });
    assert.equal(rule.enabled, true);
    assert.deepEqual(rule.condition, condition);
    assert.deepEqual(rule.notify, { webhook: 'https://hooks.example/x' });
    const global = await store().alerts.createRule({ name: 'Backlog', condition: { metric: 'backlog', above: 50_000 } });
    assert.match(global.id, /^[0-9a-f-]{36}$/);
    assert.equal(global.action, 'none');
    assert.equal(global.map, undefined);
    await store().alerts.createRule({ id: 'r-vendors', name: 'Vendors', map: 'vendors', condition, enabled: false });

    assert.deepEqual((await store().alerts.listRules({ map: 'customers' })).map((r) => r.name), ['Backlog', 'Validation storm']);
    assert.deepEqual((await store().alerts.listRules({ enabled: false })).map((r) => r.id), ['r-vendors']);
    await assert.rejects(store().alerts.createRule({ id: 'r-crud', name: 'again', condition }), /alert rule "r-crud" already exists/);
    await assert.rejects(store().alerts.createRule({ name: 'x', condition, action: 'explode' as never }), /action must be one of none, pause, stop/);
    await assert.rejects(store().alerts.createRule({ name: 'x', condition: undefined }), /condition is required/);

    const updated = await store().alerts.updateRule('r-crud', { action: 'stop', enabled: false, map: null });
    assert.equal(updated.action, 'stop');
    assert.equal(updated.enabled, false);
    assert.equal(updated.map, undefined);
    assert.equal(updated.name, 'Validation storm');
    await assert.rejects(store().alerts.updateRule('missing', { name: 'x' }), /alert rule "missing" does not exist/);

    assert.equal(await store().alerts.deleteRule('r-crud'), true);
    assert.equal(await store().alerts.deleteRule('r-crud'), false);
    assert.equal(await store().alerts.getRule('r-crud'), undefined);
  });

  it('moves firing state through fired, still-firing, notified and cleared, per subject', async () => {
    await store().alerts.createRule({ id: 'r-fire', name: 'Errors', condition, action: 'pause' });
    const fired = await store().alerts.fire('r-fire', 'customers', { at: '2026-01-01T00:00:00Z', value: 12, message: '12 validation errors in 5 min' });
    assert.equal(fired.transition, 'fired');
    assert.deepEqual(fired.state, {
      ruleId: 'r-fire',
      subject: 'customers',
      status: 'firing',
      firingSince: '2026-01-01T00:00:00.000Z',
      lastValue: 12,
      message: '12 validation errors in 5 min',
      lastEvaluatedAt: '2026-01-01T00:00:00.000Z',
    });
    const still = await store().alerts.fire('r-fire', 'customers', { at: '2026-01-01T00:01:00Z', value: 15 });
    assert.equal(still.transition, 'still-firing');
    assert.equal(still.state.firingSince, '2026-01-01T00:00:00.000Z');
    assert.equal(still.state.lastValue, 15);
    await store().alerts.markNotified('r-fire', 'customers', '2026-01-01T00:01:01Z');
    assert.equal((await store().alerts.getState('r-fire', 'customers'))?.lastNotifiedAt, '2026-01-01T00:01:01.000Z');

    assert.equal((await store().alerts.fire('r-fire', GLOBAL_SUBJECT)).transition, 'fired', 'subjects fire independently');
    assert.deepEqual((await store().alerts.listStates({ firing: true, ruleId: 'r-fire' })).map((s) => s.subject), ['*', 'customers']);

    const cleared = await store().alerts.clear('r-fire', 'customers', '2026-01-01T00:05:00Z');
    assert.equal(cleared.transition, 'cleared');
    assert.equal(cleared.state?.clearedAt, '2026-01-01T00:05:00.000Z');
    assert.equal((await store().alerts.clear('r-fire', 'customers')).transition, 'not-firing');
    assert.equal((await store().alerts.clear('r-fire', 'never')).transition, 'not-firing');
    assert.deepEqual((await store().alerts.listStates({ firing: false })).map((s) => s.subject), ['customers']);

    const refired = await store().alerts.fire('r-fire', 'customers', { at: '2026-01-02T00:00:00Z' });
    assert.equal(refired.transition, 'fired');
    assert.equal(refired.state.firingSince, '2026-01-02T00:00:00.000Z');
    assert.equal(refired.state.clearedAt, undefined);

    await assert.rejects(store().alerts.fire('no-such-rule', 'customers'), /alert rule "no-such-rule" does not exist/);
    await assert.rejects(store().alerts.markNotified('r-fire', 'nobody'), /has no state for subject "nobody"/);
    await store().alerts.deleteRule('r-fire');
    assert.deepEqual(await store().alerts.listStates({ ruleId: 'r-fire' }), [], 'deleting a rule deletes its states');
  });

  it('reports "fired" to exactly one of several concurrent evaluators', async () => {
    await store().alerts.createRule({ id: 'r-race', name: 'Race', condition });
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => store().alerts.fire('r-race', 'customers', { value: i })));
    assert.equal(results.filter((r) => r.transition === 'fired').length, 1);
    assert.equal(results.filter((r) => r.transition === 'still-firing').length, 7);
  });
});
