import type { TransformDirection } from '../../src/maps/schema';

const DRAIN_DIRECTIONS: readonly TransformDirection[] = ['finops-to-dataverse', 'dataverse-to-finops'];

/**
 * Per-direction drain state. The directions read different sources and write different
 * targets: the F&O → Dataverse stream must not wait for a drain of Dataverse → F&O (which at
 * the same time carries the echoes of its own writes back), and vice versa.
 */
export class DrainLanes {
  private readonly lanes = new Map<TransformDirection, { wanted: boolean; running: boolean; remaining: number; failures: number; retryAt: number }>(
    DRAIN_DIRECTIONS.map((d) => [d, { wanted: true, running: false, remaining: 0, failures: 0, retryAt: 0 }]),
  );
  /** Drains ended so far: the main loop wakes when it moves, to log and publish. */
  finished = 0;

  of(direction: TransformDirection) {
    return this.lanes.get(direction)!;
  }

  want(direction: TransformDirection): void {
    this.of(direction).wanted = true;
  }

  wantAll(): void {
    for (const lane of this.lanes.values()) lane.wanted = true;
  }

  /** A drain of the direction starts: changes signalled from now on need another one after it. */
  start(direction: TransformDirection): void {
    const lane = this.of(direction);
    lane.wanted = false;
    lane.running = true;
  }

  succeeded(direction: TransformDirection, remaining: number): void {
    const lane = this.of(direction);
    lane.failures = 0;
    lane.retryAt = 0;
    lane.remaining = remaining;
    if (remaining > 0) lane.wanted = true;
  }

  /** A passing failure: the direction is tried again after a growing pause (1 s, 2 s, ... 60 s). */
  failed(direction: TransformDirection, now: number, retry: boolean): void {
    const lane = this.of(direction);
    lane.wanted = true;
    if (!retry) return;
    lane.failures += 1;
    lane.retryAt = now + Math.min(60_000, 1000 * 2 ** Math.min(lane.failures, 6));
  }

  ended(direction: TransformDirection): void {
    this.of(direction).running = false;
    this.finished++;
  }

  startable(direction: TransformDirection, now: number): boolean {
    const lane = this.of(direction);
    return lane.wanted && !lane.running && now >= lane.retryAt;
  }

  idle(): boolean {
    return [...this.lanes.values()].every((l) => !l.running);
  }

  remaining(): number {
    return [...this.lanes.values()].reduce((sum, l) => sum + l.remaining, 0);
  }

  /** When a drain that failed may be tried again (Infinity: none is waiting to). */
  nextRetryAt(now: number): number {
    const waiting = [...this.lanes.values()].filter((l) => l.wanted && !l.running && l.retryAt > now);
    return waiting.length > 0 ? Math.min(...waiting.map((l) => l.retryAt)) : Infinity;
  }

  resetFailures(): void {
    for (const lane of this.lanes.values()) {
      lane.failures = 0;
      lane.retryAt = 0;
    }
  }
}
