import type { HealthCheck } from '../types';

/**
 * Collects named checks for a connector's health(): each runs in turn, its failure is recorded
 * with its message rather than thrown, so one report shows everything that is wrong.
 */
export class HealthChecks {
  readonly results: HealthCheck[] = [];

  async check(name: string, run: () => Promise<string>): Promise<boolean> {
    try {
      this.results.push({ name, ok: true, detail: await run() });
      return true;
    } catch (err) {
      this.results.push({ name, ok: false, detail: err instanceof Error ? err.message : String(err) });
      return false;
    }
  }
}
