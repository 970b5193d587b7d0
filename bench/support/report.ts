import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { findTemporalCli } from '../../src/devserver/temporal-cli';

export const RESULTS_DIR = join(__dirname, '..', 'results');

/** What the figures depend on, recorded beside them. */
export interface MachineFacts {
  cores: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  temporalCli: string;
  temporalSdk: string;
  /** 1, 5 and 15-minute load averages when the benchmark started and ended (other work shares the machine). */
  loadAtStart: number[];
  loadAtEnd?: number[];
}

export function machineFacts(): MachineFacts {
  let temporalCli = 'unknown';
  const cli = findTemporalCli();
  if (cli) {
    try {
      temporalCli = execFileSync(cli, ['--version'], { encoding: 'utf8' }).trim();
    } catch {
      // The version is informative only; a failing CLI shows up when the dev server starts.
    }
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const sdk = (require('@temporalio/client/package.json') as { version: string }).version;
  return {
    cores: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    temporalCli,
    temporalSdk: sdk,
    loadAtStart: loadAverage(),
  };
}

export const loadAverage = (): number[] => loadavg().map((l) => Math.round(l * 100) / 100);

export function machineLine(m: MachineFacts): string {
  return (
    `Machine: ${m.cores} cores (${m.cpuModel}), ${m.memoryGiB} GiB, Node ${m.node}, ${m.temporalCli}, SDK ${m.temporalSdk}; ` +
    `load average ${m.loadAtStart.join(' / ')} at start${m.loadAtEnd ? `, ${m.loadAtEnd.join(' / ')} at end` : ''}.`
  );
}

export type Cell = string | number | null | undefined;

export function markdownTable(header: string[], rows: Cell[][]): string {
  const fmt = (c: Cell) => (c === null || c === undefined ? '–' : typeof c === 'number' ? formatNumber(c) : c);
  return [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.map(fmt).join(' | ')} |`)].join('\n');
}

export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Number.isInteger(n)) return n.toLocaleString('en-US');
  return n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(n >= 10 ? 1 : 2);
}

/** Writes `<name>.json` and `<name>.md` to bench/results/. */
export function writeResults(name: string, json: unknown, markdown: string): void {
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(join(RESULTS_DIR, `${name}.json`), `${JSON.stringify(json, null, 2)}\n`);
  writeFileSync(join(RESULTS_DIR, `${name}.md`), `${markdown.trim()}\n`);
  process.stderr.write(`wrote bench/results/${name}.json and .md\n`);
}

/** Samples the process's resident set size until stopped; the peak is what it reports. */
export function rssSampler(everyMs = 250): { stop(): { startMiB: number; peakMiB: number } } {
  const start = process.memoryUsage().rss;
  let peak = start;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      peak = Math.max(peak, process.memoryUsage().rss);
      return { startMiB: Math.round(start / 2 ** 20), peakMiB: Math.round(peak / 2 ** 20) };
    },
  };
}

export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] ?? null;
}

export interface LatencySummary {
  count: number;
  p50: number | null;
  p90: number | null;
  p99: number | null;
  max: number | null;
}

export function summarize(latenciesMs: readonly number[]): LatencySummary {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  const r = (v: number | null) => (v === null ? null : Math.round(v * 10) / 10);
  return { count: sorted.length, p50: r(percentile(sorted, 50)), p90: r(percentile(sorted, 90)), p99: r(percentile(sorted, 99)), max: r(sorted[sorted.length - 1] ?? null) };
}

export function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

export function numberList(name: string, fallback: number[]): number[] {
  const raw = arg(name);
  if (raw === undefined) return fallback;
  const list = raw.split(',').map((s) => Number(s.replace(/_/g, '')));
  if (list.some((n) => !Number.isFinite(n) || n <= 0)) throw new Error(`--${name} must be a comma-separated list of positive numbers, got "${raw}"`);
  return list;
}

/** CPU seconds (user + system) a process has used so far, from /proc; undefined where that is unavailable. */
export function processCpuSeconds(pid: number): number | undefined {
  try {
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}
