import { proxyActivities } from '@temporalio/workflow';
import type { SyncActivities } from '../../activities/sync/contracts';
import type { EnableMapsInput } from '../../src/contracts/workflow-inputs';
import { control } from '../table-map/activities';

const ensure = proxyActivities<SyncActivities>({
  // Waits through each map's initial sync, which may take hours on a large table.
  startToCloseTimeout: '24 hours',
  heartbeatTimeout: '2 minutes',
  retry: { initialInterval: '2 seconds', maximumInterval: '1 minute' },
});

/**
 * `dualwrite-enable-<id>`: starts maps in dependency order. Each layer of the plan only depends
 * on earlier layers, so its maps start in parallel once the previous layer runs live. A cycle
 * fails the plan with the cycle named, before anything starts.
 */
export async function enableMapsWorkflow(input: EnableMapsInput): Promise<{ order: string[][] }> {
  const plan = await control.planEnable({ maps: input.maps });
  for (const layer of plan.layers) {
    await Promise.all(layer.map((map) => ensure.ensureMapRunning({ map, initialSync: input.initialSync, options: input.options })));
  }
  return { order: plan.layers };
}
