import type { MapState, MapSummary, TableMap } from '../api';
import { catalogEdges, layout, type GraphEdge } from '../graphLayout';
import { useLoad } from '../hooks';
import { Link, navigate } from '../router';
import { useSession } from '../session';
import { StateBadge } from './StateBadge';

const NODE_W = 190;
const NODE_H = 46;
const GAP_X = 70;
const GAP_Y = 22;

const HIGHLIGHT: Partial<Record<MapState, string>> = { Paused: 'warn', Failed: 'bad', Unknown: 'bad' };

/** One entry per map needed, with how: `payment-terms (dependsOn, lookup PaymentTermId)`. */
function needsText(out: readonly GraphEdge[]): string {
  const byTarget = new Map<string, string[]>();
  for (const e of out) byTarget.set(e.to, [...(byTarget.get(e.to) ?? []), e.kind === 'lookup' ? `lookup ${e.column ?? ''}`.trim() : 'dependsOn']);
  return [...byTarget].map(([to, how]) => `${to} (${how.join(', ')})`).join('; ');
}

export function GraphPage() {
  const { api } = useSession();
  const bundle = useLoad(() => api<{ maps: { map: TableMap }[] }>('GET', '/bundles/export'), 'bundle');
  const live = useLoad(() => api<{ items: MapSummary[] }>('GET', '/maps'), 'graph-live', 5000);
  if (bundle.error) return <p role="alert" className="error">{bundle.error}</p>;
  if (!bundle.data) return <p role="status">Loading the catalog…</p>;

  const maps = bundle.data.maps.map((m) => m.map);
  const edges = catalogEdges(maps);
  const nodes = layout(maps.map((m) => m.name), edges);
  const at = new Map(nodes.map((n) => [n.name, { x: n.layer * (NODE_W + GAP_X) + 10, y: n.row * (NODE_H + GAP_Y) + 10 }]));
  const state = new Map((live.data?.items ?? []).map((m) => [m.name, m.live.state]));
  const width = (Math.max(0, ...nodes.map((n) => n.layer)) + 1) * (NODE_W + GAP_X) + 20;
  const height = (Math.max(0, ...nodes.map((n) => n.row)) + 1) * (NODE_H + GAP_Y) + 20;

  return (
    <section aria-labelledby="graph-title">
      <h1 id="graph-title">Dependencies</h1>
      <p className="hint">
        Each map needs the maps to its left: solid arrows are <code>dependsOn</code>, dashed ones lookups. Paused and failed maps are highlighted.
      </p>
      <ul className="legend" aria-label="Legend">
        <li><span className="swatch warn" /> paused</li>
        <li><span className="swatch bad" /> failed or unknown</li>
      </ul>
      <div className="graph-scroll">
        <svg viewBox={`0 0 ${width} ${height}`} width={width} height={height} role="img" aria-labelledby="graph-title graph-desc">
          <desc id="graph-desc">The same dependencies are listed as text below the graph.</desc>
          <defs>
            <marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
              <path d="M0,0 L10,5 L0,10 z" className="arrowhead" />
            </marker>
          </defs>
          {edges.map((e, i) => {
            const from = at.get(e.from);
            const to = at.get(e.to);
            if (!from || !to) return null;
            if (e.from === e.to) {
              const x = from.x + NODE_W - 30;
              return <path key={i} className="edge lookup" d={`M${x},${from.y} c 10,-18 30,-18 24,0`} markerEnd="url(#arrow)" />;
            }
            const x1 = from.x;
            const y1 = from.y + NODE_H / 2;
            const x2 = to.x + NODE_W;
            const y2 = to.y + NODE_H / 2;
            const mid = (x1 + x2) / 2;
            return <path key={i} className={`edge ${e.kind}`} d={`M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}`} markerEnd="url(#arrow)" />;
          })}
          {nodes.map((n) => {
            const p = at.get(n.name)!;
            const s = state.get(n.name);
            const tone = s ? (HIGHLIGHT[s] ?? '') : '';
            return (
              <g key={n.name} className={`node ${tone}`} transform={`translate(${p.x},${p.y})`} data-map={n.name} onClick={() => navigate(`/maps/${n.name}`)}>
                <rect width={NODE_W} height={NODE_H} rx="6" />
                <text x="10" y="19" className="node-name">{n.name}</text>
                <text x="10" y="36" className="node-state">{s ?? '…'}</text>
              </g>
            );
          })}
        </svg>
      </div>
      <h2>As a list</h2>
      <ul className="deps-list">
        {nodes.map((n) => {
          const out = edges.filter((e) => e.from === n.name);
          const s = state.get(n.name);
          return (
            <li key={n.name}>
              <Link href={`/maps/${n.name}`}>{n.name}</Link> {s && <StateBadge state={s} />}
              {out.length > 0 ? ` needs ${needsText(out)}` : ' needs no other map'}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
