import { createProbeActivities } from './probe';

/** Dependencies the activities need; injected so tests and the worker wire real parts alike. */
export type ActivityDependencies = Record<string, never>;

/** All activities the worker registers, created from their dependencies. */
export function createActivities(_deps: ActivityDependencies = {}) {
  return {
    ...createProbeActivities(),
  };
}
export type Activities = ReturnType<typeof createActivities>;
