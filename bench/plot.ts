import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import { RESULTS_DIR } from './support/report';
import { lineChart, type Series } from './support/svg-chart';

/**
 * Draws bench/results/*.json as PNG: latency distributions (live sync and write-through, as
 * cumulative curves) and initial-sync throughput against size. SVG drawn here, rasterised by
 * resvg (prebuilt binary, no browser, no native canvas build).
 *
 *   npx tsx bench/plot.ts
 */
function read<T>(name: string): T | undefined {
  const file = join(RESULTS_DIR, `${name}.json`);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as T) : undefined;
}

function png(name: string, svg: string): void {
  writeFileSync(join(RESULTS_DIR, `${name}.svg`), svg);
  writeFileSync(join(RESULTS_DIR, `${name}.png`), new Resvg(svg, { font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' } }).render().asPng());
  process.stderr.write(`wrote bench/results/${name}.png\n`);
}

/** Cumulative distribution: x = latency, y = share of changes at or under it (%). */
function cdf(samples: readonly number[]): [number, number][] {
  const sorted = [...samples].sort((a, b) => a - b);
  const step = Math.max(1, Math.floor(sorted.length / 200));
  const out: [number, number][] = [];
  for (let i = 0; i < sorted.length; i += step) out.push([Math.max(1, sorted[i]!), ((i + 1) / sorted.length) * 100]);
  if (sorted.length > 0) out.push([Math.max(1, sorted[sorted.length - 1]!), 100]);
  return out;
}

function main(): void {
  const live = read<{ scenarios: { capture: string; source: string; rate: number; samples: number[] }[] }>('live-latency');
  const wt = read<{ phases: { mode: string; rate: number; samples: number[] }[] }>('write-through');
  const latency: Series[] = [];
  for (const s of live?.scenarios ?? []) latency.push({ label: `${s.capture} ${s.source === 'finops' ? 'F&O→DV' : 'DV→F&O'} ${s.rate}/s`, points: cdf(s.samples) });
  for (const p of wt?.phases ?? []) latency.push({ label: `write-through ${p.mode} ${p.rate}/s`, points: cdf(p.samples) });
  if (latency.length > 0) png('latency', lineChart(latency, { title: 'Latency distribution (cumulative)', xLabel: 'latency, ms (log)', yLabel: '% of changes at or under', logX: true, height: Math.max(520, 80 + latency.length * 20) }));

  const initial = read<{ rows: { master: string; size: number; variant: string; rowsPerSecond: number }[] }>('initial-sync');
  if (initial) {
    const bySeries = new Map<string, [number, number][]>();
    for (const r of initial.rows) {
      const key = `${r.master === 'finops' ? 'F&O→DV' : 'DV→F&O'} ${r.variant}`;
      bySeries.set(key, [...(bySeries.get(key) ?? []), [r.size, r.rowsPerSecond]]);
    }
    const series = [...bySeries].map(([label, points]) => ({ label, points: points.sort((a, b) => a[0] - b[0]) }));
    png('initial-sync-throughput', lineChart(series, { title: 'Initial sync throughput against size', xLabel: 'customers in the source (log)', yLabel: 'rows/s', logX: true }));
  }
}

main();
