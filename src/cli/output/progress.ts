import { SingleBar } from 'cli-progress';
import type { InitialSyncProgress } from '../../contracts/map-messages';
import { formatCount, formatDuration } from './format';

/**
 * The initial-sync progress bar (cli-progress): rows read, rate, ETA and the outcome counts.
 * The rate is measured over the last 30 s of samples so that a slow first page or a company
 * switch does not skew the ETA for the rest of the run. Without a known total (the master's
 * row count could not be read) it shows rows and rate, and no bar or ETA.
 * On a non-terminal stream cli-progress prints a plain line every few seconds instead.
 */
export interface ProgressView {
  update(progress: InitialSyncProgress): void;
  stop(): void;
}

const WINDOW_MS = 30_000;

export function rateTracker(now: () => number = Date.now) {
  const samples: { at: number; rows: number }[] = [];
  return {
    /** Rows per second over the window, or undefined until two samples exist. */
    add(rows: number): number | undefined {
      const at = now();
      samples.push({ at, rows });
      while (samples.length > 2 && at - samples[0]!.at > WINDOW_MS) samples.shift();
      const first = samples[0]!;
      const seconds = (at - first.at) / 1000;
      return seconds > 0 ? (rows - first.rows) / seconds : undefined;
    },
  };
}

export function progressLine(p: InitialSyncProgress, rate: number | undefined, total: number | undefined): Record<string, string> {
  const eta = total !== undefined && rate !== undefined && rate > 0 ? formatDuration(Math.max(0, total - p.read) / rate) : '-';
  return {
    rows: total !== undefined ? `${formatCount(p.read)}/${formatCount(Math.max(total, p.read))}` : formatCount(p.read),
    rate: rate === undefined ? '-' : `${formatCount(Math.round(rate))}/s`,
    remaining: p.done ? '0s' : eta,
    where: `${p.company ?? 'all companies'} pass ${p.pass}`,
    counts: `created ${formatCount(p.created)} updated ${formatCount(p.updated)} unchanged ${formatCount(p.unchanged)} failed ${formatCount(p.failed)}`,
  };
}

export function initialSyncProgressBar(opts: { map: string; total?: number; stream?: NodeJS.WriteStream }): ProgressView {
  const total = opts.total;
  const bar = new SingleBar({
    format:
      total !== undefined
        ? `${opts.map} [{bar}] {percentage}% | {rows} rows | {rate} | ETA {remaining} | {where} | {counts}`
        : `${opts.map} | {rows} rows | {rate} | {where} | {counts}`,
    barCompleteChar: '█',
    barIncompleteChar: '░',
    barsize: 24,
    hideCursor: true,
    stream: opts.stream ?? process.stderr,
    noTTYOutput: true,
    notTTYSchedule: 5000,
    etaBuffer: 1,
  });
  const rates = rateTracker();
  let started = false;
  return {
    update(p) {
      const payload = progressLine(p, rates.add(p.read), total);
      // A master that grew during the load must not push the bar past 100%.
      const barTotal = Math.max(total ?? 0, p.read, 1);
      if (!started) {
        bar.start(barTotal, p.read, payload);
        started = true;
      } else {
        bar.setTotal(barTotal);
        bar.update(p.read, payload);
      }
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
