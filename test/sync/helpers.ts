import { statusQuery, type MapStatus } from '../../src/contracts/map-messages';
import { enableWorkflowId, mapWorkflowId } from '../../src/contracts/names';
import type { EnableMapsInput } from '../../src/contracts/workflow-inputs';
import { enableMapsWorkflow } from '../../workflows';
import { eventually, type SyncWorld } from '../harness/sync-world';
import { uniqueId } from '../harness/temporal';

/** Fast timers for tests: no polling unless asked, quick deferred retries. */
export const TEST_OPTIONS = { pollEveryMs: 0, reconcileEveryMs: 0, deferredRetryEveryMs: 500, drainBudgetMs: 5000 };

export async function enable(world: SyncWorld, input: EnableMapsInput): Promise<string[][]> {
  const result = await world.env.client.workflow.execute(enableMapsWorkflow, {
    taskQueue: world.taskQueue,
    workflowId: enableWorkflowId(uniqueId('test')),
    args: [{ options: TEST_OPTIONS, ...input }],
  });
  return result.order;
}

export function status(world: SyncWorld, map: string): Promise<MapStatus> {
  return world.env.client.workflow.getHandle(mapWorkflowId(map)).query(statusQuery);
}

export function waitForState(world: SyncWorld, map: string, state: MapStatus['state'], timeoutMs = 30_000): Promise<MapStatus> {
  return eventually(`${map} to be ${state}`, async () => {
    const s = await status(world, map);
    return s.state === state ? s : undefined;
  }, timeoutMs);
}

/** Waits until the map's backlog is empty and its workflow has nothing left to apply. */
export async function settled(world: SyncWorld, map: string): Promise<MapStatus> {
  return eventually(`${map} to settle`, async () => {
    const pending = await world.store.inbox.count({ map, status: 'pending' });
    const s = await status(world, map);
    return pending === 0 && s.backlog === 0 && (s.state === 'Running' || s.state === 'Paused') ? s : undefined;
  });
}
