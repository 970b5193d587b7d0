import type { MapCounts, MapStatus, PauseInput, ResumeInput, StopInput } from '../../src/contracts/map-messages';
import type { MapState, ResumeMode } from '../../src/contracts/names';
import type { TableMapCarried } from '../../src/contracts/workflow-inputs';
import type { DrainResult } from '../../activities/sync/contracts';

export interface LogEvent {
  type: string;
  message: string;
  actor?: string;
  data?: Record<string, unknown>;
}

const zeroCounts = (): MapCounts => ({ applied: 0, unchanged: 0, echoes: 0, conflicts: 0, failed: 0, deferred: 0, deleted: 0 });

/**
 * The state of one table map and its transition rules, kept apart from the workflow function
 * (as in Temporal's safe-message-handlers sample) so that the rules read in one place and the
 * workflow only orchestrates. Signal handlers call the `request*` methods, which only record
 * intent; the main loop carries out what needs activities (park, discard, cascade).
 */
export class MapStateMachine {
  state: MapState;
  status: TableMapCarried['status'];
  nextPollAt: number;
  nextReconcileAt: number;
  nextDeferredRetryAt: number;
  resumeMode: ResumeMode | null;
  pauseAfterInitialSync: { reason?: string; by?: string } | null;
  stopRequested: { reason?: string; by?: string } | null = null;
  changesAvailable = true;
  /** State changes to write to the activity log; flushed by the main loop. */
  readonly pendingLog: LogEvent[] = [];
  /** Maps to pause because this one was paused; flushed by the main loop. */
  cascadeReason: string | null = null;

  constructor(
    readonly map: string,
    carried?: TableMapCarried,
  ) {
    this.state = carried?.state ?? 'NotRunning';
    this.status = carried?.status ?? {
      backlog: 0,
      counts: zeroCounts(),
      lastSyncedAt: null,
      lastError: null,
      pending: null,
      pausedBy: null,
      pauseReason: null,
      initialSync: { runs: 0, workflowId: null, result: null },
      lagSeconds: null,
    };
    this.nextPollAt = carried?.nextPollAt ?? 0;
    this.nextReconcileAt = carried?.nextReconcileAt ?? 0;
    this.nextDeferredRetryAt = carried?.nextDeferredRetryAt ?? 0;
    this.resumeMode = (carried?.resumeMode as ResumeMode | null) ?? null;
    this.pauseAfterInitialSync = carried?.pauseAfterInitialSync ?? null;
  }

  /** A getter, so that TypeScript does not narrow `state` across calls that change it. */
  get failed(): boolean {
    return this.state === 'Failed';
  }

  get applying(): boolean {
    return this.state === 'Running' || this.state === 'CatchingUp';
  }

  transition(to: MapState, message: string, actor?: string): void {
    if (to === this.state) return;
    this.pendingLog.push({ type: 'state-change', message: `${this.state} -> ${to}: ${message}`, actor, data: { from: this.state, to } });
    this.state = to;
  }

  requestPause(input: PauseInput = {}): void {
    const by = input.by ?? 'operator';
    const reason = input.reason ?? 'paused';
    switch (this.state) {
      case 'Running':
      case 'CatchingUp':
      case 'Failed':
        this.status.pausedBy = by;
        this.status.pauseReason = reason;
        this.resumeMode = null;
        this.transition('Paused', reason, by);
        this.cascadeReason = `${this.map} paused: ${reason}`;
        break;
      case 'InitialSync':
      case 'NotRunning':
        // The load runs to completion (it is resumable and idempotent); live apply then starts paused.
        this.pauseAfterInitialSync = { reason, by };
        this.status.pending = `pause after initial sync (${by}: ${reason})`;
        this.pendingLog.push({ type: 'state-change', message: `pause requested during ${this.state}; applies when the initial sync ends`, actor: by });
        break;
      default:
        this.pendingLog.push({ type: 'ignored', message: `pause ignored in state ${this.state}`, actor: by });
    }
  }

  requestResume(input: ResumeInput = {}): void {
    const by = input.by ?? 'operator';
    const mode: ResumeMode = input.mode ?? 'drain';
    if (this.state === 'Paused' || this.state === 'Failed') {
      this.resumeMode = mode;
      this.pendingLog.push({ type: 'state-change', message: `resume requested (mode ${mode})`, actor: by, data: { mode } });
    } else if (this.pauseAfterInitialSync) {
      this.pauseAfterInitialSync = null;
      this.status.pending = null;
      this.pendingLog.push({ type: 'state-change', message: 'pending pause cancelled by resume', actor: by });
    } else {
      this.pendingLog.push({ type: 'ignored', message: `resume ignored in state ${this.state}`, actor: by });
    }
  }

  requestStop(input: StopInput = {}): void {
    this.stopRequested = { reason: input.reason ?? 'stopped', by: input.by ?? 'operator' };
  }

  /** After a drain: fold its counts into the totals. */
  recordDrain(result: DrainResult, now: number): void {
    const c = this.status.counts;
    for (const key of Object.keys(c) as (keyof MapCounts)[]) c[key] += result.counts[key];
    this.status.backlog = result.remaining;
    if (result.counts.applied + result.counts.deleted > 0) this.status.lastSyncedAt = new Date(now).toISOString();
    if (result.lagSeconds !== null) this.status.lagSeconds = result.lagSeconds;
    if (result.lastError) this.status.lastError = result.lastError;
  }

  snapshot(): MapStatus {
    return { map: this.map, state: this.state, ...structuredCloneJson(this.status) };
  }

  carry(): TableMapCarried {
    return {
      state: this.state,
      status: structuredCloneJson(this.status),
      nextPollAt: this.nextPollAt,
      nextReconcileAt: this.nextReconcileAt,
      nextDeferredRetryAt: this.nextDeferredRetryAt,
      resumeMode: this.resumeMode,
      pauseAfterInitialSync: this.pauseAfterInitialSync,
    };
  }

  /** Markdown for the Temporal UI's current details. */
  details(): string {
    const s = this.status;
    const lines = [
      `**${this.state}** · backlog ${s.backlog} · lag ${s.lagSeconds ?? '-'} s`,
      `applied ${s.counts.applied} · deleted ${s.counts.deleted} · unchanged ${s.counts.unchanged} · echoes ${s.counts.echoes} · conflicts ${s.counts.conflicts} · failed ${s.counts.failed} · waiting for lookups ${s.counts.deferred}`,
      `last synced: ${s.lastSyncedAt ?? 'never'}`,
    ];
    if (this.state === 'Paused') lines.push(`paused by ${s.pausedBy ?? '?'}: ${s.pauseReason ?? ''}`);
    if (s.pending) lines.push(`pending: ${s.pending}`);
    if (s.lastError) lines.push(`last error: \`${s.lastError.slice(0, 500)}\``);
    return lines.join('\n\n');
  }
}

function structuredCloneJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
