import type { DataConverter } from '@temporalio/common';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities, type ActivityDependencies } from '../../activities';
import { NAMESPACE, TASK_QUEUE } from '../contracts/names';
import { workflowBundle } from './workflow-bundle';

export interface WorkerOptions {
  connection: NativeConnection;
  namespace?: string;
  taskQueue?: string;
  /** Dependencies of the sync activities; without them only the probe runs (tests of the harness). */
  deps?: ActivityDependencies;
  /** Signals on which the worker drains and stops by itself; [] when the caller manages shutdown. */
  shutdownSignals?: NodeJS.Signals[];
  /** Payload encryption (src/codec dataConverterFor): must match the clients' converter, or neither side can read the other's payloads. */
  dataConverter?: DataConverter;
  /** Activities this worker runs at once. */
  maxConcurrentActivityTaskExecutions?: number;
  /** Server-side start rate of the queue's activities, for all its workers together (a system's API quota). */
  maxTaskQueueActivitiesPerSecond?: number;
}

export async function createWorker(opts: WorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace ?? NAMESPACE,
    taskQueue: opts.taskQueue ?? TASK_QUEUE,
    workflowBundle: await workflowBundle(),
    activities: createActivities(opts.deps),
    // HTTP activities get time to finish their batch on shutdown instead of being cut mid-write.
    shutdownGraceTime: '10 seconds',
    // Then activities are cancelled; one that ignores it must not hold the process for ever.
    shutdownForceTime: '20 seconds',
    ...(opts.shutdownSignals ? { shutdownSignals: opts.shutdownSignals } : {}),
    ...(opts.dataConverter ? { dataConverter: opts.dataConverter } : {}),
    ...(opts.maxConcurrentActivityTaskExecutions !== undefined ? { maxConcurrentActivityTaskExecutions: opts.maxConcurrentActivityTaskExecutions } : {}),
    ...(opts.maxTaskQueueActivitiesPerSecond !== undefined ? { maxTaskQueueActivitiesPerSecond: opts.maxTaskQueueActivitiesPerSecond } : {}),
  });
}
