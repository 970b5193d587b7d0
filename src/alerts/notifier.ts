import { createEmailSender, type EmailSender } from './email';
import type { AlertNotice } from './notice';
import type { AlertNotify, WebhookTarget } from './rule-spec';
import { DEFAULT_WEBHOOK_RETRY, describeWebhookUrl, postWebhook, type WebhookRetry } from './webhook';

export interface NotifyOutcome {
  /** Channels that took the notice, e.g. "email:ops@example.com", "webhook:https://hooks.example.com/x". */
  delivered: string[];
  failed: { target: string; error: string }[];
}

export interface Notifier {
  notify(notice: AlertNotice, targets: AlertNotify): Promise<NotifyOutcome>;
  close(): void;
}

export interface NotifierOptions {
  /** `smtp://user:password@host:port`; without it e-mail targets fail with a message saying so. */
  smtpUrl?: string;
  /** Sender address; default `dualwrite@localhost`. */
  from?: string;
  webhookRetry?: Partial<WebhookRetry>;
  /** Where `secretEnv` of a webhook is looked up; default process.env. */
  env?: NodeJS.ProcessEnv;
}

/** Reads `DUALWRITE_SMTP_URL` and `DUALWRITE_ALERT_FROM`. */
export function notifierOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): NotifierOptions {
  return {
    ...(env.DUALWRITE_SMTP_URL ? { smtpUrl: env.DUALWRITE_SMTP_URL } : {}),
    ...(env.DUALWRITE_ALERT_FROM ? { from: env.DUALWRITE_ALERT_FROM } : {}),
    env,
  };
}

/** The webhook payload: the notice, with a type a receiver can switch on. */
export function webhookPayload(notice: AlertNotice): unknown {
  return { type: `alert.${notice.event}`, ...notice };
}

/** Sends each notice to every target of its rule; one target's failure does not stop the others. */
export function createNotifier(options: NotifierOptions = {}): Notifier {
  const retry: WebhookRetry = { ...DEFAULT_WEBHOOK_RETRY, ...options.webhookRetry };
  const env = options.env ?? process.env;
  let email: EmailSender | undefined;

  function secretOf(target: WebhookTarget): string {
    if (target.secret !== undefined) return target.secret;
    const value = target.secretEnv === undefined ? undefined : env[target.secretEnv];
    if (!value) throw new Error(`webhook ${describeWebhookUrl(target.url)}: the environment variable ${target.secretEnv ?? '(none)'} that should hold its secret is not set`);
    return value;
  }

  return {
    async notify(notice, targets) {
      const outcome: NotifyOutcome = { delivered: [], failed: [] };
      const tasks: Promise<void>[] = [];
      const recipients = targets.email ?? [];
      if (recipients.length > 0) {
        const target = `email:${recipients.join(',')}`;
        tasks.push(
          (async () => {
            if (!options.smtpUrl) throw new Error('no SMTP server configured: set DUALWRITE_SMTP_URL, e.g. smtp://user:password@mail.example.com:587');
            email ??= createEmailSender(options.smtpUrl, options.from ?? 'dualwrite@localhost');
            await email.send(notice, recipients);
          })().then(
            () => void outcome.delivered.push(target),
            (err: unknown) => void outcome.failed.push({ target, error: err instanceof Error ? err.message : String(err) }),
          ),
        );
      }
      for (const hook of targets.webhooks ?? []) {
        const target = `webhook:${describeWebhookUrl(hook.url)}`;
        tasks.push(
          (async () => {
            await postWebhook(hook.url, webhookPayload(notice), secretOf(hook), retry);
          })().then(
            () => void outcome.delivered.push(target),
            (err: unknown) => void outcome.failed.push({ target, error: err instanceof Error ? err.message : String(err) }),
          ),
        );
      }
      await Promise.all(tasks);
      return outcome;
    },
    close() {
      email?.close();
    },
  };
}
