import type { RuntimeConfig } from './runtime-config';

/**
 * Which task queue each kind of work runs on. Workflows (and activities that call neither
 * system) stay on the workflow queue; every activity that calls F&O or Dataverse runs on that
 * system's own queue, whose start rate the Temporal server limits across all workers
 * (maxTaskQueueActivitiesPerSecond). That is how several workers share one external quota.
 *
 * A worker process runs one Worker per entry, all on the same connection. Workflow code learns
 * the system queues from its input (workflows cannot read configuration), and routes an
 * activity by the system it calls: `proxyActivities({ taskQueue: queues[system] })`.
 */
export interface SystemQueue {
  taskQueue: string;
  /** Server-side start rate, for all workers of this queue together; undefined: unlimited. */
  maxActivitiesPerSecond?: number;
  /** Per worker process. */
  maxConcurrentActivities: number;
}

export interface TaskQueuePlan {
  workflows: string;
  finops: SystemQueue;
  dataverse: SystemQueue;
}

export function taskQueuesOf(config: RuntimeConfig): TaskQueuePlan {
  return {
    workflows: config.DUALWRITE_TASK_QUEUE,
    finops: {
      taskQueue: config.DUALWRITE_FINOPS_TASK_QUEUE,
      maxActivitiesPerSecond: config.DUALWRITE_FINOPS_MAX_ACTIVITIES_PER_SECOND,
      maxConcurrentActivities: config.DUALWRITE_FINOPS_MAX_CONCURRENT_ACTIVITIES,
    },
    dataverse: {
      taskQueue: config.DUALWRITE_DATAVERSE_TASK_QUEUE,
      maxActivitiesPerSecond: config.DUALWRITE_DATAVERSE_MAX_ACTIVITIES_PER_SECOND,
      maxConcurrentActivities: config.DUALWRITE_DATAVERSE_MAX_CONCURRENT_ACTIVITIES,
    },
  };
}

/**
 * The WorkerOptions fields for one system's activity worker. The rate is sent by every poller
 * and the server keeps the last one it saw, so all workers must run with the same value.
 */
export function systemWorkerOptions(queue: SystemQueue): { taskQueue: string; maxConcurrentActivityTaskExecutions: number; maxTaskQueueActivitiesPerSecond?: number } {
  return {
    taskQueue: queue.taskQueue,
    maxConcurrentActivityTaskExecutions: queue.maxConcurrentActivities,
    ...(queue.maxActivitiesPerSecond !== undefined ? { maxTaskQueueActivitiesPerSecond: queue.maxActivitiesPerSecond } : {}),
  };
}
