import type { Command } from 'commander';
import { userInfo } from 'node:os';
import { type Client, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import type { enableMapsWorkflow } from '../../../workflows/enable-maps/workflow';
import { liveStatus, liveStatuses, type LiveStatus } from '../../api/maps/live-status';
import { loadRuntimeConfig, type RuntimeConfig } from '../../config/runtime-config';
import { initialSyncProgressQuery, pauseSignal, resumeSignal, stopSignal } from '../../contracts/map-messages';
import { enableWorkflowId, mapWorkflowId, RESUME_MODES, type ResumeMode } from '../../contracts/names';
import { loadCatalog } from '../../maps/loader';
import { effectiveSettings, type TableMap } from '../../maps/schema';
import { dependencyGraph, topologicalOrder } from '../../maps/graph';
import { connectTemporalClient, type TemporalClientSession } from '../../runtime/worker-process';
import { CliFailure, runOperatorCommand } from '../output/failure';
import { formatAgo, formatCount, formatDuration } from '../output/format';
import { renderTable } from '../output/table';
import { mapsCommand } from './maps-files';

/**
 * Commands on running maps: list, show, enable, pause, resume, stop. They talk to Temporal
 * (the map workflows are the source of truth for state) and read map definitions from
 * DUALWRITE_MAPS_DIR, the folder the workers use. Shared helpers are exported for `status`,
 * `initial-sync` and `setup`.
 */

// ------------------------------------------------------------------ shared operator plumbing

export interface OperatorContext {
  config: RuntimeConfig;
  catalog: TableMap[];
  session: TemporalClientSession;
  client: Client;
}

/** Definitions from DUALWRITE_MAPS_DIR; an invalid folder fails with its problems listed. */
export function loadOperatorCatalog(config: RuntimeConfig): TableMap[] {
  const loaded = loadCatalog(config.DUALWRITE_MAPS_DIR);
  if (loaded.errors.length > 0) {
    const lines = loaded.errors.slice(0, 10).map((e) => `  ${e.file ?? ''} ${e.path}: ${e.message}`);
    throw new CliFailure(`the map folder DUALWRITE_MAPS_DIR=${JSON.stringify(config.DUALWRITE_MAPS_DIR)} has ${loaded.errors.length} problem(s):\n${lines.join('\n')}\n  (run \`dualwrite maps validate ${config.DUALWRITE_MAPS_DIR}\`)`);
  }
  return [...loaded.maps].sort((a, b) => a.name.localeCompare(b.name));
}

/** Maps named on the command line, each checked against the catalog; unknown names list the known ones. */
export function requireMaps(catalog: readonly TableMap[], names: readonly string[]): TableMap[] {
  const byName = new Map(catalog.map((m) => [m.name, m]));
  const unknown = names.filter((n) => !byName.has(n));
  if (unknown.length > 0) {
    throw new CliFailure(`unknown map${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => `'${n}'`).join(', ')}; known maps: ${[...byName.keys()].join(', ')}`);
  }
  return names.map((n) => byName.get(n)!);
}

/** Runs `body` with configuration, catalog and a connected client; always closes the connection. */
export async function withOperator<T>(body: (ctx: OperatorContext) => Promise<T>): Promise<T> {
  const config = loadRuntimeConfig();
  const catalog = loadOperatorCatalog(config);
  const session = await connectTemporalClient(config);
  try {
    return await body({ config, catalog, session, client: session.client });
  } finally {
    await session.close();
  }
}

/** Who a command acts for: --by, else the login name. */
export function actor(by: string | undefined): string {
  if (by) return by;
  const fromEnv = process.env.USER ?? process.env.USERNAME;
  if (fromEnv) return fromEnv;
  try {
    return userInfo().username;
  } catch {
    return 'cli';
  }
}

export function parseChoice<T extends string>(option: string, value: string, choices: readonly T[]): T {
  if (!(choices as readonly string[]).includes(value)) throw new CliFailure(`${option} ${value}: expected one of ${choices.join(', ')}`);
  return value as T;
}

export function parseMaster(option: string, value: string | undefined): 'finops' | 'dataverse' | undefined {
  return value === undefined ? undefined : parseChoice(option, value, ['finops', 'dataverse'] as const);
}

// ------------------------------------------------------------------ rendering

/** One row of `maps list` / `status`, also the `--json` shape. */
export interface MapListRow {
  map: string;
  state: string;
  backlog: number | null;
  lagSeconds: number | null;
  applied: number | null;
  failed: number | null;
  lastSyncedAt: string | null;
  lastError: string | null;
  workflowId: string;
}

export function listRow(live: LiveStatus): MapListRow {
  const s = live.status;
  return {
    map: live.map,
    state: live.state,
    backlog: s?.backlog ?? null,
    lagSeconds: s?.lagSeconds ?? null,
    applied: s?.counts.applied ?? null,
    failed: s?.counts.failed ?? null,
    lastSyncedAt: s?.lastSyncedAt ?? null,
    lastError: s?.lastError ?? live.statusError ?? null,
    workflowId: live.workflowId,
  };
}

export function renderMapList(rows: readonly MapListRow[], now = Date.now()): string {
  return renderTable(rows, [
    { header: 'map', value: (r) => r.map },
    { header: 'state', value: (r) => r.state },
    { header: 'backlog', value: (r) => (r.backlog === null ? null : formatCount(r.backlog)), align: 'right' },
    { header: 'lag', value: (r) => (r.lagSeconds === null ? null : formatDuration(r.lagSeconds)), align: 'right' },
    { header: 'applied/failed', value: (r) => (r.applied === null ? null : `${formatCount(r.applied)}/${formatCount(r.failed ?? 0)}`), align: 'right' },
    { header: 'last sync', value: (r) => formatAgo(r.lastSyncedAt, now) },
    { header: 'last error', value: (r) => r.lastError, maxWidth: 70 },
  ]);
}

function renderShow(map: TableMap, live: LiveStatus): string {
  const settings = effectiveSettings(map);
  const s = live.status;
  const lines = [
    `${map.name} ${map.version} (publisher ${map.publisher})${map.description ? `: ${map.description}` : ''}`,
    `  F&O        ${map.finops.entitySet} key (${map.finops.key.join(', ')})${map.finops.filter ? ` filter ${map.finops.filter}` : ''}`,
    `  Dataverse  ${map.dataverse.entitySet} key (${map.dataverse.key.join(', ')})${map.dataverse.filter ? ` filter ${map.dataverse.filter}` : ''}`,
    `  scope ${map.scope}; ${map.columns.length} columns; sync ${settings.syncMode}; deletes ${settings.deletes}; conflicts ${settings.conflict.policy} (master ${settings.conflict.master})`,
    `  depends on ${settings.dependsOn.length > 0 ? settings.dependsOn.join(', ') : '(nothing)'}`,
    '',
    `state       ${live.state}${live.workflowStatus ? `  (workflow ${live.workflowId}, ${live.workflowStatus})` : `  (no workflow ${live.workflowId})`}`,
  ];
  if (live.statusError) lines.push(`status      ${live.statusError}`);
  if (s) {
    const c = s.counts;
    lines.push(
      `backlog     ${formatCount(s.backlog)}${s.lagSeconds !== null ? `, lag ${formatDuration(s.lagSeconds)}` : ''}`,
      `counts      applied ${formatCount(c.applied)}, unchanged ${formatCount(c.unchanged)}, deleted ${formatCount(c.deleted)}, failed ${formatCount(c.failed)}, conflicts ${formatCount(c.conflicts)}, deferred ${formatCount(c.deferred)}, echoes ${formatCount(c.echoes)}`,
      `last sync   ${s.lastSyncedAt ?? '-'}`,
      `last error  ${s.lastError ?? '-'}`,
    );
    if (s.state === 'Paused') lines.push(`paused by   ${s.pausedBy ?? '-'}${s.pauseReason ? ` (${s.pauseReason})` : ''}`);
    if (s.pending) lines.push(`pending     ${s.pending}`);
    const r = s.initialSync.result;
    lines.push(`initial     ${s.initialSync.runs} run(s)${s.initialSync.workflowId ? `, last ${s.initialSync.workflowId}` : ''}${r ? `: read ${formatCount(r.read)}, created ${formatCount(r.created)}, updated ${formatCount(r.updated)}, unchanged ${formatCount(r.unchanged)}, failed ${formatCount(r.failed)}` : ''}`);
  }
  return lines.join('\n');
}

// ------------------------------------------------------------------ actions

export interface EnableStarted {
  workflowId: string;
  maps: string[];
  /** All maps that will run, prerequisites included, in dependency order. */
  order: string[];
}

/** Starts `dualwrite-enable-<id>` for the maps (prerequisites are started first by the workflow). */
export async function startEnable(ctx: OperatorContext, maps: string[], opts: { initialSync?: 'finops' | 'dataverse'; id?: string; by: string }): Promise<EnableStarted> {
  const order = topologicalOrder(ctx.catalog);
  if (order.cycle) throw new CliFailure(`the maps depend on each other in a cycle: ${order.cycle.join(' -> ')}; fix dependsOn in ${ctx.config.DUALWRITE_MAPS_DIR}`);
  const id = opts.id ?? `cli-${Date.now()}`;
  const workflowId = enableWorkflowId(id);
  try {
    await ctx.client.workflow.start<typeof enableMapsWorkflow>('enableMapsWorkflow', {
      taskQueue: ctx.config.DUALWRITE_TASK_QUEUE,
      workflowId,
      args: [{ maps, ...(opts.initialSync ? { initialSync: { master: opts.initialSync } } : {}) }],
      staticSummary: `enable ${maps.join(', ')}${opts.initialSync ? ` with initial sync from ${opts.initialSync}` : ''} (by ${opts.by})`,
    });
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) throw new CliFailure(`${workflowId} is already running: wait for it (Temporal UI) or pass another --id`);
    throw err;
  }
  const needed = closure(ctx.catalog, maps);
  return { workflowId, maps, order: order.order.filter((m) => needed.has(m)) };
}

