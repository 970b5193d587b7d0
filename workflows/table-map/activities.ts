import { proxyActivities } from '@temporalio/workflow';
import type { SyncActivities } from '../../activities/sync/contracts';
import type { SystemQueues } from '../../src/contracts/workflow-inputs';
import type { SystemName } from '../../src/schema/entity-schema';

/**
 * Activity stubs with the retry shape each kind of work needs. Retries are bounded where the
 * workflow wants to see the failure (to show it in status and back off visibly) and unbounded
 * where the call is a cheap control-store operation.
 *
 * Work that calls a business system runs on that system's task queue when the deployment has
 * them (the system an activity writes, whose API quota it spends): the Temporal server limits
 * the start rate of each queue across all workers. Without them, everything runs on the
 * workflow's own queue.
 */
export const control = proxyActivities<SyncActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

export function systemActivities(queues: SystemQueues | undefined, system: SystemName) {
  const taskQueue = queues?.[system];
  const on = taskQueue ? { taskQueue } : {};
  return {
    apply: proxyActivities<SyncActivities>({
      ...on,
      startToCloseTimeout: '5 minutes',
      heartbeatTimeout: '60 seconds',
      retry: { initialInterval: '1 second', maximumInterval: '10 seconds', maximumAttempts: 4 },
    }),
    capture: proxyActivities<SyncActivities>({
      ...on,
      startToCloseTimeout: '5 minutes',
      heartbeatTimeout: '60 seconds',
      retry: { initialInterval: '1 second', maximumInterval: '30 seconds', maximumAttempts: 3 },
    }),
    writeThrough: proxyActivities<SyncActivities>({
      ...on,
      // The source system waits inside its transaction: answer within its budget or fail.
      startToCloseTimeout: '10 seconds',
      retry: { initialInterval: '200 milliseconds', maximumInterval: '1 second', maximumAttempts: 3 },
    }),
  };
}
