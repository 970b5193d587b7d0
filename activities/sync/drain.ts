import { heartbeat } from '@temporalio/activity';
import type { MapCounts } from '../../src/contracts/map-messages';
import type { Direction, InboxChange } from '../../src/store/inbox';
import type { DrainResult } from './contracts';
import type { SyncDependencies } from './deps';
import type { ApplyEngine } from './apply/engine';
import type { InboxPayload, Outcome, SourceChange } from './apply/change';
import { withMapLock } from './map-lock';

export const zeroCounts = (): MapCounts => ({ applied: 0, unchanged: 0, echoes: 0, conflicts: 0, failed: 0, deferred: 0, deleted: 0 });

export function countOutcome(counts: MapCounts, o: Outcome): void {
  switch (o.kind) {
    case 'created':
    case 'updated':
      counts.applied++;
      break;
    case 'deleted':
      counts.deleted++;
      break;
    case 'unchanged':
    case 'filtered':
    case 'ignored':
      counts.unchanged++;
      break;
    case 'echo':
      counts.echoes++;
      break;
    case 'conflict':
      counts.conflicts++;
      break;
    case 'deferred':
      counts.deferred++;
      break;
    case 'failed':
      counts.failed++;
      break;
    case 'retry':
      break;
  }
}

/** The last change of each key in a batch is the one to carry: the target only needs the newest state. */
export function coalesce(batch: readonly InboxChange[]): { latest: InboxChange; seqs: number[] }[] {
  const byKey = new Map<string, { latest: InboxChange; seqs: number[] }>();
  for (const change of batch) {
    const entry = byKey.get(change.recordKey);
    if (entry) {
      entry.latest = change;
      entry.seqs.push(change.seq);
    } else byKey.set(change.recordKey, { latest: change, seqs: [change.seq] });
  }
  return [...byKey.values()];
}

export function toSourceChange(change: InboxChange): SourceChange {
  const payload = (change.payload ?? {}) as InboxPayload;
  return {
    ref: String(change.seq),
    op: change.op,
    // F&O changes are keyed by their integration key; Dataverse ones by record id (see routeChanges).
    recordKey: change.direction === 'finops-to-dataverse' ? change.recordKey : undefined,
    key: payload.key,
    recordId: payload.recordId,
    values: payload.values,
    changedAt: change.changedAt,
    capturedAt: change.capturedAt,
  };
}

/**
 * Applies pending changes of a map, batch after batch, until the inbox is empty or the time
 * budget is spent. A change the target could not take for a passing reason (throttling, outage)
 * stays pending and fails the activity after the others are acknowledged, so Temporal retries
 * it with backoff and the workflow shows the error.
 */
export function createDrainInbox(deps: SyncDependencies, engine: ApplyEngine) {
  return async function drainInbox(input: { map: string; direction: Direction; batchSize: number; budgetMs: number }): Promise<DrainResult> {
    const started = Date.now();
    const map = await deps.maps.get(input.map);
    const counts = zeroCounts();
    let batches = 0;
    let lagSeconds: number | null = null;
    let lastError: string | null = null;
    while (Date.now() - started < input.budgetMs) {
      const batch = await deps.store.inbox.readBatch({ map: input.map, direction: input.direction, limit: input.batchSize });
      if (batch.length === 0) break;
      batches++;
      const groups = coalesce(batch);
      const ack: number[] = [];
      const retry: Outcome[] = [];
      // One direction's batch at a time per map: see map-lock.ts for the race it closes.
      const outcomes = await withMapLock(deps.store.leases, input.map, () => engine.apply(map, input.direction, groups.map((g) => toSourceChange(g.latest)), { mode: 'live', refreshSource: true }), {
        onWait: () => heartbeat({ batches, waitingForTheOtherDirection: true }),
      });
      outcomes.forEach((o, i) => {
        countOutcome(counts, o);
        if (o.kind === 'retry') retry.push(o);
        else ack.push(...groups[i]!.seqs);
        if (o.kind === 'failed' || o.kind === 'deferred') lastError = `${o.recordKey ?? o.ref}: ${o.message ?? o.kind}`;
      });
      await deps.store.inbox.ack(ack);
      const newest = batch[batch.length - 1]!;
      lagSeconds = Math.max(0, (Date.now() - Date.parse(newest.capturedAt)) / 1000);
      heartbeat({ batches });
      if (retry.length > 0) {
        throw new Error(`${retry.length} change(s) of ${input.map} could not be written yet: ${retry[0]!.message ?? 'temporary failure'}`);
      }
    }
    const remaining = await deps.store.inbox.count({ map: input.map, direction: input.direction, status: 'pending' });
    return { counts, remaining, batches, lagSeconds, lastError };
  };
}
