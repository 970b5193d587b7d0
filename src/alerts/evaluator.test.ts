import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Store } from '../store';
import { startAlertLoop } from './alert-loop';
import { evaluateAlerts, type EvaluationReport } from './evaluator';
import { createNotifier, type Notifier } from './notifier';
import { describeCondition, parseAlertRuleSpec, redactRule } from './rule-spec';
import { addAlertRule, findAlertRule, removeAlertRule, setAlertRuleEnabled } from './rules';
import { startSmtpInbox, type SmtpInbox } from './test-support/smtp-inbox';
import { openTempStore, recordFailures } from './test-support/temp-store';
import { startWebhookReceiver, type WebhookReceiver } from './test-support/webhook-receiver';

describe('alert rule specs', () => {
  it('fills defaults and maps * to a global rule', () => {
    const input = parseAlertRuleSpec({ name: 'lag', condition: { kind: 'lagSeconds', threshold: 300 } });
    assert.deepEqual(input, { name: 'lag', condition: { kind: 'lagSeconds', threshold: 300 }, action: 'none', enabled: true, map: null });
  });

  it('names every invalid field with what was expected', () => {
    assert.throws(
      () =>
        parseAlertRuleSpec({
          name: 'x',
          map: 'Customers_V3',
          condition: { kind: 'errorCount', class: 'validaton', threshold: 0, windowSeconds: 15 },
          action: 'halt',
          notify: { email: ['not-an-address'], webhooks: [{ url: 'ftp://x', secret: 'short' }] },
        }),
      (err: Error) => {
        for (const part of [/map: a kebab-case map name/, /condition\.class/, /condition\.threshold/, /action/, /notify\.email\.0/, /notify\.webhooks\.0\.url/, /notify\.webhooks\.0\.secret: at least 16/]) {
          assert.match(err.message, part);
        }
        return true;
      },
    );
    assert.throws(() => parseAlertRuleSpec({ name: 'x', condition: { kind: 'backlogg', threshold: 1 } }), /condition/);
    assert.throws(() => parseAlertRuleSpec({ name: 'x', condition: { kind: 'mapFailed' }, notify: { webhooks: [{ url: 'https://h.example/x' }] } }), /exactly one of secret and secretEnv/);
  });

  it('describes conditions and redacts webhook secrets', () => {
    assert.equal(describeCondition({ kind: 'errorCount', class: ['validation', 'conflict'], threshold: 10, windowSeconds: 15 }), '10 or more validation/conflict errors within 15s');
    assert.equal(describeCondition({ kind: 'backlog', threshold: 5 }), 'backlog of 5 or more changes');
    const rule = { id: 'r', name: 'n', condition: {}, action: 'none' as const, enabled: true, createdAt: '', updatedAt: '', notify: { webhooks: [{ url: 'https://h.example/x', secret: 'super-secret-value-1' }] } };
    assert.doesNotMatch(JSON.stringify(redactRule(rule)), /super-secret-value-1/);
  });
});

