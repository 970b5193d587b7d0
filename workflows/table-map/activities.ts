import { proxyActivities } from '@temporalio/workflow';
import type { SyncActivities } from '../../activities/sync/contracts';

/**
 * Activity stubs with the retry shape each kind of work needs. Retries are bounded where the
 * workflow wants to see the failure (to show it in status and back off visibly) and unbounded
 * where the call is a cheap control-store operation.
 */
export const apply = proxyActivities<SyncActivities>({
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: '60 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '10 seconds', maximumAttempts: 4 },
});

export const capture = proxyActivities<SyncActivities>({
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: '60 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', maximumAttempts: 3 },
});

export const control = proxyActivities<SyncActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

export const writeThrough = proxyActivities<SyncActivities>({
  // The source system waits inside its transaction: answer within its budget or fail.
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '200 milliseconds', maximumInterval: '1 second', maximumAttempts: 3 },
});
