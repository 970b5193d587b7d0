import { defineQuery, defineSignal } from '@temporalio/workflow';

/** Messages of the worker probe: a tiny workflow that proves a worker polls the task queue. */
export const releaseProbeSignal = defineSignal<[{ note: string }]>('release');
export const probeStageQuery = defineQuery<'waiting' | 'released'>('stage');

export interface ProbeResult {
  worker: { pid: number; host: string };
  note: string;
}