function closure(catalog: readonly TableMap[], names: readonly string[]): Set<string> {
  const { edges } = dependencyGraph(catalog);
  const out = new Set<string>();
  const visit = (n: string) => {
    if (out.has(n)) return;
    out.add(n);
    for (const d of edges.get(n) ?? []) visit(d);
  };
  names.forEach(visit);
  return out;
}

const LIVE_STATES = new Set(['Running', 'CatchingUp', 'Paused']);

/**
 * Follows an enable until every map runs live: a line per state change, initial-sync counts
 * every few seconds. Fails when the enable workflow fails (its message says why).
 */
export async function waitForEnable(ctx: OperatorContext, started: EnableStarted, opts: { timeoutMs?: number; print?: (line: string) => void; pollMs?: number } = {}): Promise<LiveStatus[]> {
  const print = opts.print ?? ((line: string) => console.error(line));
  const deadline = opts.timeoutMs ? Date.now() + opts.timeoutMs : Infinity;
  const seen = new Map<string, string>();
  let lastProgressAt = 0;
  const handle = ctx.client.workflow.getHandle(started.workflowId);
  for (;;) {
    const statuses = await liveStatuses(ctx.client, started.order);
    for (const s of statuses) {
      const line = `${s.state}${s.status?.lastError && s.state === 'Failed' ? `: ${s.status.lastError}` : ''}`;
      if (seen.get(s.map) !== line) {
        seen.set(s.map, line);
        print(`  ${s.map.padEnd(28)} ${line}`);
      }
    }
    if (Date.now() - lastProgressAt >= 5000) {
      lastProgressAt = Date.now();
      for (const s of statuses.filter((x) => x.state === 'InitialSync' && x.status?.initialSync.workflowId)) {
        try {
          const p = await ctx.client.workflow.getHandle(s.status!.initialSync.workflowId!).query(initialSyncProgressQuery);
          print(`  ${s.map.padEnd(28)} initial sync: read ${formatCount(p.read)}, created ${formatCount(p.created)}, updated ${formatCount(p.updated)}, unchanged ${formatCount(p.unchanged)}, failed ${formatCount(p.failed)}${p.company ? ` (company ${p.company})` : ''}`);
        } catch {
          // The child may not have started yet or just finished; the next round shows it.
        }
      }
    }
    if (statuses.every((s) => LIVE_STATES.has(s.state))) return statuses;
    const failed = statuses.filter((s) => s.state === 'Failed' || s.state === 'Stopped');
    if (failed.length > 0) throw new CliFailure(`enable stopped: ${failed.map((s) => `${s.map} is ${s.state}${s.status?.lastError ? ` (${s.status.lastError})` : ''}`).join('; ')}`);
    const description = await handle.describe();
    if (description.status.name !== 'RUNNING' && description.status.name !== 'COMPLETED') {
      let reason: string = description.status.name;
      try {
        await handle.result();
      } catch (err) {
        reason = causeMessage(err);
      }
      throw new CliFailure(`${started.workflowId} ${description.status.name.toLowerCase()}: ${reason}`);
    }
    if (Date.now() > deadline) throw new CliFailure(`not all maps run after ${formatDuration((opts.timeoutMs ?? 0) / 1000)}: ${statuses.filter((s) => !LIVE_STATES.has(s.state)).map((s) => `${s.map} ${s.state}`).join(', ')}. Is a worker running (\`dualwrite worker\`)?`);
    await new Promise((r) => setTimeout(r, opts.pollMs ?? 1000));
  }
}

