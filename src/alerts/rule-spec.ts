import { z } from 'zod';
import { assertMapName } from '../contracts/names';
import { ALERT_ACTIONS, type AlertRule, type AlertRuleInput, ERROR_QUEUE_CLASSES, type ErrorQueueClass, GLOBAL_SUBJECT } from '../store';

/**
 * What an alert rule watches, what it does and whom it tells. The store keeps condition and
 * notify as opaque JSON; these schemas give them their meaning and are applied on every write
 * and every read (a rule edited by hand in the database is reported, not obeyed blindly).
 */
const errorClass = z.enum(ERROR_QUEUE_CLASSES as [ErrorQueueClass, ...ErrorQueueClass[]]);
const positive = z.number().positive();

export const alertConditionSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('errorCount'),
    /** Count only these classes; every class when absent. */
    class: z.union([errorClass, z.array(errorClass).min(1)]).optional(),
    /** Fires when at least this many records failed within the window. */
    threshold: z.number().int().min(1),
    windowSeconds: positive.max(30 * 86_400),
  }),
  z.strictObject({ kind: z.literal('backlog'), threshold: z.number().int().min(1) }),
  z.strictObject({ kind: z.literal('lagSeconds'), threshold: positive }),
  z.strictObject({ kind: z.literal('mapFailed') }),
]);
export type AlertCondition = z.output<typeof alertConditionSchema>;

const webhookTarget = z
  .strictObject({
    url: z.url({ protocol: /^https?$/ }),
    /** Key of the HMAC-SHA256 signature; or the name of an environment variable holding it. */
    secret: z.string().min(16, 'at least 16 characters').optional(),
    secretEnv: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'an environment variable name such as ALERT_WEBHOOK_SECRET').optional(),
  })
  .refine((w) => (w.secret === undefined) !== (w.secretEnv === undefined), { message: 'give exactly one of secret and secretEnv' });
export type WebhookTarget = z.output<typeof webhookTarget>;

export const alertNotifySchema = z.strictObject({
  email: z.array(z.email()).optional(),
  webhooks: z.array(webhookTarget).optional(),
});
export type AlertNotify = z.output<typeof alertNotifySchema>;

const mapScope = z.string().refine((m) => {
  if (m === GLOBAL_SUBJECT) return true;
  try {
    assertMapName(m);
    return true;
  } catch {
    return false;
  }
}, 'a kebab-case map name such as customers-v3-accounts, or * for every map');

export const alertRuleSpecSchema = z.strictObject({
  id: z.string().min(1).max(200).optional(),
  name: z.string().min(1).max(200),
  /** A map name, or `*` (the default) for every map. */
  map: mapScope.default(GLOBAL_SUBJECT),
  condition: alertConditionSchema,
  action: z.enum(ALERT_ACTIONS).default('none'),
  notify: alertNotifySchema.optional(),
  enabled: z.boolean().default(true),
});
export type AlertRuleSpec = z.input<typeof alertRuleSpecSchema>;

function describeIssues(error: z.ZodError, where: string): string {
  const lines = error.issues.map((i) => `  ${i.path.length ? i.path.join('.') : '(rule)'}: ${i.message}`);
  return `${where} is not valid:\n${lines.join('\n')}`;
}

/** Validates a rule as a user wrote it and turns it into what the store takes. */
export function parseAlertRuleSpec(input: unknown, where = 'alert rule'): AlertRuleInput {
  const parsed = alertRuleSpecSchema.safeParse(input);
  if (!parsed.success) throw new Error(describeIssues(parsed.error, where));
  const { map, notify, ...rest } = parsed.data;
  return { ...rest, map: map === GLOBAL_SUBJECT ? null : map, ...(notify !== undefined ? { notify } : {}) };
}

export interface ValidRule {
  rule: AlertRule;
  condition: AlertCondition;
  notify: AlertNotify;
}

/** A stored rule with its condition and notify parsed; an error names the rule and the fields. */
export function interpretRule(rule: AlertRule): ValidRule {
  const condition = alertConditionSchema.safeParse(rule.condition);
  if (!condition.success) throw new Error(describeIssues(condition.error, `alert rule "${rule.name}" (${rule.id}): condition`));
  const notify = alertNotifySchema.safeParse(rule.notify ?? {});
  if (!notify.success) throw new Error(describeIssues(notify.error, `alert rule "${rule.name}" (${rule.id}): notify`));
  return { rule, condition: condition.data, notify: notify.data };
}

/** One line a person reads in a notification, a log entry or a pause reason. */
export function describeCondition(condition: AlertCondition): string {
  switch (condition.kind) {
    case 'errorCount': {
      const classes = condition.class === undefined ? '' : ` ${[condition.class].flat().join('/')}`;
      return `${condition.threshold} or more${classes} errors within ${condition.windowSeconds}s`;
    }
    case 'backlog':
      return `backlog of ${condition.threshold} or more changes`;
    case 'lagSeconds':
      return `lag of ${condition.threshold}s or more`;
    case 'mapFailed':
      return 'map failed';
  }
}

/** The rule for display: webhook secrets replaced, so listings and logs never show them. */
export function redactRule(rule: AlertRule): AlertRule {
  const notify = rule.notify as { webhooks?: unknown } | undefined;
  if (!notify || !Array.isArray(notify.webhooks)) return rule;
  const webhooks = notify.webhooks.map((w: unknown) => (w && typeof w === 'object' && 'secret' in w ? { ...w, secret: '***' } : w));
  return { ...rule, notify: { ...notify, webhooks } };
}
