import type { Client } from '@temporalio/client';
import type { AlertRule, Store } from '../store';
import { applyAlertAction, undoAlertAction } from './actions';
import { measure, type MeasureContext } from './measure';
import type { AlertNotice } from './notice';
import type { Notifier, NotifyOutcome } from './notifier';
import { interpretRule, type ValidRule } from './rule-spec';

export interface AlertDeps {
  store: Pick<Store, 'alerts' | 'errors' | 'inbox' | 'log' | 'maps'>;
  /** Needed for status-based conditions and for the pause/stop actions. */
  client?: Client;
  notifier: Notifier;
  /** The evaluation time; default the clock. */
  now?: Date;
  /** Maps a global rule watches; default the published maps and the maps with open errors. */
  maps?: () => Promise<string[]>;
  /** Bound on each map status query; default 5,000 ms. */
  statusTimeoutMs?: number;
}

export interface AlertTransition {
  ruleId: string;
  rule: string;
  subject: string;
  message: string;
  actionTaken?: string;
  notified: NotifyOutcome;
}

export interface EvaluationReport {
  at: string;
  /** Rule and map pairs evaluated. */
  checks: number;
  fired: AlertTransition[];
  cleared: AlertTransition[];
  /** Pairs whose condition could not be measured (no worker answered the status query, ...); their state is unchanged. */
  unknown: { ruleId: string; subject: string; reason: string }[];
  /** Rules that could not be evaluated at all (invalid condition, store error). */
  problems: string[];
}

async function defaultMaps(store: AlertDeps['store']): Promise<string[]> {
  const published = (await store.maps.list()).map((m) => m.name);
  const withErrors = (await store.errors.summary({ status: ['open', 'retrying'] })).map((s) => s.map);
  return [...new Set([...published, ...withErrors])];
}

const NOTHING_TO_NOTIFY: NotifyOutcome = { delivered: [], failed: [] };

function hasTargets(valid: ValidRule): boolean {
  return (valid.notify.email?.length ?? 0) + (valid.notify.webhooks?.length ?? 0) > 0;
}

function noticeFor(valid: ValidRule, event: AlertNotice['event'], subject: string, at: string, message: string, value?: number | string, actionTaken?: string): AlertNotice {
  const { rule, condition } = valid;
  return {
    event,
    rule: { id: rule.id, name: rule.name, ...(rule.map !== undefined ? { map: rule.map } : {}), condition, action: rule.action },
    subject,
    message,
    ...(value !== undefined ? { value } : {}),
    at,
    ...(actionTaken !== undefined ? { actionTaken } : {}),
  };
}

/**
 * One evaluation round: every enabled rule against its map (or every map for a global rule).
 * The store's fire/clear transitions make notification and action happen exactly once per
 * incident even with several evaluators running. A notice that reached no target is sent again
 * on the next round while the alert still fires. Never throws for a single rule's trouble: it is
 * reported in `problems` and the other rules still run.
 */
export async function evaluateAlerts(deps: AlertDeps): Promise<EvaluationReport> {
  const now = deps.now ?? new Date();
  const at = now.toISOString();
  const report: EvaluationReport = { at, checks: 0, fired: [], cleared: [], unknown: [], problems: [] };
  const { store } = deps;
  const ctx: MeasureContext = { store, now, statusTimeoutMs: deps.statusTimeoutMs ?? 5000, statusCache: new Map(), ...(deps.client ? { client: deps.client } : {}) };
  let allMaps: Promise<string[]> | undefined;
  const mapsFor = async (rule: AlertRule): Promise<string[]> => {
    if (rule.map !== undefined) return [rule.map];
    allMaps ??= deps.maps ? deps.maps() : defaultMaps(store);
    // Subjects still firing are re-checked even if their map is gone, so their alert can clear.
    const firing = (await store.alerts.listStates({ ruleId: rule.id, firing: true })).map((s) => s.subject);
    return [...new Set([...(await allMaps), ...firing])].sort();
  };

  const notify = async (valid: ValidRule, notice: AlertNotice): Promise<NotifyOutcome> => {
    if (!hasTargets(valid)) return NOTHING_TO_NOTIFY;
    return deps.notifier.notify(notice, valid.notify);
  };

  const logTransition = async (valid: ValidRule, t: AlertTransition, event: 'fired' | 'cleared', value?: number | string): Promise<void> => {
    await store.log.append({
      map: t.subject,
      type: 'alert',
      level: event === 'fired' ? 'warn' : 'info',
      message: `alert "${valid.rule.name}" ${event}: ${t.message}${t.actionTaken ? `; ${t.actionTaken}` : ''}`,
      data: { ruleId: valid.rule.id, event, value, action: valid.rule.action, actionTaken: t.actionTaken, notified: t.notified },
      actor: `alert:${valid.rule.id}`,
      at,
    });
  };

  for (const rule of await store.alerts.listRules({ enabled: true })) {
    try {
      const valid = interpretRule(rule);
      for (const subject of await mapsFor(rule)) {
        report.checks++;
        const m = await measure(valid.condition, subject, ctx);
        if (m.holds === 'unknown') {
          report.unknown.push({ ruleId: rule.id, subject, reason: m.message });
          continue;
        }
        if (m.holds) {
          const { transition, state } = await store.alerts.fire(rule.id, subject, { at, value: m.value, message: m.message });
          const firstNotice = transition === 'fired';
          // A notice that reached nobody last time (SMTP down) is owed: try again while it fires.
          const owed = !firstNotice && hasTargets(valid) && (state.lastNotifiedAt === undefined || (state.firingSince !== undefined && state.lastNotifiedAt < state.firingSince));
          if (!firstNotice && !owed) continue;
          const actionTaken = firstNotice ? await applyAlertAction(deps.client, rule, valid.condition, subject) : undefined;
          const notified = await notify(valid, noticeFor(valid, 'fired', subject, at, m.message, m.value, actionTaken));
          if (notified.delivered.length > 0 || notified.failed.length === 0) await store.alerts.markNotified(rule.id, subject, at);
          const t: AlertTransition = { ruleId: rule.id, rule: rule.name, subject, message: m.message, ...(actionTaken !== undefined ? { actionTaken } : {}), notified };
          if (firstNotice) {
            report.fired.push(t);
            await logTransition(valid, t, 'fired', m.value);
          } else if (notified.failed.length > 0) {
            report.problems.push(`alert "${rule.name}" (${subject}): notification still failing: ${notified.failed.map((f) => f.error).join('; ')}`);
          }
        } else {
          const { transition } = await store.alerts.clear(rule.id, subject, at);
          if (transition !== 'cleared') continue;
          const actionTaken = await undoAlertAction(deps.client, rule, subject);
          const notified = await notify(valid, noticeFor(valid, 'cleared', subject, at, m.message, m.value, actionTaken));
          const t: AlertTransition = { ruleId: rule.id, rule: rule.name, subject, message: m.message, ...(actionTaken !== undefined ? { actionTaken } : {}), notified };
          report.cleared.push(t);
          await logTransition(valid, t, 'cleared', m.value);
        }
      }
    } catch (err) {
      report.problems.push(`alert rule "${rule.name}" (${rule.id}): ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  for (const t of [...report.fired, ...report.cleared]) {
    for (const f of t.notified.failed) report.problems.push(`alert "${t.rule}" (${t.subject}): ${f.target}: ${f.error}`);
  }
  return report;
}
