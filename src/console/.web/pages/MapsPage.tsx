import { useState } from 'react';
import { RESUME_MODES, type LiveStatus, type MapSummary } from '../api';
import { describeFailure, useLoad } from '../hooks';
import { Link } from '../router';
import { temporalUi, useSession } from '../session';
import { StateBadge } from './StateBadge';

const REFRESH_MS = 3000;
const NAMESPACE = 'default';

interface InitialSyncProgress {
  run: number;
  read: number;
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
  skipped: number;
  company: string | null;
  pass: number;
  done: boolean;
}

function formatLag(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return '—';
  if (seconds < 120) return `${Math.round(seconds)} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  return `${Math.round(seconds / 3600)} h`;
}

function workflowLink(live: LiveStatus): string {
  return `${temporalUi.get().replace(/\/$/, '')}/namespaces/${NAMESPACE}/workflows/${encodeURIComponent(live.workflowId)}`;
}

function InitialSyncBar({ name }: { name: string }) {
  const { api } = useSession();
  const progress = useLoad(() => api<InitialSyncProgress>('GET', `/maps/${name}/initial-sync`), name, REFRESH_MS);
  if (progress.error) return <span className="hint">{progress.error}</span>;
  const p = progress.data;
  if (!p) return null;
  const processed = p.created + p.updated + p.unchanged + p.failed + p.skipped;
  return (
    <div className="progress">
      <progress aria-label={`Initial sync of ${name}`} value={p.done ? 1 : processed} max={p.done ? 1 : Math.max(p.read, 1)} />
      <span>
        {p.done ? 'done: ' : ''}
        {processed} of {p.read} read{p.company ? ` (${p.company}, pass ${p.pass})` : ''}
        {p.failed ? `, ${p.failed} failed` : ''}
      </span>
    </div>
  );
}

function MapActions({ map, onDone }: { map: MapSummary; onDone: (message: string, failed?: boolean) => void }) {
  const { api, may } = useSession();
  const [mode, setMode] = useState<(typeof RESUME_MODES)[number]>('drain');
  const [master, setMaster] = useState<'' | 'finops' | 'dataverse'>('');
  const [busy, setBusy] = useState(false);
  if (!may('operator')) return <span className="hint">view only</span>;
  const state = map.live.state;
  const run = (what: string, path: string, body: unknown) => {
    setBusy(true);
    api('POST', `/maps/${map.name}/${path}`, body)
      .then(() => onDone(`${what} sent to ${map.name}`))
      .catch((err: unknown) => onDone(`${what} ${map.name}: ${describeFailure(err)}`, true))
      .finally(() => setBusy(false));
  };
  const running = state !== 'NotRunning' && state !== 'Stopped' && state !== 'Failed' && state !== 'Unknown';
  return (
    <div className="actions">
      {!running && (
        <>
          <label className="inline">
            <span className="sr-only">Initial sync for {map.name}</span>
            <select value={master} onChange={(e) => setMaster(e.target.value as typeof master)} disabled={busy}>
              <option value="">no initial sync</option>
              <option value="finops">initial sync from F&amp;O</option>
              <option value="dataverse">initial sync from Dataverse</option>
            </select>
          </label>
          <button type="button" disabled={busy} onClick={() => run('Enable', 'enable', master ? { initialSync: { master } } : {})} aria-label={`Enable ${map.name}`}>
            Enable
          </button>
        </>
      )}
      {running && state !== 'Paused' && (
        <button type="button" disabled={busy} onClick={() => run('Pause', 'pause', { reason: 'paused from the console' })} aria-label={`Pause ${map.name}`}>
          Pause
        </button>
      )}
      {state === 'Paused' && (
        <>
          <label className="inline">
            <span className="sr-only">Resume mode for {map.name}</span>
            <select value={mode} onChange={(e) => setMode(e.target.value as typeof mode)} disabled={busy}>
              <option value="drain">drain: apply what queued</option>
              <option value="park">park: queue to the error list</option>
              <option value="discard">discard what queued</option>
            </select>
          </label>
          <button type="button" disabled={busy} onClick={() => run('Resume', 'resume', { mode })} aria-label={`Resume ${map.name}`}>
            Resume
          </button>
        </>
      )}
      {running && (
        <button type="button" className="danger" disabled={busy} onClick={() => window.confirm(`Stop ${map.name}? Changes stop syncing until it is enabled again.`) && run('Stop', 'stop', { reason: 'stopped from the console' })} aria-label={`Stop ${map.name}`}>
          Stop
        </button>
      )}
    </div>
  );
}

export function MapsPage() {
  const { api } = useSession();
  const maps = useLoad(() => api<{ items: MapSummary[] }>('GET', '/maps'), 'maps', REFRESH_MS);
  const [notice, setNotice] = useState<{ text: string; failed: boolean }>();
  const onDone = (text: string, failed = false) => {
    setNotice({ text, failed });
    maps.reload();
  };
  return (
    <section aria-labelledby="maps-title">
      <h1 id="maps-title">Maps</h1>
      <p className="hint">Live state of every map&apos;s workflow, refreshed every {REFRESH_MS / 1000} s.</p>
      <p role="status" aria-live="polite" className={notice?.failed ? 'error' : 'notice'}>
        {notice?.text}
      </p>
      {maps.error && <p role="alert" className="error">{maps.error}</p>}
      {maps.data && (
        <div className="table-scroll">
          <table className="maps">
            <caption className="sr-only">Maps and their live state</caption>
            <thead>
              <tr>
                <th scope="col">Map</th>
                <th scope="col">State</th>
                <th scope="col">Backlog</th>
                <th scope="col">Lag</th>
                <th scope="col">Applied / unchanged / failed</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {maps.data.items.map((m) => {
                const status = m.live.status;
                const counts = status?.counts;
                return (
                  <tr key={m.name} data-map={m.name}>
                    <th scope="row">
                      <Link href={`/maps/${m.name}`}>{m.name}</Link>
                      <div className="hint">
                        v{m.version} · {m.scope}
                        {m.publishedBy ? ` · by ${m.publishedBy}` : ''}
                      </div>
                    </th>
                    <td>
                      <StateBadge state={m.live.state} />
                      {status?.pausedBy && <div className="hint">by {status.pausedBy}</div>}
                      {m.live.statusError && <div className="hint">{m.live.statusError}</div>}
                      {m.live.state === 'InitialSync' && <InitialSyncBar name={m.name} />}
                      {m.live.state !== 'NotRunning' && (
                        <div>
                          <a href={workflowLink(m.live)} target="_blank" rel="noreferrer">
                            workflow<span className="sr-only"> of {m.name} in the Temporal UI (new tab)</span>
                          </a>
                        </div>
                      )}
                    </td>
                    <td className="num" data-label="Backlog">{status?.backlog ?? '—'}</td>
                    <td className="num" data-label="Lag">{formatLag(status?.lagSeconds)}</td>
                    <td className="num" data-label="Applied / unchanged / failed">{counts ? `${counts.applied ?? 0} / ${counts.unchanged ?? 0} / ${counts.failed ?? 0}` : '—'}</td>
                    <td>
                      <MapActions map={m} onDone={onDone} />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <TemporalUiSetting />
    </section>
  );
}

function TemporalUiSetting() {
  const [url, setUrl] = useState(temporalUi.get());
  return (
    <details className="setting">
      <summary>Temporal UI address</summary>
      <label htmlFor="temporal-ui">Workflow links open in</label>
      <input id="temporal-ui" type="url" value={url} onChange={(e) => setUrl(e.target.value)} onBlur={() => temporalUi.set(url)} />
    </details>
  );
}
