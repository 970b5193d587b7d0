import { ApplicationFailure } from '@temporalio/common';
import { WorkflowNotFoundError } from '@temporalio/client';
import { pauseSignal, type ApplyChangeInput, type ApplyChangeResult } from '../../src/contracts/map-messages';
import { mapWorkflowId } from '../../src/contracts/names';
import { dependencyGraph } from '../../src/maps/graph';
import { toInboxChange } from '../../src/capture/route-changes';
import type { SyncDependencies } from './deps';
import type { SystemQueues } from '../../src/contracts/workflow-inputs';
import type { ApplyEngine } from './apply/engine';

/** Control-plane activities of a map: backlog, resume modes, write-through, logs, cascades. */
export function createLifecycleActivities(deps: SyncDependencies, engine: ApplyEngine) {
  const { store } = deps;
  return {
    async describeRouting(): Promise<SystemQueues | null> {
      return deps.systemQueues ?? null;
    },

    async backlog(input: { map: string }): Promise<number> {
      return store.inbox.count({ map: input.map, status: 'pending' });
    },

    async parkBacklog(input: { map: string }): Promise<number> {
      return (await store.inbox.park(input.map)).parked;
    },

    async discardBacklog(input: { map: string }): Promise<number> {
      return store.inbox.discard(input.map);
    },

    async recordActivity(input: { map: string; type: string; message: string; actor?: string; data?: Record<string, unknown> }): Promise<void> {
      await store.log.append({ map: input.map, type: input.type, message: input.message, actor: input.actor, data: input.data, level: input.type === 'ignored' ? 'warn' : 'info' });
    },

    /** Records waiting for a lookup go back to the inbox: the referenced row may have arrived. */
    async retryDeferred(input: { map: string }): Promise<{ requeued: number }> {
      const waiting = await store.errors.takeForRetry({ map: input.map, class: 'missing-lookup', status: 'open', limit: 1000 });
      if (waiting.length === 0) return { requeued: 0 };
      const appended = await store.inbox.append(
        waiting.map((e) => ({
          map: e.map,
          direction: e.direction,
          recordKey: e.direction === 'finops-to-dataverse' ? e.recordKey : `id:${(e.recordId ?? e.recordKey).toLowerCase()}`,
          op: e.change?.op ?? 'upsert',
          payload: e.change?.payload ?? null,
          changedAt: e.change?.changedAt ?? null,
          eventId: `retry:${e.id}:${e.attempts}`,
        })),
      );
      return { requeued: appended.appended };
    },

    async enqueueChange(input: { map: string; change: ApplyChangeInput }): Promise<void> {
      const map = await deps.maps.get(input.map);
      const c = input.change;
      const inbox = toInboxChange(
        map,
        { system: c.direction === 'finops-to-dataverse' ? 'finops' : 'dataverse', entitySet: map[c.direction === 'finops-to-dataverse' ? 'finops' : 'dataverse'].entitySet, op: c.op, recordId: c.recordId, key: c.key, values: c.values, eventId: c.eventId, changedAt: c.changedAt },
        new Date().toISOString(),
      );
      if (!inbox) throw ApplicationFailure.nonRetryable(`change ${c.eventId} has neither a record id nor the key columns of ${input.map}`, 'DualWrite.Validation');
      await store.inbox.append([inbox]);
    },

    /**
     * Write-through: one change, now. A failure is non-retryable for Temporal: the source's
     * transaction is waiting and must learn at once that it should roll back.
     */
    async applyChange(input: { map: string; change: ApplyChangeInput }): Promise<ApplyChangeResult> {
      const map = await deps.maps.get(input.map);
      const c = input.change;
      const [outcome] = await engine.apply(map, c.direction, [{ ref: c.eventId, op: c.op, key: c.key, recordId: c.recordId, values: c.values, changedAt: c.changedAt }], { mode: 'live' });
      if (!outcome) throw ApplicationFailure.nonRetryable('no outcome', 'DualWrite.Internal');
      switch (outcome.kind) {
        case 'created':
        case 'updated':
        case 'deleted':
          return { status: 'applied', recordId: outcome.recordId };
        case 'retry':
          throw new Error(outcome.message ?? 'temporary failure');
        case 'failed':
        case 'deferred':
        case 'conflict':
          throw ApplicationFailure.nonRetryable(outcome.message ?? outcome.kind, `DualWrite.${outcome.kind}`);
        default:
          return { status: 'unchanged', recordId: outcome.recordId };
      }
    },

    /** Pausing a map pauses the maps that depend on it: their lookups would fail meanwhile. */
    async cascadePause(input: { map: string; reason: string }): Promise<string[]> {
      if (!deps.client) return [];
      const maps = await deps.maps.all();
      const { edges } = dependencyGraph(maps);
      const dependents = [...edges].filter(([, deps]) => deps.includes(input.map)).map(([name]) => name);
      const paused: string[] = [];
      for (const name of dependents) {
        try {
          await deps.client.workflow.getHandle(mapWorkflowId(name)).signal(pauseSignal, { reason: input.reason, by: `cascade:${input.map}` });
          paused.push(name);
        } catch (err) {
          if (!(err instanceof WorkflowNotFoundError)) throw err;
        }
      }
      return paused;
    },
  };
}
