import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import { pauseSignal, stopSignal } from '../contracts/map-messages';
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