describe('evaluateAlerts without Temporal', () => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let smtp: SmtpInbox;
  let hook: WebhookReceiver;
  let notifier: Notifier;
  const secret = 'evaluator-secret-0123456789';
  before(async () => {
    ({ store, cleanup } = await openTempStore());
    smtp = await startSmtpInbox();
    hook = await startWebhookReceiver(secret);
    notifier = createNotifier({ smtpUrl: smtp.url, webhookRetry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1, timeoutMs: 5000 } });
  });
  after(async () => {
    notifier.close();
    await smtp.close();
    await hook.close();
    await cleanup();
  });

  it('a global rule watches every map with errors, one firing state per map; action none sends no signal', async () => {
    const rule = await addAlertRule(store, { name: 'any errors', condition: { kind: 'errorCount', threshold: 2, windowSeconds: 60 } });
    const at = '2026-11-26T10:00:00.000Z';
    await recordFailures(store, 'global-a', 2, { at });
    await recordFailures(store, 'global-b', 1, { at });
    // Parked changes were never attempted: they do not count as errors unless a rule names the class.
    await store.errors.record(['p1', 'p2', 'p3'].map((k) => ({ map: 'global-b', direction: 'finops-to-dataverse' as const, recordKey: k, class: 'parked' as const, message: 'parked by resume', at })));
    const report = await evaluateAlerts({ store, notifier, now: new Date('2026-11-26T10:00:30.000Z') });
    assert.deepEqual(report.fired.map((f) => f.subject), ['global-a']);
    assert.equal(report.fired[0]?.actionTaken, undefined);
    assert.deepEqual(report.checks, 2);
    assert.equal((await store.alerts.getState(rule.id, 'global-a'))?.status, 'firing');
    assert.equal(await store.alerts.getState(rule.id, 'global-b'), undefined);
    await removeAlertRule(store, rule.id);
  });

  it('status conditions without a Temporal connection are unknown and leave the state alone', async () => {
    const rule = await addAlertRule(store, { name: 'backlog', map: 'status-less', condition: { kind: 'backlog', threshold: 1 } });
    const report = await evaluateAlerts({ store, notifier });
    assert.deepEqual(report.unknown, [{ ruleId: rule.id, subject: 'status-less', reason: 'status-less: no Temporal connection' }]);
    assert.equal(await store.alerts.getState(rule.id, 'status-less'), undefined);
    await removeAlertRule(store, rule.id);
  });

  it('a notice that reached nobody is sent again on the next round, then not again', async () => {
    const down = createNotifier({ smtpUrl: 'smtp://alerts:nope@127.0.0.1:9', webhookRetry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1, timeoutMs: 2000 } });
    const rule = await addAlertRule(store, {
      name: 'owed',
      map: 'owed-map',
      condition: { kind: 'errorCount', threshold: 1, windowSeconds: 3600 },
      notify: { email: ['ops@example.com'], webhooks: [{ url: hook.url, secret }] },
    });
    await recordFailures(store, 'owed-map', 1, { at: new Date().toISOString() });
    hook.failNext(500);
    try {
      const failed = await evaluateAlerts({ store, notifier: down });
      assert.equal(failed.fired.length, 1);
      assert.equal(failed.fired[0]?.notified.delivered.length, 0);
      assert.equal(failed.problems.length, 2, failed.problems.join('\n'));
      assert.equal((await store.alerts.getState(rule.id, 'owed-map'))?.lastNotifiedAt, undefined);
    } finally {
      down.close();
    }
    const mailsBefore = smtp.mails.length;
    const hooksBefore = hook.hooks.length;
    const retried = await evaluateAlerts({ store, notifier });
    assert.deepEqual([retried.fired.length, retried.problems.length], [0, 0]);
    await smtp.waitFor(mailsBefore + 1);
    assert.equal(hook.hooks.length, hooksBefore + 1);
    assert.notEqual((await store.alerts.getState(rule.id, 'owed-map'))?.lastNotifiedAt, undefined);
    await evaluateAlerts({ store, notifier });
    assert.equal(smtp.mails.length, mailsBefore + 1);
    assert.equal(hook.hooks.length, hooksBefore + 1);
    await removeAlertRule(store, rule.id);
  });

  it('a rule with an invalid condition in the store is reported; the other rules still run', async () => {
    const broken = await store.alerts.createRule({ name: 'hand-edited', map: 'broken-map', condition: { kind: 'errorCount', threshold: 'ten' } });
    const fine = await addAlertRule(store, { name: 'fine', map: 'fine-map', condition: { kind: 'errorCount', threshold: 1, windowSeconds: 60 } });
    await recordFailures(store, 'fine-map', 1, { at: new Date().toISOString() });
    const report = await evaluateAlerts({ store, notifier });
    assert.match(report.problems.join('\n'), /alert rule "hand-edited" .*condition.*\n\s+threshold/s);
    assert.deepEqual(report.fired.map((f) => f.rule), ['fine']);
    await store.alerts.deleteRule(broken.id);
    await removeAlertRule(store, fine.id);
  });

  it('rules are found by id or name, enabled, disabled and removed, with config log entries', async () => {
    const rule = await addAlertRule(store, { name: 'toggle me', map: 'toggle', condition: { kind: 'mapFailed' } }, 'carol');
    assert.equal((await findAlertRule(store, 'toggle me')).id, rule.id);
    assert.equal((await setAlertRuleEnabled(store, rule.id, false)).enabled, false);
    assert.equal((await store.alerts.listRules({ enabled: true })).some((r) => r.id === rule.id), false);
    await removeAlertRule(store, 'toggle me');
    await assert.rejects(findAlertRule(store, 'toggle me'), /no alert rule with id or name "toggle me"/);
    const log = await store.log.query({ map: 'toggle', type: 'config' });
    assert.deepEqual(log.items.map((e) => e.message), ['alert rule "toggle me" removed', 'alert rule "toggle me" disabled', 'alert rule "toggle me" added']);
  });
});

describe('startAlertLoop', () => {
  it('evaluates periodically, survives failing rounds, and stops', async () => {
    const { store, cleanup } = await openTempStore();
    const notifier = createNotifier({});
    const reports: EvaluationReport[] = [];
    const errors: string[] = [];
    await addAlertRule(store, { name: 'loop', map: 'loop-map', condition: { kind: 'errorCount', threshold: 1, windowSeconds: 60 } });
    let resolveTwo: () => void = () => undefined;
    const twoRounds = new Promise<void>((r) => (resolveTwo = r));
    const loop = startAlertLoop({
      store,
      notifier,
      intervalMs: 10,
      onReport: (r) => {
        reports.push(r);
        if (reports.length === 2) resolveTwo();
      },
      onError: (m) => errors.push(m),
    });
    try {
      await twoRounds;
      await recordFailures(store, 'loop-map', 1, { at: new Date().toISOString() });
      const report = await loop.evaluateNow();
      assert.deepEqual(report?.fired.map((f) => f.subject), ['loop-map']);
      // A closed store makes rounds fail; the loop reports and carries on.
      await cleanup();
      const failed = await loop.evaluateNow();
      assert.equal(failed, undefined);
      assert.match(errors.join('\n'), /evaluation round failed/);
    } finally {
      await loop.stop();
      notifier.close();
    }
    const count = reports.length;
    assert.equal(await loop.evaluateNow(), undefined);
    assert.equal(reports.length, count, 'no round after stop');
    assert.throws(() => startAlertLoop({ store, notifier, intervalMs: 0 }), /intervalMs 0 is not valid/);
  });
});
