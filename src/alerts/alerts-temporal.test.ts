import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { mapWorkflowId } from '../contracts/names';
import { retryErrors } from '../errors';
import type { Store } from '../store';
import { evaluateAlerts } from './evaluator';
import { createNotifier, type Notifier } from './notifier';
import { addAlertRule } from './rules';
import { recordedSignalsQuery, recordingMapWorkflow, setStatusSignal, type RecordedSignal } from './test-support/recording-map-workflow';
import { startSmtpInbox, type SmtpInbox } from './test-support/smtp-inbox';
import { openTempStore, recordFailures } from './test-support/temp-store';
import { closeTestEnvironment, eventually, withRecordingWorker } from './test-support/temporal';
import { startWebhookReceiver, type WebhookReceiver } from './test-support/webhook-receiver';

/**
 * The alert evaluator and the retry command against real parts: a SQLite store, a Temporal dev
 * server running a stand-in map workflow that records signals, an SMTP server and an HTTP
 * receiver that checks the webhook signature.
 */
describe('alerts and retries against Temporal, SMTP and a webhook receiver', () => {
  const secret = 'webhook-secret-0123456789';
  let store: Store;
  let cleanup: () => Promise<void>;
  let smtp: SmtpInbox;
  let hook: WebhookReceiver;
  let notifier: Notifier;

  before(async () => {
    ({ store, cleanup } = await openTempStore());
    smtp = await startSmtpInbox();
    hook = await startWebhookReceiver(secret);
    notifier = createNotifier({ smtpUrl: smtp.url, from: 'dualwrite@test.local', webhookRetry: { attempts: 3, baseDelayMs: 10, maxDelayMs: 40, timeoutMs: 5000 } });
  });
  after(async () => {
    notifier.close();
    await smtp.close();
    await hook.close();
    await cleanup();
    await closeTestEnvironment();
  });

  const newMap = () => `alerts-${randomUUID().slice(0, 8)}`;

  it('10 validation errors within 15 s pause the map once, mail and post once; clearing notifies once; retry-all requeues', async () => {
    await withRecordingWorker(async ({ env, taskQueue }) => {
      const map = newMap();
      const handle = await env.client.workflow.start(recordingMapWorkflow, { workflowId: mapWorkflowId(map), taskQueue, args: [map] });
      const signals = () => handle.query(recordedSignalsQuery);
      const rule = await addAlertRule(store, {
        name: 'validation burst',
        map,
        condition: { kind: 'errorCount', class: 'validation', threshold: 10, windowSeconds: 15 },
        action: 'pause',
        notify: { email: ['ops@example.com'], webhooks: [{ url: hook.url, secret }] },
      });
      const base = Date.parse('2026-11-26T10:00:00.000Z');
      const at = (seconds: number) => new Date(base + seconds * 1000);
      const deps = { store, client: env.client, notifier };

      // Nine validation errors and two of another class: below the threshold.
      await recordFailures(store, map, 9, { at: at(1).toISOString() });
      await recordFailures(store, map, 2, { class: 'conflict', at: at(2).toISOString(), keyPrefix: 'usmf|X' });
      const quiet = await evaluateAlerts({ ...deps, now: at(5) });
      assert.deepEqual(quiet.fired, []);
      assert.deepEqual(quiet.problems, []);

      // The tenth within the window fires the rule.
      await recordFailures(store, map, 1, { at: at(6).toISOString(), keyPrefix: 'usmf|Z' });
      const fired = await evaluateAlerts({ ...deps, now: at(8) });
      assert.equal(fired.fired.length, 1, JSON.stringify(fired));
      assert.deepEqual(fired.problems, []);
      assert.equal(fired.fired[0]?.actionTaken, `paused map ${map}`);

      const pauses = await eventually(signals, (s) => s.some((x) => x.name === 'pause'), 'pause signal');
      const pause = pauses.find((s) => s.name === 'pause') as RecordedSignal;
      assert.deepEqual(pause.input, { reason: 'alert validation burst: 10 or more validation errors within 15s', by: `alert:${rule.id}` });

      await smtp.waitFor(1);
      await hook.waitFor(1);
      const mail = smtp.mails[0]!;
      assert.deepEqual(mail.to, ['ops@example.com']);
      assert.equal(mail.user, 'alerts', 'nodemailer authenticated with the user of the URL');
      assert.match(mail.raw, /Subject: \[dualwrite\] FIRING: validation burst/);
      const firedHook = hook.hooks[0]!;
      assert.equal(firedHook.signatureValid, true);
      assert.equal(firedHook.headers['content-type'], 'application/json');
      assert.deepEqual((firedHook.json as { type: string; subject: string; value: number }).type, 'alert.fired');
      assert.equal((firedHook.json as { value: number }).value, 10);

      // Still holding: no second notification and no second pause.
      const again = await evaluateAlerts({ ...deps, now: at(10) });
      assert.deepEqual([again.fired.length, again.cleared.length], [0, 0]);
      assert.equal(smtp.mails.length, 1);
      assert.equal(hook.hooks.length, 1);
      assert.equal((await signals()).filter((s) => s.name === 'pause').length, 1);

      // The window moves past the errors: exactly one "cleared" notification.
      const cleared = await evaluateAlerts({ ...deps, now: at(30) });
      assert.equal(cleared.cleared.length, 1, JSON.stringify(cleared));
      await smtp.waitFor(2);
      await hook.waitFor(2);
      assert.match(smtp.mails[1]!.raw, /Subject: \[dualwrite\] CLEARED: validation burst/);
      assert.equal(hook.hooks[1]!.signatureValid, true);
      assert.equal((hook.hooks[1]!.json as { type: string }).type, 'alert.cleared');
      await evaluateAlerts({ ...deps, now: at(40) });
      assert.equal(smtp.mails.length, 2);
      assert.equal(hook.hooks.length, 2);

      const log = await store.log.query({ map, type: 'alert' });
      assert.deepEqual(log.items.map((e) => e.level), ['info', 'warn']);
      assert.equal(log.items[1]?.actor, `alert:${rule.id}`);

      // Retry all: every open record goes back to the inbox, the store shows it retrying and the map is poked.
      const retried = await retryErrors({ store, client: env.client }, { map }, { by: 'test' });
      assert.deepEqual([retried.retried, retried.requeued, retried.byMap[map]], [12, 12, 12]);
      assert.deepEqual(retried.poked, [map]);
      assert.equal(await store.errors.count({ map, status: 'retrying' }), 12);
      assert.equal(await store.errors.count({ map, status: 'open' }), 0);
      assert.equal(await store.inbox.count({ map, status: 'pending' }), 12);
      const batch = await store.inbox.readBatch({ map, limit: 100 });
      assert.ok(batch.every((c) => c.eventId.startsWith('retry:') && c.op === 'upsert'));
      assert.deepEqual(batch.find((c) => c.recordKey === 'usmf|Z0000')?.payload, { CustomerAccount: 'C0', dataAreaId: 'usmf' });
      await eventually(signals, (s) => s.some((x) => x.name === 'changesAvailable'), 'changesAvailable signal');
    });
  });

  it('a global mapFailed rule with action stop stops the failed map; a backlog rule reads the status query', async () => {
    await withRecordingWorker(async ({ env, taskQueue }) => {
      const map = newMap();
      const handle = await env.client.workflow.start(recordingMapWorkflow, { workflowId: mapWorkflowId(map), taskQueue, args: [map] });
      const failed = await addAlertRule(store, { name: `failed ${map}`, condition: { kind: 'mapFailed' }, action: 'stop' });
      const backlog = await addAlertRule(store, { name: `backlog ${map}`, map, condition: { kind: 'backlog', threshold: 500 } });
      const deps = { store, client: env.client, notifier, maps: async () => [map] };
      try {
        const calm = await evaluateAlerts(deps);
        assert.deepEqual(calm.fired, []);

        await handle.signal(setStatusSignal, { state: 'Failed', lastError: 'auth failed', backlog: 750 });
        const report = await evaluateAlerts(deps);
        assert.deepEqual(report.fired.map((f) => f.rule).sort(), [`backlog ${map}`, `failed ${map}`]);
        assert.equal(report.fired.find((f) => f.ruleId === failed.id)?.actionTaken, `stopped map ${map}`);
        const recorded = await handle.result();
        assert.deepEqual(recorded.filter((s) => s.name === 'stop').map((s) => s.input), [{ reason: 'alert failed ' + map + ': map failed', by: `alert:${failed.id}` }]);
        assert.equal((await store.alerts.getState(backlog.id, map))?.lastValue, 750);
      } finally {
        await store.alerts.deleteRule(failed.id);
        await store.alerts.deleteRule(backlog.id);
      }
    });
  });

  it('a map without a workflow: errorCount still fires, the pause is reported as not needed', async () => {
    await withRecordingWorker(async ({ env }) => {
      const map = newMap();
      const rule = await addAlertRule(store, { name: `lonely ${map}`, map, condition: { kind: 'errorCount', threshold: 1, windowSeconds: 60 }, action: 'pause' });
      try {
        await recordFailures(store, map, 1, { at: new Date().toISOString() });
        const report = await evaluateAlerts({ store, client: env.client, notifier });
        assert.equal(report.fired[0]?.actionTaken, `map ${map} is not running: nothing to pause`);
      } finally {
        await store.alerts.deleteRule(rule.id);
      }
    });
  });
});
