/** Alert rules, their evaluation, actions and notifications (docs/errors-and-alerts.md). */
export {
  alertConditionSchema,
  alertNotifySchema,
  alertRuleSpecSchema,
  parseAlertRuleSpec,
  interpretRule,
  describeCondition,
  redactRule,
  type AlertCondition,
  type AlertNotify,
  type AlertRuleSpec,
  type WebhookTarget,
} from './rule-spec';
export { addAlertRule, findAlertRule, setAlertRuleEnabled, removeAlertRule } from './rules';
export { evaluateAlerts, type AlertDeps, type EvaluationReport, type AlertTransition } from './evaluator';
export { startAlertLoop, type AlertLoop, type AlertLoopOptions } from './alert-loop';
export { createNotifier, notifierOptionsFromEnv, webhookPayload, type Notifier, type NotifierOptions, type NotifyOutcome } from './notifier';
export { createEmailSender, describeSmtpUrl } from './email';
export { postWebhook, signBody, SIGNATURE_HEADER, DEFAULT_WEBHOOK_RETRY, type WebhookRetry } from './webhook';
export type { AlertNotice } from './notice';
