import { useState, type FormEvent } from 'react';
import { ERROR_CLASSES, type AlertCondition, type AlertRule, type AlertState } from '../api';
import { describeFailure, useLoad } from '../hooks';
import { useSession } from '../session';

interface RuleForm {
  id?: string;
  name: string;
  map: string;
  kind: AlertCondition['kind'];
  threshold: string;
  windowMinutes: string;
  errorClass: string;
  action: AlertRule['action'];
  email: string;
  enabled: boolean;
}

const NEW_RULE: RuleForm = { name: '', map: '*', kind: 'errorCount', threshold: '10', windowMinutes: '15', errorClass: '', action: 'none', email: '', enabled: true };

export function describeCondition(c: AlertCondition): string {
  switch (c.kind) {
    case 'errorCount':
      return `${c.threshold}+ ${c.class ? [c.class].flat().join('/') + ' ' : ''}errors in ${Math.round(c.windowSeconds / 60)} min`;
    case 'backlog':
      return `backlog ≥ ${c.threshold}`;
    case 'lagSeconds':
      return `lag ≥ ${c.threshold} s`;
    case 'mapFailed':
      return 'the map failed';
  }
}

function toForm(rule: AlertRule): RuleForm {
  const c = rule.condition;
  return {
    id: rule.id,
    name: rule.name,
    map: rule.map ?? '*',
    kind: c.kind,
    threshold: 'threshold' in c ? String(c.threshold) : '',
    windowMinutes: c.kind === 'errorCount' ? String(c.windowSeconds / 60) : '15',
    errorClass: c.kind === 'errorCount' && c.class ? [c.class].flat()[0] ?? '' : '',
    action: rule.action,
    email: rule.notify?.email?.join(', ') ?? '',
    enabled: rule.enabled,
  };
}

function toCondition(f: RuleForm): AlertCondition {
  const threshold = Number(f.threshold);
  switch (f.kind) {
    case 'errorCount':
      return { kind: 'errorCount', threshold, windowSeconds: Number(f.windowMinutes) * 60, ...(f.errorClass ? { class: f.errorClass } : {}) };
    case 'backlog':
      return { kind: 'backlog', threshold };
    case 'lagSeconds':
      return { kind: 'lagSeconds', threshold };
    case 'mapFailed':
      return { kind: 'mapFailed' };
  }
}

function RuleEditor({ initial, onSaved, onCancel }: { initial: RuleForm; onSaved: (message: string) => void; onCancel: () => void }) {
  const { api } = useSession();
  const [f, setF] = useState(initial);
  const [error, setError] = useState<string>();
  const set = (patch: Partial<RuleForm>) => setF({ ...f, ...patch });
  const emails = f.email.split(',').map((s) => s.trim()).filter(Boolean);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const body = { name: f.name, map: f.map.trim() || '*', condition: toCondition(f), action: f.action, enabled: f.enabled, notify: emails.length ? { email: emails } : null };
    const request = f.id ? api('PATCH', `/alerts/rules/${encodeURIComponent(f.id)}`, body) : api('POST', '/alerts/rules', { ...body, notify: body.notify ?? undefined });
    request.then(() => onSaved(`Saved rule ${f.name}.`)).catch((err: unknown) => setError(describeFailure(err)));
  };
  return (
    <form className="rule-editor" onSubmit={submit} aria-labelledby="rule-editor-title">
      <h2 id="rule-editor-title">{f.id ? `Edit ${initial.name}` : 'New alert rule'}</h2>
      <div className="grid">
        <div className="field">
          <label htmlFor="r-name">Name</label>
          <input id="r-name" required value={f.name} onChange={(e) => set({ name: e.target.value })} />
        </div>
        <div className="field">
          <label htmlFor="r-map">Map (* for every map)</label>
          <input id="r-map" value={f.map} onChange={(e) => set({ map: e.target.value })} />
        </div>
        <div className="field">
          <label htmlFor="r-kind">Condition</label>
          <select id="r-kind" value={f.kind} onChange={(e) => set({ kind: e.target.value as RuleForm['kind'] })}>
            <option value="errorCount">errors in a window</option>
            <option value="backlog">backlog</option>
            <option value="lagSeconds">lag (seconds)</option>
            <option value="mapFailed">map failed</option>
          </select>
        </div>
        {f.kind !== 'mapFailed' && (
          <div className="field">
            <label htmlFor="r-threshold">Threshold</label>
            <input id="r-threshold" type="number" min="1" required value={f.threshold} onChange={(e) => set({ threshold: e.target.value })} />
          </div>
        )}
        {f.kind === 'errorCount' && (
          <>
            <div className="field">
              <label htmlFor="r-window">Window (minutes)</label>
              <input id="r-window" type="number" min="1" required value={f.windowMinutes} onChange={(e) => set({ windowMinutes: e.target.value })} />
            </div>
            <div className="field">
              <label htmlFor="r-class">Error class</label>
              <select id="r-class" value={f.errorClass} onChange={(e) => set({ errorClass: e.target.value })}>
                <option value="">any class</option>
                {ERROR_CLASSES.map((c) => <option key={c} value={c}>{c}</option>)}
              </select>
            </div>
          </>
        )}
        <div className="field">
          <label htmlFor="r-action">Action when firing</label>
          <select id="r-action" value={f.action} onChange={(e) => set({ action: e.target.value as RuleForm['action'] })}>
            <option value="none">notify only</option>
            <option value="pause">pause the map</option>
            <option value="stop">stop the map</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="r-email">E-mail (comma-separated)</label>
          <input id="r-email" value={f.email} onChange={(e) => set({ email: e.target.value })} />
        </div>
        <label className="check">
          <input type="checkbox" checked={f.enabled} onChange={(e) => set({ enabled: e.target.checked })} /> Enabled
        </label>
      </div>
      {error && <p role="alert" className="error">{error}</p>}
      <button type="submit">Save rule</button>
      <button type="button" className="link" onClick={onCancel}>Cancel</button>
    </form>
  );
}

