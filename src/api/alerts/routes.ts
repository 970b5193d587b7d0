import { z } from 'zod';
import { alertConditionSchema, alertNotifySchema, alertRuleSpecSchema, parseAlertRuleSpec, redactRule } from '../../alerts/rule-spec';
import { ALERT_ACTIONS, GLOBAL_SUBJECT, type AlertRule } from '../../store';
import { recordAction } from '../actions';
import type { ManagementDependencies } from '../deps';
import { ApiError } from '../errors';
import { defineRoute, type ApiRoute } from '../routing/route';

const TAG = 'alerts';
const IdParams = z.object({ id: z.string().min(1).max(200).describe('Rule id') });
const RuleSchema = z.record(z.string(), z.unknown()).describe('An alert rule: id, name, map (absent: every map), condition, action, notify (webhook secrets shown as ***), enabled, createdAt, updatedAt.');
const StateSchema = z.record(z.string(), z.unknown()).describe('Firing state of a rule for one subject (a map or *).');
const booleanParam = z.enum(['true', 'false']).transform((v) => v === 'true');

/** Only the fields given change; `map: "*"` or null makes the rule global, `notify: null` removes notifications. */
const RulePatch = z.strictObject({
  name: z.string().min(1).max(200).optional(),
  map: z.string().nullable().optional(),
  condition: alertConditionSchema.optional(),
  action: z.enum(ALERT_ACTIONS).optional(),
  notify: alertNotifySchema.nullable().optional(),
  enabled: z.boolean().optional(),
});

/** The rule in the form a user writes it, so a patch can be merged and validated as a whole. */
function specOf(rule: AlertRule): Record<string, unknown> {
  return { name: rule.name, map: rule.map ?? GLOBAL_SUBJECT, condition: rule.condition, action: rule.action, ...(rule.notify !== undefined && rule.notify !== null ? { notify: rule.notify } : {}), enabled: rule.enabled };
}

function parseSpec(input: unknown): ReturnType<typeof parseAlertRuleSpec> {
  try {
    return parseAlertRuleSpec(input);
  } catch (err) {
    throw new ApiError(400, 'invalid-rule', err instanceof Error ? err.message : String(err));
  }
}

export function alertRoutes(deps: ManagementDependencies): ApiRoute[] {
  const { store } = deps;
  const requireRule = async (id: string) => {
    const rule = await store.alerts.getRule(id);
    if (!rule) throw new ApiError(404, 'rule-not-found', `no alert rule '${id}'`);
    return rule;
  };
  return [
    defineRoute({
      method: 'get',
      path: '/alerts/rules',
      operationId: 'listAlertRules',
      summary: 'Alert rules; with map, the rules that apply to it (its own and the global ones)',
      tag: TAG,
      role: 'viewer',
      query: z.object({ map: z.string().min(1).optional(), enabled: booleanParam.optional() }),
      responses: { 200: { description: 'Rules', schema: z.object({ items: z.array(RuleSchema) }) } },
      handler: async (c, { query }) => {
        const rules = await store.alerts.listRules({ ...(query.map ? { map: query.map } : {}), ...(query.enabled !== undefined ? { enabled: query.enabled } : {}) });
        return c.json({ items: rules.map(redactRule) });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/alerts/rules/:id',
      operationId: 'getAlertRule',
      summary: 'One alert rule',
      tag: TAG,
      role: 'viewer',
      params: IdParams,
      responses: { 200: { description: 'The rule', schema: RuleSchema }, 404: { description: 'No such rule' } },
      handler: async (c, { params }) => c.json(redactRule(await requireRule(params.id))),
    }),
    defineRoute({
      method: 'post',
      path: '/alerts/rules',
      operationId: 'createAlertRule',
      summary: 'Creates an alert rule',
      tag: TAG,
      role: 'admin',
      body: alertRuleSpecSchema,
      responses: { 201: { description: 'Created', schema: RuleSchema }, 409: { description: 'A rule with that id exists' } },
      handler: async (c, { body, caller }) => {
        const input = parseSpec(body);
        if (input.id && (await store.alerts.getRule(input.id))) throw new ApiError(409, 'rule-exists', `alert rule '${input.id}' exists: change it with PATCH`);
        const rule = await store.alerts.createRule(input);
        await recordAction(store, caller, { ...(rule.map ? { map: rule.map } : {}), type: 'config', message: `alert rule '${rule.name}' (${rule.id}) created by ${caller.name}` });
        return c.json(redactRule(rule), 201);
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/alerts/rules/:id',
      operationId: 'updateAlertRule',
      summary: 'Changes the given fields of an alert rule',
      tag: TAG,
      role: 'admin',
      params: IdParams,
      body: RulePatch,
      responses: { 200: { description: 'The rule after the change', schema: RuleSchema }, 404: { description: 'No such rule' } },
      handler: async (c, { params, body, caller }) => {
        const existing = await requireRule(params.id);
        const merged: Record<string, unknown> = { ...specOf(existing) };
        for (const [k, v] of Object.entries(body)) {
          if (v === undefined) continue;
          if (v === null) {
            if (k === 'map') merged.map = GLOBAL_SUBJECT;
            else delete merged[k];
          } else merged[k] = v;
        }
        const { id: _id, ...input } = parseSpec(merged);
        const rule = await store.alerts.updateRule(params.id, { ...input, ...(merged.notify === undefined ? { notify: null } : {}) });
        await recordAction(store, caller, { ...(rule.map ? { map: rule.map } : {}), type: 'config', message: `alert rule '${rule.name}' (${rule.id}) changed by ${caller.name}`, data: { fields: Object.keys(body) } });
        return c.json(redactRule(rule));
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/alerts/rules/:id',
      operationId: 'deleteAlertRule',
      summary: 'Deletes an alert rule and its firing states',
      tag: TAG,
      role: 'admin',
      params: IdParams,
      responses: { 200: { description: 'Deleted', schema: z.object({ deleted: z.literal(true), id: z.string() }) }, 404: { description: 'No such rule' } },
      handler: async (c, { params, caller }) => {
        const rule = await requireRule(params.id);
        await store.alerts.deleteRule(params.id);
        await recordAction(store, caller, { ...(rule.map ? { map: rule.map } : {}), type: 'config', message: `alert rule '${rule.name}' (${rule.id}) deleted by ${caller.name}` });
        return c.json({ deleted: true as const, id: params.id });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/alerts/states',
      operationId: 'listAlertStates',
      summary: 'Firing state of alert rules per subject (a map, or * for a global evaluation)',
      tag: TAG,
      role: 'viewer',
      query: z.object({ ruleId: z.string().min(1).optional(), subject: z.string().min(1).optional(), firing: booleanParam.optional().describe('true: only firing; false: only cleared.') }),
      responses: { 200: { description: 'States', schema: z.object({ items: z.array(StateSchema) }) } },
      handler: async (c, { query }) => c.json({ items: await store.alerts.listStates(Object.fromEntries(Object.entries(query).filter(([, v]) => v !== undefined))) }),
    }),
  ];
}
