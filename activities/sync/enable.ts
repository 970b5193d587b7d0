import { cancellationSignal, heartbeat, sleep } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { statusQuery } from '../../src/contracts/map-messages';
import { mapWorkflowId, TASK_QUEUE } from '../../src/contracts/names';
import { DUALWRITE_MAP, DUALWRITE_STATE } from '../../src/contracts/search-attributes';
import type { InitialSyncOptions, TableMapOptions } from '../../src/contracts/workflow-inputs';
import { dependencyGraph, topologicalOrder } from '../../src/maps/graph';
import type { EnablePlan } from './contracts';
import type { SyncDependencies } from './deps';

/** Requested maps plus everything they need, in layers: each layer depends only on earlier ones. */
export function planLayers(requested: readonly string[], edges: ReadonlyMap<string, readonly string[]>): string[][] {
  const wanted = new Set<string>();
  const visit = (name: string) => {
    if (wanted.has(name)) return;
    wanted.add(name);
    for (const dep of edges.get(name) ?? []) visit(dep);
  };
  requested.forEach(visit);
  const depth = new Map<string, number>();
  const depthOf = (name: string): number => {
    const known = depth.get(name);
    if (known !== undefined) return known;
    const d = Math.max(-1, ...(edges.get(name) ?? []).map(depthOf)) + 1;
    depth.set(name, d);
    return d;
  };
  const layers: string[][] = [];
  for (const name of [...wanted].sort()) (layers[depthOf(name)] ??= []).push(name);
  return layers.filter((l) => l.length > 0);
}

export function createEnableActivities(deps: SyncDependencies) {
  return {
    async planEnable(input: { maps: string[] }): Promise<EnablePlan> {
      const catalog = await deps.maps.all();
      const names = new Set(catalog.map((m) => m.name));
      const unknown = input.maps.filter((m) => !names.has(m));
      if (unknown.length > 0) throw ApplicationFailure.nonRetryable(`unknown map(s): ${unknown.join(', ')}; known: ${[...names].sort().join(', ')}`, 'DualWrite.UnknownMap');
      const order = topologicalOrder(catalog);
      if (order.cycle) throw ApplicationFailure.nonRetryable(`dependency cycle: ${order.cycle.join(' -> ')}`, 'DualWrite.DependencyCycle');
      if (order.errors.length > 0) throw ApplicationFailure.nonRetryable(order.errors.map((e) => e.message).join('; '), 'DualWrite.InvalidCatalog');
      return { layers: planLayers(input.maps, dependencyGraph(catalog).edges) };
    },

    /** Starts the map's workflow unless it runs already, and waits until it syncs live. */
    async ensureMapRunning(input: { map: string; initialSync?: InitialSyncOptions; options?: TableMapOptions }): Promise<{ state: string }> {
      if (!deps.client) throw ApplicationFailure.nonRetryable('the worker has no Temporal client configured', 'DualWrite.Configuration');
      const handle = await deps.client.workflow.start('tableMapWorkflow', {
        workflowId: mapWorkflowId(input.map),
        taskQueue: deps.taskQueue ?? TASK_QUEUE,
        args: [{ map: input.map, initialSync: input.initialSync, options: input.options }],
        workflowIdConflictPolicy: 'USE_EXISTING',
        typedSearchAttributes: [
          { key: DUALWRITE_MAP, value: input.map },
          { key: DUALWRITE_STATE, value: 'NotRunning' },
        ],
        staticSummary: `table map ${input.map}`,
      });
      const client = deps.client;
      for (;;) {
        // A query waits for a worker to answer it; when this worker is the one shutting down, it
        // would wait forever: bound it, and abort it when the activity is cancelled.
        const status = await client.connection.withAbortSignal(cancellationSignal(), () => client.connection.withDeadline(Date.now() + 15_000, () => handle.query(statusQuery)));
        heartbeat(status.state);
        if (status.state === 'Running' || status.state === 'CatchingUp' || status.state === 'Paused') return { state: status.state };
        if (status.state === 'Failed' || status.state === 'Stopped') throw ApplicationFailure.nonRetryable(`map ${input.map} is ${status.state}: ${status.lastError ?? ''}`, 'DualWrite.MapNotRunning');
        await sleep(1000);
      }
    },
  };
}
