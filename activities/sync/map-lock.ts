import { randomUUID } from 'node:crypto';
import type { MapLeases } from '../../src/store';

export interface MapLockOptions {
  /** How long the lease lasts without renewal: a worker that dies holding it blocks the map this long at most. */
  ttlMs?: number;
  /** Called on each wait for the lease (the drain heartbeats, so a cancel reaches it while it waits). */
  onWait?: () => void;
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs `fn` holding the map's apply lease: one batch of one direction at a time per map, across
 * every worker on the store. A batch reads the source, reads the target and ledger, decides and
 * writes; were the other direction's batch to do the same for the same record in between, each
 * could write over the other's newer value and record it as its own (both sides then disagree and
 * every echo check passes). The lease is renewed while `fn` runs and released after it.
 */
export async function withMapLock<T>(leases: MapLeases, map: string, fn: () => Promise<T>, options: MapLockOptions = {}): Promise<T> {
  const name = `apply:${map}`;
  const holder = randomUUID();
  const ttlMs = options.ttlMs ?? 30_000;
  const sleep = options.sleep ?? defaultSleep;
  // Short polls first: the other direction's batch is usually a few milliseconds from its end.
  for (let wait = 1; !(await leases.tryAcquire(name, holder, ttlMs, Math.max(1000, Math.ceil(ttlMs / 10)))); wait = Math.min(wait * 2, 20)) {
    options.onWait?.();
    await sleep(wait);
  }
  const renewal = setInterval(() => void leases.tryAcquire(name, holder, ttlMs).catch(() => undefined), Math.max(1, Math.floor(ttlMs / 3)));
  try {
    return await fn();
  } finally {
    clearInterval(renewal);
    await leases.release(name, holder).catch(() => undefined);
  }
}
