import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { statusQuery, type MapStatus } from '../../src/contracts/map-messages';
import { enableWorkflowId, initialSyncWorkflowId, mapWorkflowId } from '../../src/contracts/names';
import type { EnableMapsInput } from '../../src/contracts/workflow-inputs';
import type { BenchWorld } from './world';

/** The customers map and what it needs, enabled together so its prerequisites run first. */
export const CUSTOMERS_MAP = 'customers-v3-accounts';
export const CUSTOMER_MAPS = ['legal-entities', 'currencies', 'payment-terms', 'customer-groups', CUSTOMERS_MAP];

/** Benchmark timers: polling and reconciliation off unless a scenario asks for them. */
export const BENCH_OPTIONS = { pollEveryMs: 0, reconcileEveryMs: 0, deferredRetryEveryMs: 5000 };

export async function enableMaps(world: BenchWorld, input: EnableMapsInput): Promise<string[][]> {
  const result = await world.client.workflow.execute('enableMapsWorkflow', {
    taskQueue: world.taskQueue,
    workflowId: enableWorkflowId(`bench-${randomUUID().slice(0, 8)}`),
    args: [{ ...input, options: { ...BENCH_OPTIONS, ...input.options } }],
  });
  return (result as { order: string[][] }).order;
}

export function mapStatus(world: BenchWorld, map: string): Promise<MapStatus> {
  return world.client.workflow.getHandle(mapWorkflowId(map)).query(statusQuery);
}

/** Polls `check` every `everyMs` until it returns something, or throws after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs: number, everyMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Waits until the map's inbox is empty and its workflow has nothing left to apply. */
export function settled(world: BenchWorld, map: string, timeoutMs = 600_000): Promise<MapStatus> {
  return waitFor(
    `${map} to settle`,
    async () => {
      const pending = await world.store.inbox.count({ map, status: 'pending' });
      const s = await mapStatus(world, map);
      return pending === 0 && s.backlog === 0 && (s.state === 'Running' || s.state === 'Paused') ? s : undefined;
    },
    timeoutMs,
    100,
  );
}

export interface WorkflowCost {
  workflowId: string;
  runs: number;
  historyEvents: number;
  startedAt: Date;
  closedAt: Date | undefined;
}

/**
 * History events of a workflow id over all its runs (continue-as-new chains), found through
 * visibility; the first run's start and the last run's close bound its wall time.
 */
export async function workflowCost(client: Client, workflowId: string): Promise<WorkflowCost> {
  const runs: { runId: string }[] = [];
  // Visibility on the dev server is eventually consistent: wait until the chain's runs are listed.
  for await (const w of client.workflow.list({ query: `WorkflowId = "${workflowId}"` })) runs.push({ runId: w.runId });
  let historyEvents = 0;
  let startedAt: Date | undefined;
  let closedAt: Date | undefined;
  let openRuns = 0;
  for (const run of runs) {
    const d = await client.workflow.getHandle(workflowId, run.runId).describe();
    historyEvents += d.historyLength;
    if (!startedAt || d.startTime < startedAt) startedAt = d.startTime;
    if (!d.closeTime) openRuns++;
    else if (!closedAt || d.closeTime > closedAt) closedAt = d.closeTime;
  }
  if (!startedAt) throw new Error(`no runs of ${workflowId} are visible`);
  return { workflowId, runs: runs.length, historyEvents, startedAt, closedAt: openRuns > 0 ? undefined : closedAt };
}

/** The customers map's first initial sync child, once every run of it is closed and visible. */
export async function initialSyncCost(client: Client, map: string, run = 1): Promise<WorkflowCost> {
  return waitFor(`visibility of ${initialSyncWorkflowId(map, run)}`, async () => {
    const cost = await workflowCost(client, initialSyncWorkflowId(map, run));
    return cost.closedAt ? cost : undefined;
  }, 60_000, 500);
}
