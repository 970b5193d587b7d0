import type { SyncActivities } from './contracts';
import type { SyncDependencies } from './deps';
import { ApplyEngine } from './apply/engine';
import { createCaptureChanges } from './capture';
import { createDrainInbox } from './drain';
import { createEnableActivities } from './enable';
import { createInitialSyncActivities } from './initial-sync';
import { createLifecycleActivities } from './lifecycle';
import { createReconcile } from './reconcile';

/** Every sync activity, wired to one set of dependencies. */
export function createSyncActivities(deps: SyncDependencies): SyncActivities {
  const engine = new ApplyEngine(deps);
  return {
    drainInbox: createDrainInbox(deps, engine),
    captureChanges: createCaptureChanges(deps),
    reconcile: createReconcile(deps),
    ...createLifecycleActivities(deps, engine),
    ...createInitialSyncActivities(deps, engine),
    ...createEnableActivities(deps),
  };
}