/** The innermost message of a Temporal failure chain: the activity's own words, not "Activity task failed". */
export function causeMessage(err: unknown): string {
  let current: unknown = err;
  let message = err instanceof Error ? err.message : String(err);
  while (current instanceof Error && current.cause) {
    current = current.cause;
    if (current instanceof Error && current.message) message = current.message;
  }
  return message;
}

async function sendSignal(ctx: OperatorContext, map: string, what: string, send: () => Promise<void>): Promise<void> {
  try {
    await send();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw new CliFailure(`map '${map}' is not running (no workflow ${mapWorkflowId(map)}): enable it first with \`dualwrite maps enable ${map}\``);
    throw err;
  }
  const after = await liveStatus(ctx.client, map);
  console.log(`${what} sent to ${mapWorkflowId(map)}; state now ${after.state}${after.status?.pending ? ` (pending: ${after.status.pending})` : ''}`);
}

/** Whether a closed workflow can take the signal: only a running one can. */
async function requireRunning(ctx: OperatorContext, map: string): Promise<void> {
  const live = await liveStatus(ctx.client, map);
  if (live.state === 'NotRunning') throw new CliFailure(`map '${map}' is not running (no workflow ${live.workflowId}): enable it first with \`dualwrite maps enable ${map}\``);
  if (live.workflowStatus && live.workflowStatus !== 'RUNNING') throw new CliFailure(`map '${map}' is ${live.state} (workflow ${live.workflowId} ${live.workflowStatus}): enable it again with \`dualwrite maps enable ${map}\``);
}

