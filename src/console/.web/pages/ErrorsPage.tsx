import { useState, type FormEvent } from 'react';
import { ERROR_CLASSES, ERROR_STATUSES, query, type ErrorRecord, type MapSummary, type Page, type RetryResult } from '../api';
import { describeFailure, useLoad } from '../hooks';
import { useSession } from '../session';

interface Filter {
  map: string;
  class: string;
  status: string;
  since: string;
  text: string;
}

const EMPTY: Filter = { map: '', class: '', status: 'open', since: '', text: '' };

/** The filter as the retry/discard body takes it: lists as arrays, unset fields left out. */
function bodyFilter(f: Filter): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries({ map: f.map, class: f.class ? [f.class] : undefined, status: f.status ? [f.status] : undefined, since: f.since, text: f.text }).filter(([, v]) => v !== undefined && v !== ''),
  );
}

function ErrorDetail({ record, onClose }: { record: ErrorRecord; onClose: () => void }) {
  return (
    <section className="detail" aria-labelledby="error-detail-title">
      <h2 id="error-detail-title" tabIndex={-1} ref={(el) => el?.focus()}>
        Error {record.id}: {record.map}
      </h2>
      <dl>
        <dt>Record</dt>
        <dd>{record.recordKey}{record.recordId ? ` (${record.recordId})` : ''}</dd>
        <dt>Direction</dt>
        <dd>{record.direction}</dd>
        <dt>Class</dt>
        <dd>{record.class}{record.httpStatus ? `, HTTP ${record.httpStatus}` : ''}{record.code ? `, code ${record.code}` : ''}</dd>
        <dt>Message from the system</dt>
        <dd className="message">{record.message}</dd>
        <dt>Attempts</dt>
        <dd>{record.attempts}, first <time dateTime={record.firstSeenAt}>{new Date(record.firstSeenAt).toLocaleString()}</time>, last <time dateTime={record.lastSeenAt}>{new Date(record.lastSeenAt).toLocaleString()}</time></dd>
        <dt>Status</dt>
        <dd>{record.status}</dd>
      </dl>
      <h3>Payload</h3>
      <pre tabIndex={0} aria-label="Payload">{JSON.stringify(record.payload, null, 2) ?? '(none)'}</pre>
      {record.change !== undefined && (
        <>
          <h3>Source change</h3>
          <pre tabIndex={0} aria-label="Source change">{JSON.stringify(record.change, null, 2)}</pre>
        </>
      )}
      <button type="button" onClick={onClose}>Close</button>
    </section>
  );
}

