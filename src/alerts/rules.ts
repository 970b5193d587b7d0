import type { AlertRule, Store } from '../store';
import { parseAlertRuleSpec } from './rule-spec';

/** Validates and stores a new rule; throws naming each invalid field. */
export async function addAlertRule(store: Pick<Store, 'alerts' | 'log'>, spec: unknown, by = 'cli'): Promise<AlertRule> {
  const input = parseAlertRuleSpec(spec);
  const rule = await store.alerts.createRule(input);
  await store.log.append({ ...(rule.map ? { map: rule.map } : {}), type: 'config', message: `alert rule "${rule.name}" added`, data: { ruleId: rule.id }, actor: by });
  return rule;
}

/** Finds a rule by id, else by name (names are not unique: an ambiguous name is refused). */
export async function findAlertRule(store: Pick<Store, 'alerts'>, idOrName: string): Promise<AlertRule> {
  const byId = await store.alerts.getRule(idOrName);
  if (byId) return byId;
  const named = (await store.alerts.listRules()).filter((r) => r.name === idOrName);
  if (named.length === 1) return named[0]!;
  if (named.length > 1) throw new Error(`${named.length} alert rules are named "${idOrName}": use the id (${named.map((r) => r.id).join(', ')})`);
  throw new Error(`no alert rule with id or name "${idOrName}" (dualwrite alerts list shows them)`);
}

export async function setAlertRuleEnabled(store: Pick<Store, 'alerts' | 'log'>, idOrName: string, enabled: boolean, by = 'cli'): Promise<AlertRule> {
  const rule = await findAlertRule(store, idOrName);
  const updated = await store.alerts.updateRule(rule.id, { enabled });
  await store.log.append({ ...(rule.map ? { map: rule.map } : {}), type: 'config', message: `alert rule "${rule.name}" ${enabled ? 'enabled' : 'disabled'}`, data: { ruleId: rule.id }, actor: by });
  return updated;
}

export async function removeAlertRule(store: Pick<Store, 'alerts' | 'log'>, idOrName: string, by = 'cli'): Promise<AlertRule> {
  const rule = await findAlertRule(store, idOrName);
  await store.alerts.deleteRule(rule.id);
  await store.log.append({ ...(rule.map ? { map: rule.map } : {}), type: 'config', message: `alert rule "${rule.name}" removed`, data: { ruleId: rule.id }, actor: by });
  return rule;
}
