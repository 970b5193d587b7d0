import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import { type StoreContext, decodeJson, encodeJson } from './context';
import type { AlertRuleTable, AlertStateTable } from './tables';
import { fromOptionalStoredTimestamp, fromStoredTimestamp, requireOneOf, requireText, toIsoTimestamp } from './values';

export const ALERT_ACTIONS = ['none', 'pause', 'stop'] as const;
export type AlertAction = (typeof ALERT_ACTIONS)[number];
/** Subject of the firing state of a rule evaluated across all maps at once. */
export const GLOBAL_SUBJECT = '*';

export interface AlertRule {
  id: string;
  name: string;
  /** The map the rule watches; absent for a global rule (evaluated for every map). */
  map?: string;
  /** Interpreted by the alert evaluator, e.g. {"metric":"errors","class":"validation","count":10,"windowSeconds":300}. */
  condition: unknown;
  action: AlertAction;
  /** Where to notify, e.g. {"webhook":"https://..."}; interpreted by the notifier. */
  notify?: unknown;
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface AlertRuleInput {
  /** Defaults to a random UUID. */
  id?: string;
  name: string;
  map?: string | null;
  condition: unknown;
  /** Defaults to none. */
  action?: AlertAction;
  notify?: unknown;
  /** Defaults to true. */
  enabled?: boolean;
}

export interface AlertState {
  ruleId: string;
  /** The map the rule fired for, or GLOBAL_SUBJECT. */
  subject: string;
  status: 'firing' | 'cleared';
  firingSince?: string;
  lastValue?: unknown;
  message?: string;
  lastEvaluatedAt: string;
  lastNotifiedAt?: string;
  clearedAt?: string;
}

export interface AlertStore {
  createRule(input: AlertRuleInput): Promise<AlertRule>;
  updateRule(id: string, patch: Partial<Omit<AlertRuleInput, 'id'>>): Promise<AlertRule>;
  /** Deletes the rule and its firing states. */
  deleteRule(id: string): Promise<boolean>;
  getRule(id: string): Promise<AlertRule | undefined>;
  /** With `map`: the rules that apply to it, its own and the global ones. */
  listRules(filter?: { map?: string; enabled?: boolean }): Promise<AlertRule[]>;
  /**
   * The condition holds. Exactly one of several concurrent callers sees `fired` (so it alone
   * notifies and acts); later calls see `still-firing` and refresh the value.
   */
  fire(ruleId: string, subject: string, details?: { at?: string; value?: unknown; message?: string }): Promise<{ transition: 'fired' | 'still-firing'; state: AlertState }>;
  /** The condition no longer holds. */
  clear(ruleId: string, subject: string, at?: string): Promise<{ transition: 'cleared' | 'not-firing'; state?: AlertState }>;
  markNotified(ruleId: string, subject: string, at?: string): Promise<void>;
  getState(ruleId: string, subject: string): Promise<AlertState | undefined>;
  listStates(filter?: { ruleId?: string; subject?: string; firing?: boolean }): Promise<AlertState[]>;
}

export function createAlertStore(ctx: StoreContext): AlertStore {
  const { db } = ctx;

  function toRule(r: Selectable<AlertRuleTable>): AlertRule {
    const notify = decodeJson(ctx, r.notify);
    return {
      id: r.id,
      name: r.name,
      ...(r.map !== null ? { map: r.map } : {}),
      condition: decodeJson(ctx, r.condition),
      action: r.action as AlertAction,
      ...(notify !== null ? { notify } : {}),
      enabled: Number(r.enabled) === 1,
      createdAt: fromStoredTimestamp(r.created_at),
      updatedAt: fromStoredTimestamp(r.updated_at),
    };
  }

  function toState(r: Selectable<AlertStateTable>): AlertState {
    const lastValue = decodeJson(ctx, r.last_value);
    const firingSince = fromOptionalStoredTimestamp(r.firing_since);
    const lastNotifiedAt = fromOptionalStoredTimestamp(r.last_notified_at);
    const clearedAt = fromOptionalStoredTimestamp(r.cleared_at);
    return {
      ruleId: r.rule_id,
      subject: r.subject,
      status: r.status as AlertState['status'],
      ...(firingSince !== undefined ? { firingSince } : {}),
      ...(lastValue !== null ? { lastValue } : {}),
      ...(r.message !== null ? { message: r.message } : {}),
      lastEvaluatedAt: fromStoredTimestamp(r.last_evaluated_at),
      ...(lastNotifiedAt !== undefined ? { lastNotifiedAt } : {}),
      ...(clearedAt !== undefined ? { clearedAt } : {}),
    };
  }

  function checkCondition(condition: unknown, where: string): string {
    if (condition === undefined || condition === null) throw new Error(`${where}: condition is required (a JSON object describing when the alert fires)`);
    return JSON.stringify(condition);
  }

  async function getRule(id: string): Promise<AlertRule | undefined> {
    const row = await db.selectFrom('alert_rules').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? undefined : toRule(row);
  }

  async function requireRule(id: string): Promise<AlertRule> {
    const rule = await getRule(id);
    if (rule === undefined) throw new Error(`alert rule "${id}" does not exist`);
    return rule;
  }

  return {
    async createRule(input) {
      const id = input.id ?? randomUUID();
      const where = `alert rule "${id}"`;
      const now = new Date().toISOString();
      const inserted = await db
        .insertInto('alert_rules')
        .values({
          id: requireText(id, 'alert rule: id'),
          name: requireText(input.name, `${where}: name`),
          map: input.map ?? null,
          condition: checkCondition(input.condition, where),
          action: requireOneOf(input.action ?? 'none', ALERT_ACTIONS, `${where}: action`),
          notify: encodeJson(input.notify),
          enabled: input.enabled === false ? 0 : 1,
          created_at: now,
          updated_at: now,
        })
        .onConflict((oc) => oc.column('id').doNothing())
        .returningAll()
        .executeTakeFirst();
      if (inserted === undefined) throw new Error(`${where} already exists; use updateRule to change it`);
      return toRule(inserted);
    },

    async updateRule(id, patch) {
      const where = `alert rule "${id}"`;
      const changes = {
        ...(patch.name !== undefined ? { name: requireText(patch.name, `${where}: name`) } : {}),
        ...(patch.map !== undefined ? { map: patch.map } : {}),
        ...(patch.condition !== undefined ? { condition: checkCondition(patch.condition, where) } : {}),
        ...(patch.action !== undefined ? { action: requireOneOf(patch.action, ALERT_ACTIONS, `${where}: action`) } : {}),
        ...(patch.notify !== undefined ? { notify: encodeJson(patch.notify) } : {}),
        ...(patch.enabled !== undefined ? { enabled: patch.enabled ? 1 : 0 } : {}),
        updated_at: new Date().toISOString(),
      };
      const row = await db.updateTable('alert_rules').set(changes).where('id', '=', id).returningAll().executeTakeFirst();
      if (row === undefined) throw new Error(`${where} does not exist`);
      return toRule(row);
    },

    async deleteRule(id) {
      return ctx.writeTransaction(async (trx) => {
        await trx.deleteFrom('alert_states').where('rule_id', '=', id).execute();
        const result = await trx.deleteFrom('alert_rules').where('id', '=', id).executeTakeFirst();
        return Number(result.numDeletedRows) > 0;
      });
    },

    getRule,

    async listRules(filter = {}) {
      const rows = await db
        .selectFrom('alert_rules')
        .selectAll()
        .$if(filter.map !== undefined, (qb) => qb.where((eb) => eb.or([eb('map', '=', filter.map as string), eb('map', 'is', null)])))
        .$if(filter.enabled !== undefined, (qb) => qb.where('enabled', '=', filter.enabled ? 1 : 0))
        .orderBy('name')
        .orderBy('id')
        .execute();
      return rows.map(toRule);
    },

    async fire(ruleId, subject, details = {}) {
      await requireRule(ruleId);
      const at = toIsoTimestamp(details.at, `alert "${ruleId}" fire: at`);
      const value = encodeJson(details.value);
      const message = details.message ?? null;
      return ctx.writeTransaction(async (trx) => {
        // Only a row that is not already firing is (re)written as a new firing; the conflict
        // target's row lock makes the check and the write one step on PostgreSQL.
        const fired = await trx
          .insertInto('alert_states')
          .values({ rule_id: ruleId, subject, status: 'firing', firing_since: at, last_value: value, message, last_evaluated_at: at, cleared_at: null })
          .onConflict((oc) =>
            oc
              .columns(['rule_id', 'subject'])
              .doUpdateSet((eb) => ({
                status: 'firing',
                firing_since: eb.ref('excluded.firing_since'),
                last_value: eb.ref('excluded.last_value'),
                message: eb.ref('excluded.message'),
                last_evaluated_at: eb.ref('excluded.last_evaluated_at'),
                cleared_at: null,
              }))
              .where('alert_states.status', '<>', 'firing'),
          )
          .returningAll()
          .executeTakeFirst();
        if (fired !== undefined) return { transition: 'fired' as const, state: toState(fired) };
        const refreshed = await trx
          .updateTable('alert_states')
          .set({ last_value: value, message, last_evaluated_at: at })
          .where('rule_id', '=', ruleId)
          .where('subject', '=', subject)
          .returningAll()
          .executeTakeFirstOrThrow();
        return { transition: 'still-firing' as const, state: toState(refreshed) };
      });
    },

    async clear(ruleId, subject, at) {
      const now = toIsoTimestamp(at, `alert "${ruleId}" clear: at`);
      const row = await db
        .updateTable('alert_states')
        .set({ status: 'cleared', cleared_at: now, last_evaluated_at: now })
        .where('rule_id', '=', ruleId)
        .where('subject', '=', subject)
        .where('status', '=', 'firing')
        .returningAll()
        .executeTakeFirst();
      if (row !== undefined) return { transition: 'cleared', state: toState(row) };
      const current = await db.selectFrom('alert_states').selectAll().where('rule_id', '=', ruleId).where('subject', '=', subject).executeTakeFirst();
      return { transition: 'not-firing', ...(current !== undefined ? { state: toState(current) } : {}) };
    },

    async markNotified(ruleId, subject, at) {
      const now = toIsoTimestamp(at, `alert "${ruleId}" markNotified: at`);
      const result = await db.updateTable('alert_states').set({ last_notified_at: now }).where('rule_id', '=', ruleId).where('subject', '=', subject).executeTakeFirst();
      if (Number(result.numUpdatedRows) === 0) throw new Error(`alert "${ruleId}" has no state for subject "${subject}": fire it before marking it notified`);
    },

    async getState(ruleId, subject) {
      const row = await db.selectFrom('alert_states').selectAll().where('rule_id', '=', ruleId).where('subject', '=', subject).executeTakeFirst();
      return row === undefined ? undefined : toState(row);
    },

    async listStates(filter = {}) {
      const rows = await db
        .selectFrom('alert_states')
        .selectAll()
        .$if(filter.ruleId !== undefined, (qb) => qb.where('rule_id', '=', filter.ruleId as string))
        .$if(filter.subject !== undefined, (qb) => qb.where('subject', '=', filter.subject as string))
        .$if(filter.firing !== undefined, (qb) => qb.where('status', filter.firing ? '=' : '<>', 'firing'))
        .orderBy('rule_id')
        .orderBy('subject')
        .execute();
      return rows.map(toState);
    },
  };
}
