/**
 * A minimal line chart as SVG: enough for the benchmark plots (several series, linear or log
 * axes, a legend), without a browser or a native canvas. Rendered to PNG with resvg.
 */
export interface Series {
  label: string;
  points: [number, number][];
}

export interface ChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  logX?: boolean;
  logY?: boolean;
  width?: number;
  height?: number;
}

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#7f7f7f', '#bcbd22', '#393b79', '#637939'];

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function ticks(min: number, max: number, log: boolean): number[] {
  if (log) {
    const out: number[] = [];
    for (let e = Math.floor(Math.log10(min)); e <= Math.ceil(Math.log10(max)); e++) out.push(10 ** e);
    return out;
  }
  const span = max - min || 1;
  const step = 10 ** Math.floor(Math.log10(span / 5));
  const nice = [1, 2, 5, 10].map((m) => m * step).find((s) => span / s <= 8) ?? step * 10;
  const out: number[] = [];
  for (let v = Math.ceil(min / nice) * nice; v <= max + 1e-9; v += nice) out.push(Math.round(v * 1e6) / 1e6);
  return out;
}

const label = (v: number) => (v >= 1_000_000 ? `${v / 1_000_000}M` : v >= 1000 ? `${v / 1000}k` : String(v));

export function lineChart(series: readonly Series[], o: ChartOptions): string {
  const width = o.width ?? 900;
  const height = o.height ?? 520;
  const m = { left: 80, right: 260, top: 50, bottom: 60 };
  const all = series.flatMap((s) => s.points).filter(([x, y]) => (!o.logX || x > 0) && (!o.logY || y > 0));
  const xs = all.map((p) => p[0]);
  const ys = all.map((p) => p[1]);
  let [xMin, xMax] = [Math.min(...xs), Math.max(...xs)];
  let [yMin, yMax] = [o.logY ? Math.min(...ys) : 0, Math.max(...ys)];
  if (o.logX) [xMin, xMax] = [10 ** Math.floor(Math.log10(xMin)), 10 ** Math.ceil(Math.log10(xMax))];
  if (o.logY) [yMin, yMax] = [10 ** Math.floor(Math.log10(yMin)), 10 ** Math.ceil(Math.log10(yMax))];
  if (xMax === xMin) xMax = xMin + 1;
  if (yMax === yMin) yMax = yMin + 1;
  const f = (v: number, log?: boolean) => (log ? Math.log10(v) : v);
  const px = (x: number) => m.left + ((f(x, o.logX) - f(xMin, o.logX)) / (f(xMax, o.logX) - f(xMin, o.logX))) * (width - m.left - m.right);
  const py = (y: number) => height - m.bottom - ((f(y, o.logY) - f(yMin, o.logY)) / (f(yMax, o.logY) - f(yMin, o.logY))) * (height - m.top - m.bottom);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="DejaVu Sans, sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${width / 2 - m.right / 2 + m.left / 2}" y="28" text-anchor="middle" font-size="16">${esc(o.title)}</text>`,
  ];
  for (const t of ticks(xMin, xMax, !!o.logX)) {
    parts.push(`<line x1="${px(t)}" x2="${px(t)}" y1="${m.top}" y2="${height - m.bottom}" stroke="#e5e5e5"/>`, `<text x="${px(t)}" y="${height - m.bottom + 18}" text-anchor="middle">${label(t)}</text>`);
  }
  for (const t of ticks(yMin, yMax, !!o.logY)) {
    parts.push(`<line x1="${m.left}" x2="${width - m.right}" y1="${py(t)}" y2="${py(t)}" stroke="#e5e5e5"/>`, `<text x="${m.left - 8}" y="${py(t) + 4}" text-anchor="end">${label(t)}</text>`);
  }
  parts.push(
    `<rect x="${m.left}" y="${m.top}" width="${width - m.left - m.right}" height="${height - m.top - m.bottom}" fill="none" stroke="#333"/>`,
    `<text x="${(m.left + width - m.right) / 2}" y="${height - 18}" text-anchor="middle">${esc(o.xLabel)}</text>`,
    `<text transform="translate(20 ${(m.top + height - m.bottom) / 2}) rotate(-90)" text-anchor="middle">${esc(o.yLabel)}</text>`,
  );
  series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length]!;
    const pts = s.points.filter(([x, y]) => (!o.logX || x > 0) && (!o.logY || y > 0));
    if (pts.length > 1) parts.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${pts.map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(' ')}"/>`);
    if (pts.length <= 20) for (const [x, y] of pts) parts.push(`<circle cx="${px(x).toFixed(1)}" cy="${py(y).toFixed(1)}" r="3.5" fill="${color}"/>`);
    const ly = m.top + 10 + i * 20;
    parts.push(`<line x1="${width - m.right + 15}" x2="${width - m.right + 40}" y1="${ly}" y2="${ly}" stroke="${color}" stroke-width="3"/>`, `<text x="${width - m.right + 46}" y="${ly + 4}">${esc(s.label)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}