// ------------------------------------------------------------------ commands

export function register(program: Command): void {
  const maps = mapsCommand(program);

  maps
    .command('list')
    .description('Every map of DUALWRITE_MAPS_DIR with its live state, backlog, lag, applied/failed counts and last error')
    .option('--json', 'print the rows as JSON')
    .action((opts: { json?: boolean }) =>
      runOperatorCommand(() =>
        withOperator(async (ctx) => {
          const rows = (await liveStatuses(ctx.client, ctx.catalog.map((m) => m.name))).map(listRow);
          console.log(opts.json ? JSON.stringify(rows, null, 2) : renderMapList(rows));
        }),
      ),
    );

  maps
    .command('show')
    .description('A map\'s definition (entity sets, keys, settings, dependencies) and its live status')
    .argument('<map>', 'map name')
    .option('--json', 'print definition and status as JSON')
    .action((name: string, opts: { json?: boolean }) =>
      runOperatorCommand(() =>
        withOperator(async (ctx) => {
          const [map] = requireMaps(ctx.catalog, [name]);
          const live = await liveStatus(ctx.client, name);
          console.log(opts.json ? JSON.stringify({ definition: map, live }, null, 2) : renderShow(map!, live));
        }),
      ),
    );

  maps
    .command('enable')
    .description('Start maps (and the maps they depend on, first) through the enableMapsWorkflow dualwrite-enable-<id>')
    .argument('<maps...>', 'map names')
    .option('--initial-sync <master>', 'copy existing rows first, from finops or dataverse (maps that never ran)')
    .option('--wait', 'follow the maps until they all run live')
    .option('--timeout <seconds>', 'with --wait: give up after this many seconds')
    .option('--id <id>', 'enable workflow id suffix (default cli-<timestamp>)')
    .option('--by <name>', 'who asks (default $USER)')
    .option('--json', 'print the started workflow (and with --wait the final states) as JSON')
    .action((names: string[], opts: { initialSync?: string; wait?: boolean; timeout?: string; id?: string; by?: string; json?: boolean }) =>
      runOperatorCommand(() =>
        withOperator(async (ctx) => {
          const master = parseMaster('--initial-sync', opts.initialSync);
          const timeoutMs = opts.timeout === undefined ? undefined : Number(opts.timeout) * 1000;
          if (timeoutMs !== undefined && !(timeoutMs > 0)) throw new CliFailure(`--timeout ${opts.timeout}: expected a positive number of seconds`);
          const unique = [...new Set(names)];
          requireMaps(ctx.catalog, unique);
          const by = actor(opts.by);
          const started = await startEnable(ctx, unique, { initialSync: master, id: opts.id, by });
          if (!opts.json) console.error(`started ${started.workflowId}: ${started.order.join(' -> ')}${master ? ` (initial sync from ${master})` : ''}`);
          if (!opts.wait) {
            if (opts.json) console.log(JSON.stringify(started, null, 2));
            return;
          }
          const final = await waitForEnable(ctx, started, { timeoutMs, print: opts.json ? () => undefined : undefined });
          if (opts.json) console.log(JSON.stringify({ ...started, states: final.map(listRow) }, null, 2));
          else console.log(`all ${final.length} map(s) run live: ${final.map((s) => `${s.map} ${s.state}`).join(', ')}`);
        }),
      ),
    );

  maps
    .command('pause')
    .description('Stop applying changes to a map (capture continues); maps that depend on it pause too')
    .argument('<map>', 'map name')
    .option('--reason <text>', 'why; shown in the status and the activity log')
    .option('--by <name>', 'who asks (default $USER)')
    .action((name: string, opts: { reason?: string; by?: string }) =>
      runOperatorCommand(() =>
        withOperator(async (ctx) => {
          requireMaps(ctx.catalog, [name]);
          await requireRunning(ctx, name);
          const input = { by: actor(opts.by), ...(opts.reason ? { reason: opts.reason } : {}) };
          await sendSignal(ctx, name, 'pause', () => ctx.client.workflow.getHandle(mapWorkflowId(name)).signal(pauseSignal, input));
        }),
      ),
    );

  maps
    .command('resume')
    .description('Resume a paused map: drain applies the backlog (CatchingUp), park moves it to the error queue, discard drops it')
    .argument('<map>', 'map name')
    .option('--mode <mode>', `one of ${RESUME_MODES.join(', ')}`, 'drain')
    .option('--by <name>', 'who asks (default $USER)')
    .action((name: string, opts: { mode: string; by?: string }) =>
      runOperatorCommand(() =>
        withOperator(async (ctx) => {
          const mode: ResumeMode = parseChoice('--mode', opts.mode, RESUME_MODES);
          requireMaps(ctx.catalog, [name]);
          await requireRunning(ctx, name);
          await sendSignal(ctx, name, `resume (${mode})`, () => ctx.client.workflow.getHandle(mapWorkflowId(name)).signal(resumeSignal, { mode, by: actor(opts.by) }));
        }),
      ),
    );

  maps
    .command('stop')
    .description('Stop a map for good: its workflow completes (enable it again to restart; captured changes stay in the inbox)')
    .argument('<map>', 'map name')
    .option('--reason <text>', 'why')
    .option('--by <name>', 'who asks (default $USER)')
    .action((name: string, opts: { reason?: string; by?: string }) =>
      runOperatorCommand(() =>
        withOperator(async (ctx) => {
          requireMaps(ctx.catalog, [name]);
          await requireRunning(ctx, name);
          const input = { by: actor(opts.by), ...(opts.reason ? { reason: opts.reason } : {}) };
          await sendSignal(ctx, name, 'stop', () => ctx.client.workflow.getHandle(mapWorkflowId(name)).signal(stopSignal, input));
        }),
      ),
    );
}
