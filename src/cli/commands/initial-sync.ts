import type { Command } from 'commander';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { initialSyncWorkflow } from '../../../workflows/initial-sync/workflow';
import { liveStatus } from '../../api/maps/live-status';
import { parseConnectorConfig } from '../../connectors/config';
import { createHttpClient } from '../../connectors/shared/client-setup';
import { initialSyncProgressQuery, type InitialSyncCounts, type InitialSyncProgress } from '../../contracts/map-messages';
import { initialSyncWorkflowId } from '../../contracts/names';
import { DUALWRITE_MAP, DUALWRITE_STATE } from '../../contracts/search-attributes';
import { renderFilter } from '../../maps/filter';
import { dependencyGraph } from '../../maps/graph';
import type { TableMap } from '../../maps/schema';
import { endpointsOf } from '../../runtime/worker-process';
import { CliFailure, runOperatorCommand } from '../output/failure';
import { formatCount, formatDuration } from '../output/format';
import { initialSyncProgressBar } from '../output/progress';
import { actor, causeMessage, parseMaster, requireMaps, startEnable, withOperator, type OperatorContext } from './maps-lifecycle';

/**
 * `dualwrite initial-sync <map>`: copies a map's existing rows from the master side and shows a
 * progress bar fed by the `progress` query of `dualwrite-initial-<map>-<n>`.
 *
 * - A map that does not run is enabled with an initial sync (its prerequisites first, as
 *   enableMapsWorkflow does); the map goes live when the load is done.
 * - A map in its initial sync: the command attaches to the running load.
 * - A map that runs live: a new load `dualwrite-initial-<map>-<n+1>` runs beside live sync. It
 *   writes only differences, by integration key, so it repairs drift without duplicating.
 */

/**
 * Rows on the master side (an estimate: Dataverse company scoping is not applied), for the
 * ETA. Undefined when the system cannot be asked; the bar then shows rows and rate only.
 */
export async function countMasterRows(ctx: OperatorContext, map: TableMap, master: 'finops' | 'dataverse'): Promise<number | undefined> {
  try {
    const endpoint = endpointsOf(ctx.config)[master];
    const config = parseConnectorConfig({ system: master, ...endpoint, companies: ctx.config.DUALWRITE_COMPANIES, timeoutMs: 10_000, maxRetries: 0 });
    const { http } = createHttpClient(config, { Accept: 'application/json', 'OData-Version': '4.0' });
    const filters = [renderFilter(map, master)];
    if (master === 'finops' && map.scope === 'company') filters.push(ctx.config.DUALWRITE_COMPANIES.map((c) => `dataAreaId eq '${c}'`).join(' or '));
    const filter = filters.filter((f): f is string => Boolean(f)).map((f) => `(${f})`).join(' and ');
    const query = new URLSearchParams({ ...(master === 'finops' ? { 'cross-company': 'true' } : {}), ...(filter ? { $filter: filter } : {}) });
    const res = await http.request({ method: 'GET', url: `${map[master].entitySet}/$count${query.size > 0 ? `?${query.toString()}` : ''}`, operation: 'read' });
    const n = Number(res.body);
    // A self-referencing map is loaded in two passes, each reading every row.
    const passes = dependencyGraph([map]).selfReferencing.includes(map.name) ? 2 : 1;
    return Number.isFinite(n) && n >= 0 ? n * passes : undefined;
  } catch {
    return undefined;
  }
}

/** The next free run number: one past the map's own count and any load started beside it. */
async function nextRun(ctx: OperatorContext, map: string, runsSoFar: number): Promise<number> {
  let highest = runsSoFar;
  const prefix = `dualwrite-initial-${map}-`;
  for await (const w of ctx.client.workflow.list({ query: `WorkflowType = 'initialSyncWorkflow' AND ${DUALWRITE_MAP.name} = '${map}'` })) {
    const n = Number(w.workflowId.slice(prefix.length));
    if (w.workflowId.startsWith(prefix) && Number.isInteger(n)) highest = Math.max(highest, n);
  }
  return highest + 1;
}

