import { useState, type FormEvent } from 'react';
import { query, type ActivityEntry, type Page } from '../api';
import { describeFailure, useLoad } from '../hooks';
import { useSession } from '../session';

const TYPES = ['state-change', 'command', 'config', 'initial-sync', 'batch', 'reconciliation', 'alert', 'error'];
const LEVELS = ['info', 'warn', 'error'];

interface Filter {
  map: string;
  type: string;
  level: string;
  since: string;
}
const EMPTY: Filter = { map: '', type: '', level: '', since: '' };

export function LogsPage() {
  const { api } = useSession();
  const [form, setForm] = useState<Filter>(EMPTY);
  const [filter, setFilter] = useState<Filter>(EMPTY);
  const [older, setOlder] = useState<ActivityEntry[]>([]);
  const [cursor, setCursor] = useState<string>();
  const [moreError, setMoreError] = useState<string>();
  const path = (extra: Record<string, string | undefined>) => `/logs${query({ ...filter, limit: '100', ...extra })}`;
  const page = useLoad(
    async () => {
      const first = await api<Page<ActivityEntry>>('GET', path({}));
      setOlder([]);
      setCursor(first.nextCursor);
      return first;
    },
    JSON.stringify(filter),
  );
  const set = (patch: Partial<Filter>) => setForm({ ...form, ...patch });
  const apply = (e: FormEvent) => {
    e.preventDefault();
    setFilter(form);
  };
  const loadMore = () => {
    api<Page<ActivityEntry>>('GET', path({ cursor }))
      .then((p) => {
        setOlder([...older, ...p.items]);
        setCursor(p.nextCursor);
      })
      .catch((err: unknown) => setMoreError(describeFailure(err)));
  };
  const entries = [...(page.data?.items ?? []), ...older];
  return (
    <section aria-labelledby="logs-title">
      <h1 id="logs-title">Activity</h1>
      <form className="filters" onSubmit={apply} aria-label="Filter the activity log">
        <div className="field">
          <label htmlFor="l-map">Map</label>
          <input id="l-map" value={form.map} onChange={(e) => set({ map: e.target.value })} placeholder="all maps" />
        </div>
        <div className="field">
          <label htmlFor="l-type">Type</label>
          <select id="l-type" value={form.type} onChange={(e) => set({ type: e.target.value })}>
            <option value="">all types</option>
            {TYPES.map((t) => <option key={t} value={t}>{t}</option>)}
          </select>
        </div>
        <div className="field">
          <label htmlFor="l-level">Level</label>
          <select id="l-level" value={form.level} onChange={(e) => set({ level: e.target.value })}>
            <option value="">all levels</option>
            {LEVELS.map((l) => <option key={l} value={l}>{l}</option>)}
          </select>
        </div>
        <div className="field">
          <label htmlFor="l-since">Since</label>
          <input id="l-since" value={form.since} onChange={(e) => set({ since: e.target.value })} placeholder="2h, 7d or an ISO time" />
        </div>
        <button type="submit">Apply filter</button>
        <button type="button" className="link" onClick={page.reload}>Refresh</button>
      </form>
      {page.error && <p role="alert" className="error">{page.error}</p>}
      <ol className="log" aria-label="Activity, newest first">
        {entries.map((e) => (
          <li key={e.id} className={`level-${e.level}`}>
            <time dateTime={e.at}>{new Date(e.at).toLocaleString()}</time>
            <span className="badge">{e.type}</span>
            {e.level !== 'info' && <span className={`badge ${e.level === 'error' ? 'bad' : 'warn'}`}>{e.level}</span>}
            {e.map && <span className="log-map">{e.map}</span>}
            <span className="log-message">{e.message}</span>
            {e.actor && <span className="hint"> by {e.actor}</span>}
          </li>
        ))}
      </ol>
      {page.data && entries.length === 0 && <p className="hint">Nothing logged for this filter.</p>}
      {moreError && <p role="alert" className="error">{moreError}</p>}
      {cursor && <button type="button" onClick={loadMore}>Load older entries</button>}
    </section>
  );
}