export function ErrorsPage() {
  const { api, may } = useSession();
  const [form, setForm] = useState<Filter>(EMPTY);
  const [filter, setFilter] = useState<Filter>(EMPTY);
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const [inspecting, setInspecting] = useState<ErrorRecord>();
  const [notice, setNotice] = useState<{ text: string; failed: boolean }>();
  const maps = useLoad(() => api<{ items: MapSummary[] }>('GET', '/maps'), 'error-maps');
  const list = useLoad(
    () => api<Page<ErrorRecord>>('GET', `/errors${query({ map: filter.map, class: filter.class, status: filter.status, since: filter.since, text: filter.text, limit: '200' })}`),
    JSON.stringify(filter),
    10_000,
  );
  const items = list.data?.items ?? [];
  const set = (patch: Partial<Filter>) => setForm({ ...form, ...patch });
  const apply = (e: FormEvent) => {
    e.preventDefault();
    setSelected(new Set());
    setFilter(form);
  };
  const act = (verb: 'retry' | 'discard', body: unknown, what: string) => {
    api<RetryResult & { discarded?: number }>('POST', `/errors/${verb}`, body)
      .then((r) => {
        const text = verb === 'retry' ? `Retried ${r.retried} (${r.requeued} queued again)${r.notRunning.length ? `; not running: ${r.notRunning.join(', ')}` : ''}.` : `Discarded ${r.discarded ?? 0}.`;
        setNotice({ text, failed: false });
        setSelected(new Set());
        list.reload();
      })
      .catch((err: unknown) => setNotice({ text: `${what}: ${describeFailure(err)}`, failed: true }));
  };
  const matchingBody = () => {
    const f = bodyFilter(filter);
    return { filter: f, ...(Object.keys(f).length === 0 ? { all: true } : {}) };
  };
  const toggle = (id: number) => {
    const next = new Set(selected);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setSelected(next);
  };
  const allSelected = items.length > 0 && items.every((r) => selected.has(r.id));

  return (
    <section aria-labelledby="errors-title">
      <h1 id="errors-title">Error queue</h1>
      <form className="filters" onSubmit={apply} aria-label="Filter errors">
        <div className="field">
          <label htmlFor="f-map">Map</label>
          <select id="f-map" value={form.map} onChange={(e) => set({ map: e.target.value })}>
            <option value="">all maps</option>
            {maps.data?.items.map((m) => <option key={m.name} value={m.name}>{m.name}</option>)}
          </select>
        </div>
        <div className="field">
          <label htmlFor="f-class">Class</label>
          <select id="f-class" value={form.class} onChange={(e) => set({ class: e.target.value })}>
            <option value="">all classes</option>
            {ERROR_CLASSES.map((c) => <option key={c} value={c}>{c}</option>)}
          </select>
        </div>
        <div className="field">
          <label htmlFor="f-status">Status</label>
          <select id="f-status" value={form.status} onChange={(e) => set({ status: e.target.value })}>
            <option value="">any status</option>
            {ERROR_STATUSES.map((s) => <option key={s} value={s}>{s}</option>)}
          </select>
        </div>
        <div className="field">
          <label htmlFor="f-since">Since</label>
          <input id="f-since" value={form.since} onChange={(e) => set({ since: e.target.value })} placeholder="2h, 7d or 2026-01-31T08:00Z" />
        </div>
        <div className="field">
          <label htmlFor="f-text">Text</label>
          <input id="f-text" type="search" value={form.text} onChange={(e) => set({ text: e.target.value })} placeholder="message, code or key" />
        </div>
        <button type="submit">Apply filter</button>
      </form>
      <p role="status" aria-live="polite" className={notice?.failed ? 'error' : 'notice'}>{notice?.text}</p>
      {list.error && <p role="alert" className="error">{list.error}</p>}
      {may('operator') && (
        <div className="actions bulk" role="group" aria-label="Act on errors">
          <button type="button" disabled={selected.size === 0} onClick={() => act('retry', { ids: [...selected] }, 'Retry')}>Retry selected ({selected.size})</button>
          <button type="button" disabled={selected.size === 0} className="danger" onClick={() => act('discard', { ids: [...selected] }, 'Discard')}>Discard selected</button>
          <button type="button" disabled={items.length === 0} onClick={() => window.confirm('Retry every error matching the filter?') && act('retry', matchingBody(), 'Retry all')}>Retry all matching</button>
          <button type="button" disabled={items.length === 0} className="danger" onClick={() => window.confirm('Discard every error matching the filter? They will not be synced.') && act('discard', matchingBody(), 'Discard all')}>Discard all matching</button>
        </div>
      )}
      <div className="table-scroll">
        <table className="errors">
          <caption className="sr-only">Errors matching the filter, newest first</caption>
          <thead>
            <tr>
              {may('operator') && (
                <th scope="col">
                  <input type="checkbox" aria-label="Select all shown errors" checked={allSelected} onChange={() => setSelected(allSelected ? new Set() : new Set(items.map((r) => r.id)))} />
                </th>
              )}
              <th scope="col">Map</th>
              <th scope="col">Record</th>
              <th scope="col">Class</th>
              <th scope="col">Message</th>
              <th scope="col">Last seen</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {items.map((r) => (
              <tr key={r.id} data-error={r.id}>
                {may('operator') && (
                  <td>
                    <input type="checkbox" aria-label={`Select error ${r.id}`} checked={selected.has(r.id)} onChange={() => toggle(r.id)} />
                  </td>
                )}
                <td>{r.map}<div className="hint">{r.direction}</div></td>
                <td>
                  <button type="button" className="link" onClick={() => setInspecting(r)} aria-label={`Inspect error ${r.id}`}>{r.recordKey}</button>
                </td>
                <td>{r.class}</td>
                <td className="message">{r.message}</td>
                <td><time dateTime={r.lastSeenAt}>{new Date(r.lastSeenAt).toLocaleString()}</time></td>
                <td>{r.status}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {list.data && items.length === 0 && <p className="hint">No errors match.</p>}
      </div>
      {inspecting && <ErrorDetail record={inspecting} onClose={() => setInspecting(undefined)} />}
    </section>
  );
}
