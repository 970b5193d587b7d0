import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import { pauseSignal, resumeSignal, statusQuery, stopSignal } from '../contracts/map-messages';
import { mapWorkflowId } from '../contracts/names';
import type { AlertRule } from '../store';
import { describeCondition, type AlertCondition } from './rule-spec';

/**
 * Pauses or stops the map a rule fired for. Returns what happened in words, for the
 * notification and the activity log; never throws (the notification must still go out).
 */
export async function applyAlertAction(client: Client | undefined, rule: AlertRule, condition: AlertCondition, map: string): Promise<string | undefined> {
  if (rule.action === 'none') return undefined;
  const verb = rule.action === 'pause' ? 'pause' : 'stop';
  if (!client) return `could not ${verb} map ${map}: no Temporal connection`;
  const input = { reason: `alert ${rule.name}: ${describeCondition(condition)}`, by: `alert:${rule.id}` };
  try {
    const handle = client.workflow.getHandle(mapWorkflowId(map));
    if (rule.action === 'pause') await handle.signal(pauseSignal, input);
    else await handle.signal(stopSignal, input);
    return `${rule.action === 'pause' ? 'paused' : 'stopped'} map ${map}`;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return `map ${map} is not running: nothing to ${verb}`;
    return `could not ${verb} map ${map}: ${err instanceof Error ? err.message : String(err)}`;
  }
}

/**
 * When a rule that paused a map clears, the map resumes (drain), but only if it is still
 * paused by that rule: a map an operator paused meanwhile, or one paused by another rule,
 * stays paused. Never throws.
 */
export async function undoAlertAction(client: Client | undefined, rule: AlertRule, map: string): Promise<string | undefined> {
  if (rule.action !== 'pause' || !client) return undefined;
  try {
    const handle = client.workflow.getHandle(mapWorkflowId(map));
    const status = await handle.query(statusQuery);
    if (status.state !== 'Paused' || status.pausedBy !== `alert:${rule.id}`) return undefined;
    await handle.signal(resumeSignal, { mode: 'drain', by: `alert:${rule.id}` });
    return `resumed map ${map}`;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    return `could not resume map ${map}: ${err instanceof Error ? err.message : String(err)}`;
  }
}
