/**
 * Names that other parts of the system, operators and their scripts rely on
 * (design.md §6). Change them only together with the design document.
 */
export const NAMESPACE = 'default';
export const TASK_QUEUE = 'dualwrite';

export const MAP_STATES = ['NotRunning', 'InitialSync', 'Running', 'Paused', 'CatchingUp', 'Stopped', 'Failed'] as const;
export type MapState = (typeof MAP_STATES)[number];

export const RESUME_MODES = ['drain', 'park', 'discard'] as const;
export type ResumeMode = (typeof RESUME_MODES)[number];

const MAP_NAME = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** Map names are kebab-case; they become part of workflow IDs, so reject anything else early. */
export function assertMapName(name: string): string {
  if (!MAP_NAME.test(name) || name.length > 200) {
    throw new Error(`invalid map name "${name}": expected kebab-case such as "customers-v3-accounts" (a-z, 0-9, single hyphens, at most 200 characters)`);
  }
  return name;
}

export const mapWorkflowId = (map: string): string => `dualwrite-map-${assertMapName(map)}`;
export const initialSyncWorkflowId = (map: string, run: number): string => `dualwrite-initial-${assertMapName(map)}-${run}`;
export const enableWorkflowId = (id: string): string => `dualwrite-enable-${id}`;
