import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createEmailSender, describeSmtpUrl } from './email';
import type { AlertNotice } from './notice';
import { createNotifier } from './notifier';
import { startSmtpInbox, type SmtpInbox } from './test-support/smtp-inbox';
import { startWebhookReceiver, type WebhookReceiver } from './test-support/webhook-receiver';
import { postWebhook, signBody } from './webhook';

const notice: AlertNotice = {
  event: 'fired',
  rule: { id: 'r1', name: 'validation burst', map: 'customers', condition: { kind: 'errorCount', threshold: 10, windowSeconds: 15 }, action: 'pause' },
  subject: 'customers',
  message: 'customers: 12 error(s) in the last 15s (10 or more errors within 15s)',
  value: 12,
  at: '2026-11-26T10:00:00.000Z',
  actionTaken: 'paused map customers',
};
const fast = { attempts: 3, baseDelayMs: 5, maxDelayMs: 20, timeoutMs: 5000 };

describe('e-mail over SMTP', () => {
  let smtp: SmtpInbox;
  before(async () => {
    smtp = await startSmtpInbox();
  });
  after(() => smtp.close());

  it('sends the notice with the credentials of the URL', async () => {
    const sender = createEmailSender(smtp.url, 'dualwrite@test.local');
    try {
      await sender.send(notice, ['ops@example.com', 'oncall@example.com']);
    } finally {
      sender.close();
    }
    const [mail] = await smtp.waitFor(1);
    assert.deepEqual(mail?.to, ['ops@example.com', 'oncall@example.com']);
    assert.equal(mail?.from, 'dualwrite@test.local');
    assert.match(mail?.raw ?? '', /Subject: \[dualwrite\] FIRING: validation burst \(customers\)/);
    assert.match(mail?.raw ?? '', /Action taken: paused map customers/);
  });

  it('a wrong password fails with a message that does not contain it', async () => {
    const url = `smtp://alerts:${encodeURIComponent('wrong-Secret-42')}@127.0.0.1:${smtp.port}`;
    const sender = createEmailSender(url, 'dualwrite@test.local');
    try {
      await assert.rejects(sender.send(notice, ['ops@example.com']), (err: Error) => {
        assert.match(err.message, /e-mail to ops@example.com via smtp:\/\/alerts:\*\*\*@127\.0\.0\.1/);
        assert.doesNotMatch(err.message, /wrong-Secret-42/);
        return true;
      });
    } finally {
      sender.close();
    }
  });

  it('refuses a URL that is not smtp:// or smtps://, masking the password', () => {
    assert.throws(() => createEmailSender('http://u:topsecret@mail:25', 'a@b.c'), (err: Error) => /expected the scheme smtp:\/\//.test(err.message) && !err.message.includes('topsecret'));
    assert.equal(describeSmtpUrl('smtp://u:topsecret@mail:25'), 'smtp://u:***@mail:25');
  });
});

describe('signed webhooks', () => {
  const secret = 'a-webhook-secret-of-some-length';
  let hook: WebhookReceiver;
  before(async () => {
    hook = await startWebhookReceiver(secret);
  });
  after(() => hook.close());

  it('the signature is the HMAC-SHA256 of the exact body', () => {
    // Known answer computed independently: printf '{"a":1}' | openssl dgst -sha256 -hmac key
    assert.equal(signBody('{"a":1}', 'key'), 'sha256=88a67f24bbcdaed0e6c997404bb79a743baf44c6bab2f4c27328e3009d22e342');
    assert.notEqual(signBody('{"a":1}', 'key'), signBody('{"a":2}', 'key'));
  });

  it('retries 503 and 429 with backoff, then delivers once with a valid signature and one delivery id', async () => {
    const before = hook.hooks.length;
    const requestsBefore = hook.requests;
    hook.failNext(503, 429);
    const result = await postWebhook(hook.url, { hello: 'world' }, secret, fast);
    assert.deepEqual(result, { attempts: 3, status: 204 });
    assert.equal(hook.requests - requestsBefore, 3);
    assert.equal(hook.hooks.length - before, 1);
    const received = hook.hooks.at(-1)!;
    assert.equal(received.signatureValid, true);
    assert.deepEqual(received.json, { hello: 'world' });
    assert.match(String(received.headers['x-dualwrite-delivery']), /^[0-9a-f-]{36}$/);
  });

  it('gives up after the configured attempts, and at once on a 4xx that will not change', async () => {
    const requestsBefore = hook.requests;
    hook.failNext(500, 500, 500);
    await assert.rejects(postWebhook(hook.url, {}, secret, fast), /failed after 3 attempt\(s\): HTTP 500/);
    assert.equal(hook.requests - requestsBefore, 3);
    hook.failNext(404);
    await assert.rejects(postWebhook(hook.url, {}, secret, fast), /HTTP 404/);
    assert.equal(hook.requests - requestsBefore, 4);
  });

  it('a receiver that is down fails after the attempts with the connection error', async () => {
    await assert.rejects(postWebhook('http://127.0.0.1:9/nothing?token=abc', {}, secret, { ...fast, attempts: 2 }), (err: Error) => {
      assert.match(err.message, /webhook http:\/\/127\.0\.0\.1:9\/nothing failed after 2 attempt\(s\)/);
      assert.doesNotMatch(err.message, /token=abc/);
      return true;
    });
  });

  it('a wrong secret is detected by the receiver', async () => {
    await postWebhook(hook.url, { x: 1 }, 'another-secret-entirely', fast);
    assert.equal(hook.hooks.at(-1)?.signatureValid, false);
  });
});

describe('createNotifier', () => {
  let smtp: SmtpInbox;
  let hook: WebhookReceiver;
  const secret = 'notifier-secret-0123456789';
  before(async () => {
    smtp = await startSmtpInbox();
    hook = await startWebhookReceiver(secret);
  });
  after(async () => {
    await smtp.close();
    await hook.close();
  });

  it('delivers to every target; a failing one does not stop the others', async () => {
    const notifier = createNotifier({ smtpUrl: smtp.url, webhookRetry: fast, env: { HOOK_SECRET: secret } });
    try {
      const outcome = await notifier.notify(notice, {
        email: ['ops@example.com'],
        webhooks: [{ url: hook.url, secretEnv: 'HOOK_SECRET' }, { url: 'http://127.0.0.1:9/down', secret: 'x'.repeat(16) }],
      });
      assert.deepEqual(outcome.delivered.sort(), [`email:ops@example.com`, `webhook:${hook.url}`]);
      assert.equal(outcome.failed.length, 1);
      assert.match(outcome.failed[0]!.target, /127\.0\.0\.1:9\/down/);
      assert.equal(hook.hooks.at(-1)?.signatureValid, true);
      assert.equal((hook.hooks.at(-1)?.json as { type: string }).type, 'alert.fired');
      await smtp.waitFor(1);
    } finally {
      notifier.close();
    }
  });

  it('e-mail targets without an SMTP URL and a missing secret variable fail with what to set', async () => {
    const notifier = createNotifier({ env: {} });
    const outcome = await notifier.notify(notice, { email: ['ops@example.com'], webhooks: [{ url: hook.url, secretEnv: 'MISSING_SECRET' }] });
    assert.deepEqual(outcome.delivered, []);
    const errors = outcome.failed.map((f) => f.error).join('\n');
    assert.match(errors, /set DUALWRITE_SMTP_URL/);
    assert.match(errors, /MISSING_SECRET/);
  });
});
