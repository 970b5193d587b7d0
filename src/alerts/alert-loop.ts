import { type AlertDeps, evaluateAlerts, type EvaluationReport } from './evaluator';

export interface AlertLoopOptions extends Omit<AlertDeps, 'now'> {
  /** Between the end of one round and the start of the next; default 15,000 ms. */
  intervalMs?: number;
  /** Each round's report (problems included); default: problems to stderr. */
  onReport?: (report: EvaluationReport) => void;
  /** A round that failed as a whole (store unreachable); default stderr. */
  onError?: (message: string) => void;
}

export interface AlertLoop {
  /** Runs a round now (after the current one, if any) and resolves with its report. */
  evaluateNow(): Promise<EvaluationReport | undefined>;
  /** Stops scheduling and waits for a running round to end. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Evaluates the alert rules every `intervalMs` in the worker or API process. Rounds never
 * overlap, and nothing thrown inside a round escapes the loop: a store or Temporal outage costs
 * rounds, not the process.
 */
export function startAlertLoop(options: AlertLoopOptions): AlertLoop {
  const intervalMs = options.intervalMs ?? 15_000;
  if (!Number.isFinite(intervalMs) || intervalMs < 10) throw new Error(`alert loop: intervalMs ${intervalMs} is not valid: expected at least 10 (milliseconds)`);
  const onError = options.onError ?? ((m: string) => process.stderr.write(`dualwrite alerts: ${m}\n`));
  const onReport = options.onReport ?? ((r: EvaluationReport) => r.problems.forEach((p) => onError(p)));
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<EvaluationReport | undefined> = Promise.resolve(undefined);

  const round = async (): Promise<EvaluationReport | undefined> => {
    try {
      const report = await evaluateAlerts({ ...options, now: new Date() });
      try {
        onReport(report);
      } catch {
        // A faulty report handler must not end the loop.
      }
      return report;
    } catch (err) {
      try {
        onError(`evaluation round failed: ${err instanceof Error ? err.message : String(err)}`);
      } catch {
        // Nothing left to tell.
      }
      return undefined;
    }
  };

  const schedule = (): void => {
    if (stopped) return;
    timer = setTimeout(() => {
      timer = undefined;
      running = running.then(round);
      void running.then(schedule);
    }, intervalMs);
  };

  running = running.then(round);
  void running.then(schedule);

  return {
    evaluateNow() {
      if (stopped) return Promise.resolve(undefined);
      running = running.then(round);
      return running;
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await running;
    },
  };
}
