import { hostname } from 'node:os';

export function createProbeActivities() {
  return {
    async describeWorker(): Promise<{ pid: number; host: string }> {
      return { pid: process.pid, host: hostname() };
    },
  };
}
export type ProbeActivities = ReturnType<typeof createProbeActivities>;
