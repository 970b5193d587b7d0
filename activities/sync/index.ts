import type { SyncActivities } from './contracts';
import type { SyncDependencies } from './deps';
import { ApplyEngine } from './apply/engine';
import { createCaptureChanges } from './capture';
import { createDrainInbox } from './drain';
import { createEnableActivities } from './enable';
import { createInitialSyncActivities } from './initial-sync';
import { createLifecycleActivities } from './lifecycle';
import { createReconcile } from './reconcile';
import { classifyFailures } from './failures';

/** Every sync activity, wired to one set of dependencies. */
export function createSyncActivities(deps: SyncDependencies): SyncActivities {
  const engine = new ApplyEngine(deps);
  const all: SyncActivities = {
    drainInbox: createDrainInbox(deps, engine),
    captureChanges: createCaptureChanges(deps),
    reconcile: createReconcile(deps),
    ...createLifecycleActivities(deps, engine),
    ...createInitialSyncActivities(deps, engine),
    ...createEnableActivities(deps),
  };
  return Object.fromEntries(Object.entries(all).map(([name, fn]) => [name, classifyFailures(fn as (...a: unknown[]) => Promise<unknown>)])) as unknown as SyncActivities;
}
