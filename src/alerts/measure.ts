import type { Client } from '@temporalio/client';
import { ERROR_QUEUE_CLASSES, type Store } from '../store';
import { readMapStatus, type MapStatusReading } from './map-status';
import { type AlertCondition, describeCondition } from './rule-spec';

/** Whether a condition holds for one map now; `unknown` leaves the firing state untouched. */
export type Measurement = { holds: boolean; value: number | string; message: string } | { holds: 'unknown'; message: string };

export interface MeasureContext {
  store: Pick<Store, 'errors' | 'inbox'>;
  client?: Client;
  now: Date;
  statusTimeoutMs: number;
  /** Map status readings of this evaluation round, so several rules query a map once. */
  statusCache: Map<string, Promise<MapStatusReading>>;
}

/** Without a class filter an error count means failures: parked changes were never attempted. */
const FAILURE_CLASSES = ERROR_QUEUE_CLASSES.filter((c) => c !== 'parked');

function statusOf(ctx: MeasureContext, map: string): Promise<MapStatusReading> {
  const client = ctx.client;
  if (!client) return Promise.resolve({ kind: 'unknown', reason: 'no Temporal connection' });
  let reading = ctx.statusCache.get(map);
  if (!reading) {
    reading = readMapStatus(client, map, ctx.statusTimeoutMs);
    ctx.statusCache.set(map, reading);
  }
  return reading;
}

function compare(value: number, threshold: number, condition: AlertCondition, map: string, what: string): Measurement {
  const holds = value >= threshold;
  return { holds, value, message: `${map}: ${what} (${describeCondition(condition)})` };
}

/**
 * Backlog and lag come from the workflow's status query; when the map has no workflow (never
 * enabled, stopped) they come from the inbox, which keeps capturing meanwhile.
 */
export async function measure(condition: AlertCondition, map: string, ctx: MeasureContext): Promise<Measurement> {
  switch (condition.kind) {
    case 'errorCount': {
      const since = new Date(ctx.now.getTime() - condition.windowSeconds * 1000).toISOString();
      // Open records only: retrying them (after fixing the data) is what clears the condition.
      const count = await ctx.store.errors.count({ map, since, status: 'open', class: condition.class ?? FAILURE_CLASSES });
      return compare(count, condition.threshold, condition, map, `${count} error(s) in the last ${condition.windowSeconds}s`);
    }
    case 'backlog': {
      const reading = await statusOf(ctx, map);
      if (reading.kind === 'unknown') return { holds: 'unknown', message: `${map}: ${reading.reason}` };
      const backlog = reading.kind === 'running' ? reading.status.backlog : (await ctx.store.inbox.backlog(map)).pending;
      return compare(backlog, condition.threshold, condition, map, `backlog ${backlog}`);
    }
    case 'lagSeconds': {
      const reading = await statusOf(ctx, map);
      if (reading.kind === 'unknown') return { holds: 'unknown', message: `${map}: ${reading.reason}` };
      let lag = 0;
      if (reading.kind === 'running') lag = reading.status.lagSeconds ?? 0;
      else {
        const oldest = (await ctx.store.inbox.backlog(map)).oldestCapturedAt;
        if (oldest !== undefined) lag = Math.max(0, Math.round((ctx.now.getTime() - Date.parse(oldest)) / 1000));
      }
      return compare(lag, condition.threshold, condition, map, `lag ${lag}s`);
    }
    case 'mapFailed': {
      const reading = await statusOf(ctx, map);
      if (reading.kind === 'unknown') return { holds: 'unknown', message: `${map}: ${reading.reason}` };
      const state = reading.kind === 'running' ? reading.status.state : 'NotRunning';
      const lastError = reading.kind === 'running' && reading.status.lastError ? `: ${reading.status.lastError}` : '';
      return { holds: state === 'Failed', value: state, message: `${map}: state ${state}${lastError}` };
    }
  }
}