export function AlertsPage() {
  const { api, may } = useSession();
  const rules = useLoad(() => api<{ items: AlertRule[] }>('GET', '/alerts/rules'), 'rules');
  const states = useLoad(() => api<{ items: AlertState[] }>('GET', '/alerts/states?firing=true'), 'states', 10_000);
  const [editing, setEditing] = useState<RuleForm>();
  const [notice, setNotice] = useState<{ text: string; failed: boolean }>();
  const firing = states.data?.items ?? [];
  const remove = (rule: AlertRule) => {
    if (!window.confirm(`Delete the alert rule ${rule.name}?`)) return;
    api('DELETE', `/alerts/rules/${encodeURIComponent(rule.id)}`)
      .then(() => {
        setNotice({ text: `Deleted ${rule.name}.`, failed: false });
        rules.reload();
      })
      .catch((err: unknown) => setNotice({ text: describeFailure(err), failed: true }));
  };
  return (
    <section aria-labelledby="alerts-title">
      <h1 id="alerts-title">Alerts</h1>
      <h2>Firing now</h2>
      {firing.length === 0 ? (
        <p className="hint">Nothing is firing.</p>
      ) : (
        <ul className="firing">
          {firing.map((s) => (
            <li key={`${s.ruleId}-${s.subject}`}>
              <span className="badge bad">firing</span> {s.subject}: {s.message ?? s.ruleId}
              {s.firingSince && <> since <time dateTime={s.firingSince}>{new Date(s.firingSince).toLocaleString()}</time></>}
            </li>
          ))}
        </ul>
      )}
      <h2>Rules</h2>
      <p role="status" aria-live="polite" className={notice?.failed ? 'error' : 'notice'}>{notice?.text}</p>
      {rules.error && <p role="alert" className="error">{rules.error}</p>}
      <div className="table-scroll">
        <table>
          <thead>
            <tr>
              <th scope="col">Rule</th>
              <th scope="col">Map</th>
              <th scope="col">Condition</th>
              <th scope="col">Action</th>
              <th scope="col">Enabled</th>
              {may('admin') && <th scope="col">Change</th>}
            </tr>
          </thead>
          <tbody>
            {rules.data?.items.map((r) => (
              <tr key={r.id}>
                <th scope="row">{r.name}</th>
                <td>{r.map ?? 'every map'}</td>
                <td>{describeCondition(r.condition)}</td>
                <td>{r.action}</td>
                <td>{r.enabled ? 'yes' : 'no'}</td>
                {may('admin') && (
                  <td>
                    <button type="button" className="link" onClick={() => setEditing(toForm(r))} aria-label={`Edit ${r.name}`}>Edit</button>{' '}
                    <button type="button" className="link danger" onClick={() => remove(r)} aria-label={`Delete ${r.name}`}>Delete</button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
        {rules.data?.items.length === 0 && <p className="hint">No rules yet.</p>}
      </div>
      {may('admin') && !editing && (
        <button type="button" onClick={() => setEditing(NEW_RULE)}>New rule</button>
      )}
      {editing && (
        <RuleEditor
          key={editing.id ?? 'new'}
          initial={editing}
          onCancel={() => setEditing(undefined)}
          onSaved={(text) => {
            setNotice({ text, failed: false });
            setEditing(undefined);
            rules.reload();
          }}
        />
      )}
    </section>
  );
}
