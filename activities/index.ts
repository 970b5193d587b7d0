import { createProbeActivities } from './probe';
import type { SyncDependencies } from './sync/deps';
import { createSyncActivities } from './sync';
import { createOnDemandActivities } from './on-demand';

/** What the activities need; the probe needs nothing, the sync activities need their dependencies. */
export type ActivityDependencies = SyncDependencies | undefined;

/** All activities the worker registers, created from their dependencies. */
export function createActivities(deps?: SyncDependencies) {
  return {
    ...createProbeActivities(),
    ...(deps ? createSyncActivities(deps) : {}),
    ...(deps ? createOnDemandActivities(deps) : {}),
  };
}
export type Activities = ReturnType<typeof createActivities>;
