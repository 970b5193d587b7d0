import {
  ApplicationFailure,
  ParentClosePolicy,
  allHandlersFinished,
  condition,
  continueAsNew,
  executeChild,
  isCancellation,
  patched,
  setCurrentDetails,
  setHandler,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import {
  applyChangeUpdate,
  changesAvailableSignal,
  pauseSignal,
  resumeSignal,
  statusQuery,
  stopSignal,
  type ApplyChangeResult,
  type MapStatus,
} from '../../src/contracts/map-messages';
import { initialSyncWorkflowId } from '../../src/contracts/names';
import { DUALWRITE_MAP, DUALWRITE_STATE } from '../../src/contracts/search-attributes';
import type { TableMapInput } from '../../src/contracts/workflow-inputs';
import type { TransformDirection } from '../../src/maps/schema';
import type { DrainResult } from '../../activities/sync/contracts';
import { Mutex } from '../mutex';
import { initialSyncWorkflow } from '../initial-sync/workflow';
import { DrainLanes } from './drain-lanes';
import { MapStateMachine } from './map-state';
import { control, systemActivities } from './activities';

const DEFAULTS = {
  batchSize: 500,
  drainBudgetMs: 20_000,
  pollEveryMs: 10_000,
  reconcileEveryMs: 15 * 60_000,
  deferredRetryEveryMs: 30_000,
};

/**
 * `dualwrite-map-<map>`: the lifecycle and live sync of one table map. It holds no records:
 * captured changes wait in the control store's inbox, and this workflow drains them through
 * activities when poked (`changesAvailable`), on its poll timer, or on resume.
 */
export async function tableMapWorkflow(input: TableMapInput): Promise<MapStatus> {
  const opts = { ...DEFAULTS, ...input.options };
  const targetOf = (direction: TransformDirection) => (direction === 'finops-to-dataverse' ? 'dataverse' : 'finops');
  // Filled once the routing is known (below, after the handlers are registered).
  const routing: { systems?: Record<'finops' | 'dataverse', ReturnType<typeof systemActivities>> } = {};
  const s = new MapStateMachine(input.map, input.carried);
  // One lock per direction keeps the changes of a key in capture order between drains and
  // write-through. Per direction, not per map: a drain writing Dataverse makes Dataverse call
  // our synchronous webhook, a write-through of the other direction, which must not wait for it.
  const locks: Record<TransformDirection, Mutex> = { 'finops-to-dataverse': new Mutex(), 'dataverse-to-finops': new Mutex() };

  // Runs started before this patch drain both directions in lockstep (one round at a time);
  // later ones drain each direction on its own (see DrainLanes).
  const perDirection = patched(PER_DIRECTION_DRAINS);
  // Created before the handlers are registered: a signal may arrive in the first activation.
  const lanesRef = { lanes: perDirection ? new DrainLanes() : null };
  let publishedState: string | null = null;
  const publish = () => {
    // Each upsert is a command and a history event: with lanes, only when the state changed.
    if (!perDirection || publishedState !== s.state) {
      upsertSearchAttributes([
        { key: DUALWRITE_MAP, value: input.map },
        { key: DUALWRITE_STATE, value: s.state },
      ]);
      publishedState = s.state;
    }
    setCurrentDetails(s.details());
  };

  setHandler(statusQuery, () => s.snapshot());
  setHandler(pauseSignal, (p) => s.requestPause(p ?? {}));
  setHandler(resumeSignal, (r) => s.requestResume(r ?? {}));
  setHandler(stopSignal, (p) => s.requestStop(p ?? {}));
  setHandler(changesAvailableSignal, (c) => {
    if (c?.backlog !== undefined) s.status.backlog = c.backlog;
    // With lanes, a signal naming its directions wakes only those; others mean "look everywhere".
    if (lanesRef.lanes && c?.directions && c.directions.length > 0) {
      for (const d of c.directions) if (DIRECTIONS.includes(d)) lanesRef.lanes.want(d);
      return;
    }
    s.changesAvailable = true;
  });
  setHandler(
    applyChangeUpdate,
    async (change): Promise<ApplyChangeResult> => {
      // While paused (as Microsoft's dual-write does), the source's write succeeds and the change
      // waits. It waits in the inbox too when a drain of its direction is busy beyond the source's
      // patience (a long catch-up): the inbox keeps it in order behind the changes before it.
      const lock = locks[change.direction];
      const free = s.applying && (await condition(() => !lock.locked, WRITE_THROUGH_WAIT));
      if (!free || !s.applying) {
        await control.enqueueChange({ map: input.map, change });
        s.changesAvailable = true;
        return { status: 'queued' };
      }
      await condition(() => routing.systems !== undefined);
      return lock.runExclusive(() => routing.systems![targetOf(change.direction)].writeThrough.applyChange({ map: input.map, change }));
    },
    {
      validator: (_change) => {
        if (s.state === 'Stopped' || s.stopRequested) throw new Error(`map ${input.map} is stopped`);
      },
    },
  );

  const flushLog = async () => {
    while (s.pendingLog.length > 0) {
      const event = s.pendingLog.shift()!;
      await control.recordActivity({ map: input.map, ...event });
    }
    if (s.cascadeReason) {
      const reason = s.cascadeReason;
      s.cascadeReason = null;
      const paused = await control.cascadePause({ map: input.map, reason });
      if (paused.length > 0) s.pendingLog.push({ type: 'cascade', message: `paused dependent maps: ${paused.join(', ')}` });
    }
  };

  publish();

  // Where work that calls each system runs: learnt once from the worker's configuration, then
  // carried in the input across continue-as-new (changing it later needs a new run).
  if (opts.taskQueues === undefined) opts.taskQueues = await control.describeRouting();
  const systems = { finops: systemActivities(opts.taskQueues ?? undefined, 'finops'), dataverse: systemActivities(opts.taskQueues ?? undefined, 'dataverse') };
  routing.systems = systems;

  if (s.state === 'NotRunning') {
    if (input.initialSync) {
      s.transition('InitialSync', `initial sync from ${input.initialSync.master}`);
      publish();
      await flushLog();
      const run = s.status.initialSync.runs + 1;
      const workflowId = initialSyncWorkflowId(input.map, run);
      s.status.initialSync = { runs: run, workflowId, result: null };
      try {
        s.status.initialSync.result = await executeChild(initialSyncWorkflow, {
          workflowId,
          args: [{ map: input.map, run, sync: input.initialSync, taskQueues: opts.taskQueues }],
          // The load is its own durable workflow; it must not die with a run of this one.
          parentClosePolicy: ParentClosePolicy.ABANDON,
          typedSearchAttributes: [
            { key: DUALWRITE_MAP, value: input.map },
            { key: DUALWRITE_STATE, value: 'InitialSync' },
          ],
          staticSummary: `initial sync of ${input.map} from ${input.initialSync.master}`,
        });
      } catch (err) {
        if (isCancellation(err)) throw err;
        s.status.lastError = `initial sync failed: ${errorMessage(err)}`;
        s.transition('Failed', s.status.lastError);
      }
    }
    if (!s.failed) s.transition('Running', 'live sync started');
    if (s.pauseAfterInitialSync) {
      const pending = s.pauseAfterInitialSync;
      s.pauseAfterInitialSync = null;
      s.status.pending = null;
      s.requestPause(pending);
    }
    publish();
  }

  const lanes = lanesRef.lanes;
  const drainInput = (direction: TransformDirection) => ({ map: input.map, direction, batchSize: opts.batchSize, budgetMs: opts.drainBudgetMs });
  const drainLane = async (direction: TransformDirection) => {
    lanes!.start(direction);
    try {
      const result = await locks[direction].runExclusive(() => systems[targetOf(direction)].apply.drainInbox(drainInput(direction)));
      lanes!.succeeded(direction, result.remaining);
      s.recordDrain({ ...result, remaining: lanes!.remaining() }, Date.now());
      if (result.batches > 0) s.pendingLog.push({ type: 'batch', message: `${direction}: applied ${result.counts.applied + result.counts.deleted}, failed ${result.counts.failed}, remaining ${result.remaining}`, data: { ...result.counts, direction, remaining: result.remaining, batches: result.batches } });
    } catch (err) {
      s.status.lastError = errorMessage(err);
      const permanent = err instanceof Error && 'cause' in err && isPermanent(err.cause);
      if (permanent) s.transition('Failed', s.status.lastError);
      // Target down or throttling: back off visibly (status shows lastError), then try again.
      lanes!.failed(direction, Date.now(), !permanent);
    } finally {
      lanes!.ended(direction);
      if (s.state === 'CatchingUp' && lanes!.idle() && lanes!.remaining() === 0) s.transition('Running', 'backlog drained');
    }
  };

  let failures = 0;
  for (;;) {
    await flushLog();
    publish();

    if (s.stopRequested) {
      if (lanes) await condition(() => lanes.idle());
      await Promise.all(DIRECTIONS.map((d) => locks[d].runExclusive(async () => undefined)));
      s.transition('Stopped', s.stopRequested.reason ?? 'stopped', s.stopRequested.by);
      await flushLog();
      publish();
      await condition(allHandlersFinished);
      return s.snapshot();
    }

    if (shouldContinueAsNew(opts.maxHistoryEvents ?? (perDirection ? LIVE_HISTORY_EVENTS : undefined))) {
      await condition(() => allHandlersFinished() && (lanes?.idle() ?? true));
      return continueAsNew<typeof tableMapWorkflow>({ ...input, initialSync: undefined, options: { ...input.options, taskQueues: opts.taskQueues }, carried: s.carry() });
    }

    if (s.resumeMode) {
      // A drain still finishing must not apply what park or discard is about to move away.
      if (lanes) await condition(() => lanes.idle());
      const mode = s.resumeMode;
      s.resumeMode = null;
      if (mode === 'park') {
        const parked = await control.parkBacklog({ map: input.map });
        s.pendingLog.push({ type: 'resume', message: `parked ${parked} pending changes in the error queue as retryable`, data: { parked } });
      } else if (mode === 'discard') {
        const dropped = await control.discardBacklog({ map: input.map });
        s.pendingLog.push({ type: 'resume', message: `discarded ${dropped} pending changes`, data: { dropped } });
      }
      s.status.backlog = await control.backlog({ map: input.map });
      s.status.pausedBy = null;
      s.status.pauseReason = null;
      s.status.lastError = null;
      failures = 0;
      lanes?.resetFailures();
      s.changesAvailable = true;
      s.transition(mode === 'drain' && s.status.backlog > 0 ? 'CatchingUp' : 'Running', `resumed (${mode})`);
      continue;
    }

    const now = Date.now();
    // Capture keeps running while paused: a pause stops applying, never capturing.
    if (opts.pollEveryMs > 0 && now >= s.nextPollAt && s.state !== 'Failed') {
      s.nextPollAt = now + opts.pollEveryMs;
      try {
        const polled = await systems.dataverse.capture.captureChanges({ map: input.map });
        s.status.backlog = polled.backlog;
        if (polled.captured > 0) s.changesAvailable = true;
      } catch (err) {
        s.status.lastError = `capture: ${errorMessage(err)}`;
      }
    }
    if (opts.reconcileEveryMs > 0 && now >= s.nextReconcileAt && s.state !== 'Failed') {
      s.nextReconcileAt = now + opts.reconcileEveryMs;
      try {
        const found = await systems.finops.capture.reconcile({ map: input.map });
        if (found.enqueued > 0) {
          s.changesAvailable = true;
          s.pendingLog.push({ type: 'reconciliation', message: `reconciliation found ${found.enqueued} drifted records of ${found.scanned}`, data: found });
        }
      } catch (err) {
        s.status.lastError = `reconciliation: ${errorMessage(err)}`;
      }
    }
    if (s.applying && opts.deferredRetryEveryMs > 0 && now >= s.nextDeferredRetryAt) {
      s.nextDeferredRetryAt = now + opts.deferredRetryEveryMs;
      const { requeued } = await control.retryDeferred({ map: input.map });
      if (requeued > 0) s.changesAvailable = true;
    }

    if (lanes) {
      if (s.applying && s.changesAvailable) {
        s.changesAvailable = false;
        lanes.wantAll();
      }
      // A direction whose drain is running picks the new changes up itself (it reads the inbox
      // until empty) or is started again when it ends (wanted stays set).
      if (s.applying) for (const d of DIRECTIONS) if (lanes.startable(d, Date.now())) void drainLane(d);
    } else if (s.applying && s.changesAvailable) {
      s.changesAvailable = false;
      try {
        // Both directions at once: they read different sources and write different targets.
        const results = await Promise.all(
          DIRECTIONS.map((direction) =>
            locks[direction].runExclusive(() => systems[targetOf(direction)].apply.drainInbox({ map: input.map, direction, batchSize: opts.batchSize, budgetMs: opts.drainBudgetMs })),
          ),
        );
        const result = combineDrains(results);
        s.recordDrain(result, Date.now());
        failures = 0;
        if (result.remaining > 0) s.changesAvailable = true;
        else if (s.state === 'CatchingUp') s.transition('Running', 'backlog drained');
        if (result.batches > 0) s.pendingLog.push({ type: 'batch', message: `applied ${result.counts.applied + result.counts.deleted}, failed ${result.counts.failed}, remaining ${result.remaining}`, data: { ...result.counts, remaining: result.remaining, batches: result.batches } });
      } catch (err) {
        s.status.lastError = errorMessage(err);
        s.changesAvailable = true;
        if (err instanceof Error && 'cause' in err && isPermanent(err.cause)) {
          s.transition('Failed', s.status.lastError);
          continue;
        }
        // Target down or throttling: back off visibly (status shows lastError), then try again.
        failures += 1;
        publish();
        await sleep(Math.min(60_000, 1000 * 2 ** Math.min(failures, 6)), { summary: 'back off after a failed drain' });
      }
      continue;
    }

    const wakeAt = Math.min(
      opts.pollEveryMs > 0 ? s.nextPollAt : Infinity,
      opts.reconcileEveryMs > 0 ? s.nextReconcileAt : Infinity,
      s.applying && opts.deferredRetryEveryMs > 0 ? s.nextDeferredRetryAt : Infinity,
      s.applying && lanes ? lanes.nextRetryAt(now) : Infinity,
    );
    const finished = lanes?.finished ?? 0;
    const wake = () =>
      // With lanes, a signal while both directions drain needs no turn of the loop: the drains
      // read the inbox until it is empty, and the end of either wakes the loop anyway.
      (s.applying && s.changesAvailable && (lanes === null || !DIRECTIONS.every((d) => lanes.of(d).running))) ||
      s.stopRequested !== null ||
      s.resumeMode !== null ||
      s.pendingLog.length > 0 ||
      s.cascadeReason !== null ||
      (lanes !== null && (lanes.finished !== finished || (s.applying && DIRECTIONS.some((d) => lanes.startable(d, Date.now())))));
    if (wakeAt === Infinity) await condition(wake);
    else await condition(wake, Math.max(1, wakeAt - Date.now()));
  }
}

const DIRECTIONS: readonly TransformDirection[] = ['finops-to-dataverse', 'dataverse-to-finops'];

/**
 * Continue-as-new past this many events unless the input says otherwise. A worker that loses a
 * run from its cache (a workflow task timed out on a starved machine) replays the whole run
 * before it can answer: at 4,700 events (600 KB) that took 20 s and timed the next task out
 * too, stalling live sync for minutes. The server's own suggestion comes far later.
 */
const LIVE_HISTORY_EVENTS = 2_000;

/**
 * patched() id: each direction drains on its own. A drain does not linger for more changes once
 * the inbox is empty: it could then apply a change made after a pause was reported (the pause
 * cannot reach a running activity quickly), breaking "paused: apply stops".
 */
const PER_DIRECTION_DRAINS = 'per-direction-drains';



/** How long a write-through waits for a busy drain of its direction before it queues instead. */
const WRITE_THROUGH_WAIT = '5 seconds';

function combineDrains(results: DrainResult[]): DrainResult {
  const [first, ...rest] = results as [DrainResult, ...DrainResult[]];
  const out: DrainResult = { ...first, counts: { ...first.counts } };
  for (const r of rest) {
    for (const key of Object.keys(out.counts) as (keyof DrainResult['counts'])[]) out.counts[key] += r.counts[key];
    out.remaining += r.remaining;
    out.batches += r.batches;
    out.lagSeconds = out.lagSeconds === null ? r.lagSeconds : r.lagSeconds === null ? out.lagSeconds : Math.max(out.lagSeconds, r.lagSeconds);
    out.lastError = r.lastError ?? out.lastError;
  }
  return out;
}

function shouldContinueAsNew(maxHistoryEvents?: number): boolean {
  const info = workflowInfo();
  return info.continueAsNewSuggested || (maxHistoryEvents !== undefined && info.historyLength > maxHistoryEvents);
}

function isPermanent(cause: unknown): boolean {
  return cause instanceof ApplicationFailure && cause.nonRetryable === true;
}

/** The whole cause chain ("Activity task failed: ...: HTTP 401 ..."): the useful part is deepest. */
function errorMessage(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err; e instanceof Error && parts.length < 5; e = (e as { cause?: unknown }).cause) {
    if (e.message && !parts.includes(e.message)) parts.push(e.message);
  }
  return parts.length > 0 ? parts.join(': ') : String(err);
}