/** Which load to follow for this map, starting one if needed. */
async function loadToFollow(ctx: OperatorContext, map: TableMap, master: 'finops' | 'dataverse', by: string, log: (line: string) => void): Promise<string> {
  const live = await liveStatus(ctx.client, map.name);
  if (live.state === 'Unknown') throw new CliFailure(`cannot tell the state of map '${map.name}': ${live.statusError ?? live.workflowStatus ?? 'no answer'}`);
  if (live.state === 'InitialSync' && live.status?.initialSync.workflowId) {
    log(`attaching to the running initial sync ${live.status.initialSync.workflowId}`);
    return live.status.initialSync.workflowId;
  }
  if (live.workflowStatus === 'RUNNING' && live.status) {
    const run = await nextRun(ctx, map.name, live.status.initialSync.runs);
    const workflowId = initialSyncWorkflowId(map.name, run);
    try {
      await ctx.client.workflow.start<typeof initialSyncWorkflow>('initialSyncWorkflow', {
        taskQueue: ctx.config.DUALWRITE_TASK_QUEUE,
        workflowId,
        args: [{ map: map.name, run, sync: { master } }],
        typedSearchAttributes: [
          { key: DUALWRITE_MAP, value: map.name },
          { key: DUALWRITE_STATE, value: 'InitialSync' },
        ],
        staticSummary: `initial sync of ${map.name} from ${master} beside live sync (by ${by})`,
      });
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) throw new CliFailure(`${workflowId} is already running: run the command again to attach to it`);
      throw err;
    }
    log(`map ${map.name} is ${live.state}: started ${workflowId} beside live sync`);
    return workflowId;
  }
  // No workflow, or a closed one: enabling with an initial sync starts the load as the map's first step.
  const started = await startEnable(ctx, [map.name], { initialSync: master, by });
  log(`started ${started.workflowId}: ${started.order.join(' -> ')} (initial sync from ${master})`);
  const previousRuns = live.status?.initialSync.runs;
  for (;;) {
    const s = await liveStatus(ctx.client, map.name);
    const id = s.status?.initialSync.workflowId;
    if (id && s.workflowStatus === 'RUNNING' && s.status!.initialSync.runs !== previousRuns) return id;
    const enable = await ctx.client.workflow.getHandle(started.workflowId).describe();
    if (enable.status.name === 'FAILED' || enable.status.name === 'TERMINATED' || enable.status.name === 'TIMED_OUT') {
      let reason: string = enable.status.name;
      await ctx.client.workflow.getHandle(started.workflowId).result().catch((err: unknown) => (reason = causeMessage(err)));
      throw new CliFailure(`${started.workflowId} failed before ${map.name} started: ${reason}`);
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}

export interface FollowResult {
  workflowId: string;
  counts: InitialSyncCounts;
  seconds: number;
}

/** Polls the `progress` query until the load completes; fails with the workflow's own reason. */
export async function followInitialSync(ctx: OperatorContext, workflowId: string, view: { update(p: InitialSyncProgress): void }, pollMs = 1000): Promise<FollowResult> {
  const handle = ctx.client.workflow.getHandle(workflowId);
  const startedAt = Date.now();
  let last: InitialSyncProgress | undefined;
  for (;;) {
    const description = await handle.describe();
    if (description.status.name === 'RUNNING') {
      try {
        last = await handle.query(initialSyncProgressQuery);
        view.update(last);
      } catch {
        // Between continue-as-new runs or before the first task: ask again on the next round.
      }
    } else if (description.status.name === 'COMPLETED') {
      const counts = (await handle.result()) as InitialSyncCounts;
      if (last) view.update({ ...last, ...counts, done: true });
      return { workflowId, counts, seconds: (Date.now() - startedAt) / 1000 };
    } else if (description.status.name !== 'CONTINUED_AS_NEW') {
      let reason: string = description.status.name;
      await handle.result().catch((err: unknown) => (reason = causeMessage(err)));
      throw new CliFailure(`initial sync ${workflowId} ${description.status.name.toLowerCase()}: ${reason}`);
    }
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

export function register(program: Command): void {
  program
    .command('initial-sync')
    .description('Copy a map\'s existing rows from the master side, with a progress bar (rows, rate, ETA); enables the map if it does not run')
    .argument('<map>', 'map name')
    .option('--master <side>', 'finops or dataverse (default: the map\'s conflict master, else finops)')
    .option('--by <name>', 'who asks (default $USER)')
    .option('--json', 'no bar; print the final counts as JSON')
    .action((name: string, opts: { master?: string; by?: string; json?: boolean }) =>
      runOperatorCommand(() =>
        withOperator(async (ctx) => {
          const [map] = requireMaps(ctx.catalog, [name]);
          const master = parseMaster('--master', opts.master) ?? map!.conflict?.master ?? 'finops';
          const log = opts.json ? () => undefined : (line: string) => console.error(line);
          const workflowId = await loadToFollow(ctx, map!, master, actor(opts.by), log);
          const total = await countMasterRows(ctx, map!, master);
          const bar = opts.json ? { update: () => undefined, stop: () => undefined } : initialSyncProgressBar({ map: name, total });
          let result: FollowResult;
          try {
            result = await followInitialSync(ctx, workflowId, bar);
          } finally {
            bar.stop();
          }
          const c = result.counts;
          if (opts.json) {
            console.log(JSON.stringify({ map: name, master, ...result }, null, 2));
            return;
          }
          const rate = result.seconds > 0 ? ` (${formatCount(Math.round(c.read / result.seconds))} rows/s)` : '';
          console.log(`${name}: initial sync from ${master} done in ${formatDuration(result.seconds)}${rate}: read ${formatCount(c.read)}, created ${formatCount(c.created)}, updated ${formatCount(c.updated)}, unchanged ${formatCount(c.unchanged)}, failed ${formatCount(c.failed)}, skipped ${formatCount(c.skipped)}`);
          if (c.failed > 0) console.log(`${formatCount(c.failed)} record(s) failed: see \`dualwrite errors list --map ${name}\``);
        }),
      ),
    );
}
