import { useEffect, useMemo, useState } from 'react';
import type { ColumnMapping, MapDetail, MapProblem, TableMap } from '../api';
import { describeFailure, useDebounced, useLoad } from '../hooks';
import { listText, parseList, parseScalar, parseValueMap, scalarText, valueMapText } from '../mapText';
import { Link } from '../router';
import { useSession } from '../session';
import { PreviewPanel } from './PreviewPanel';

interface Version {
  version: string;
  publishedBy?: string;
  publishedAt: string;
}

const DIRECTIONS: { value: ColumnMapping['direction']; label: string }[] = [
  { value: '<->', label: '<-> both ways' },
  { value: '->', label: '-> F&O to Dataverse' },
  { value: '<-', label: '<- Dataverse to F&O' },
];

/** Text a user is typing, kept as typed; the parsed value goes to the draft on every change. */
function TextField(props: { id: string; label: string; value: string; onChange: (text: string) => void; multiline?: boolean; invalid?: boolean; describedBy?: string; placeholder?: string; wide?: boolean }) {
  const { id, label, value, onChange, multiline, invalid, describedBy, placeholder, wide } = props;
  const [text, setText] = useState(value);
  const [focused, setFocused] = useState(false);
  // Outside changes (JSON edit, reload) show up unless the user is typing in this very field.
  useEffect(() => {
    if (!focused) setText(value);
  }, [value, focused]);
  const common = {
    id,
    value: text,
    'aria-invalid': invalid || undefined,
    'aria-describedby': describedBy,
    placeholder,
    onFocus: () => setFocused(true),
    onBlur: () => setFocused(false),
  };
  return (
    <div className={wide ? 'field wide' : 'field'}>
      <label htmlFor={id}>{label}</label>
      {multiline ? (
        <textarea {...common} rows={Math.max(2, text.split('\n').length)} onChange={(e) => { setText(e.target.value); onChange(e.target.value); }} />
      ) : (
        <input {...common} type="text" spellCheck={false} onChange={(e) => { setText(e.target.value); onChange(e.target.value); }} />
      )}
    </div>
  );
}

function withoutEmpty<T extends object>(object: T): T {
  return Object.fromEntries(Object.entries(object).filter(([, v]) => v !== undefined && v !== '')) as T;
}

function ColumnEditor({ column, index, problems, onChange, onRemove, canRemove }: { column: ColumnMapping; index: number; problems: MapProblem[]; onChange: (c: ColumnMapping) => void; onRemove: () => void; canRemove: boolean }) {
  const id = (field: string) => `col-${index}-${field}`;
  const [valueMapProblems, setValueMapProblems] = useState<string[]>([]);
  const set = (patch: Partial<ColumnMapping>) => onChange(withoutEmpty({ ...column, ...patch }));
  const errorsId = problems.length || valueMapProblems.length ? id('errors') : undefined;
  const title = `${column.finops ?? '—'} ${column.direction} ${column.dataverse ?? '—'}`;
  return (
    <fieldset className={`column${problems.length ? ' invalid' : ''}`} data-column={index}>
      <legend>
        Column {index + 1}: {title}
      </legend>
      <div className="grid">
        <TextField id={id('finops')} label="F&O column" value={column.finops ?? ''} onChange={(t) => set({ finops: t.trim() || undefined })} describedBy={errorsId} />
        <div className="field">
          <label htmlFor={id('direction')}>Direction</label>
          <select id={id('direction')} value={column.direction} onChange={(e) => set({ direction: e.target.value as ColumnMapping['direction'] })}>
            {DIRECTIONS.map((d) => (
              <option key={d.value} value={d.value}>
                {d.label}
              </option>
            ))}
          </select>
        </div>
        <TextField id={id('dataverse')} label="Dataverse column" value={column.dataverse ?? ''} onChange={(t) => set({ dataverse: t.trim() || undefined })} describedBy={errorsId} />
        <TextField id={id('default')} label="Default" value={scalarText(column.default)} onChange={(t) => set({ default: t.trim() === '' ? undefined : parseScalar(t) })} placeholder="none" />
        <TextField id={id('to-dataverse')} label="Expression to Dataverse" value={column.toDataverse ?? ''} onChange={(t) => set({ toDataverse: t.trim() || undefined })} placeholder="e.g. upper(trim(Name))" />
        <TextField id={id('to-finops')} label="Expression to F&O" value={column.toFinops ?? ''} onChange={(t) => set({ toFinops: t.trim() || undefined })} placeholder="e.g. truncate(name, 60)" />
        <TextField
          id={id('value-map')}
          label="Value map (F&O = Dataverse, one a line)"
          multiline
          wide
          value={valueMapText(column.valueMap)}
          invalid={valueMapProblems.length > 0}
          describedBy={errorsId}
          onChange={(t) => {
            const parsed = parseValueMap(t);
            setValueMapProblems(parsed.problems);
            set({ valueMap: parsed.valueMap });
          }}
        />
        {column.lookup && (
          <p className="hint">
            Lookup to map{' '}
            {[column.lookup.map].flat().map((name, i) => (
              <span key={name}>
                {i > 0 ? ' or ' : ''}
                <Link href={`/maps/${name}`}>{name}</Link>
              </span>
            ))}
            {column.lookup.key ? ` by ${column.lookup.key}` : ''} (edit it in the JSON below).
          </p>
        )}
      </div>
      {errorsId && (
        <ul id={errorsId} className="problems">
          {valueMapProblems.map((p) => (
            <li key={p}>{p}</li>
          ))}
          {problems.map((p) => (
            <li key={`${p.path}${p.message}`}>
              <code>{p.path}</code>: {p.message}
              {p.hint ? ` (${p.hint})` : ''}
            </li>
          ))}
        </ul>
      )}
      {canRemove && (
        <button type="button" className="link danger" onClick={onRemove}>
          Remove column {index + 1}
        </button>
      )}
    </fieldset>
  );
}

function SideEditor({ side, draft, onChange }: { side: 'finops' | 'dataverse'; draft: TableMap; onChange: (m: TableMap) => void }) {
  const value = draft[side];
  const label = side === 'finops' ? 'F&O' : 'Dataverse';
  const set = (patch: Record<string, unknown>) => onChange({ ...draft, [side]: withoutEmpty({ ...value, ...patch }) } as TableMap);
  return (
    <fieldset className="side">
      <legend>{label}</legend>
      <TextField id={`${side}-entity-set`} label="Entity set" value={value.entitySet} onChange={(t) => set({ entitySet: t.trim() })} />
      <TextField id={`${side}-key`} label="Key columns (comma-separated)" value={listText(value.key)} onChange={(t) => set({ key: parseList(t) })} />
      <TextField id={`${side}-filter`} label={`${label} filter (OData $filter)`} value={value.filter ?? ''} onChange={(t) => set({ filter: t.trim() || undefined })} placeholder="e.g. PartyType eq 'Organization'" />
    </fieldset>
  );
}

function JsonEditor({ draft, onChange }: { draft: TableMap; onChange: (m: TableMap) => void }) {
  const text = useMemo(() => JSON.stringify(draft, null, 2), [draft]);
  const [problem, setProblem] = useState<string>();
  return (
    <details className="json">
      <summary>Definition as JSON</summary>
      <TextField
        id="map-json"
        label="The whole map (maps/schema.json)"
        multiline
        value={text}
        invalid={problem !== undefined}
        describedBy={problem ? 'map-json-problem' : undefined}
        onChange={(t) => {
          try {
            onChange(JSON.parse(t) as TableMap);
            setProblem(undefined);
          } catch (err) {
            setProblem(`not JSON yet: ${(err as Error).message}`);
          }
        }}
      />
      {problem && (
        <p id="map-json-problem" className="error">
          {problem}
        </p>
      )}
    </details>
  );
}

export function MapEditorPage({ name }: { name: string }) {
  const { api, may } = useSession();
  const loaded = useLoad(() => api<MapDetail>('GET', `/maps/${name}`), name);
  const versions = useLoad(() => api<{ items: Version[] }>('GET', `/maps/${name}/versions`), `${name}-versions`);
  const [draft, setDraft] = useState<TableMap>();
  const [saved, setSaved] = useState<{ text: string; failed: boolean }>();
  const [bump, setBump] = useState<'patch' | 'minor' | 'major'>('patch');
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    if (loaded.data) setDraft(loaded.data.definition);
  }, [loaded.data]);

  const settled = useDebounced(draft, 350);
  const [problems, setProblems] = useState<MapProblem[]>([]);
  const [checking, setChecking] = useState(false);
  useEffect(() => {
    if (!settled) return;
    let current = true;
    setChecking(true);
    api<{ valid: boolean; errors: MapProblem[] }>('POST', '/maps/validate', settled)
      .then((r) => current && setProblems(r.errors))
      .catch((err: unknown) => current && setProblems([{ path: '$', code: 'request', message: describeFailure(err), expected: '' }]))
      .finally(() => current && setChecking(false));
    return () => {
      current = false;
    };
  }, [settled, api]);

  if (loaded.error) return <p role="alert" className="error">{loaded.error}</p>;
  if (!draft || !loaded.data) return <p role="status">Loading {name}…</p>;

  const current = loaded.data;
  const dirty = JSON.stringify(draft) !== JSON.stringify(current.definition);
  const columnProblems = (i: number) => problems.filter((p) => p.path === `$.columns[${i}]` || p.path.startsWith(`$.columns[${i}].`));
  const otherProblems = problems.filter((p) => !/^\$\.columns\[\d+\]/.test(p.path));
  const setColumn = (i: number, c: ColumnMapping) => setDraft({ ...draft, columns: draft.columns.map((old, j) => (j === i ? c : old)) });

  const save = () => {
    setSaving(true);
    api<{ version: string; publishedBy?: string }>('PUT', `/maps/${name}?bump=${bump}`, { ...draft, version: current.version })
      .then((r) => {
        setSaved({ text: `Published ${name} ${r.version}${r.publishedBy ? ` by ${r.publishedBy}` : ''}.`, failed: false });
        loaded.reload();
        versions.reload();
      })
      .catch((err: unknown) => setSaved({ text: `Not saved: ${describeFailure(err)}`, failed: true }))
      .finally(() => setSaving(false));
  };

  return (
    <section aria-labelledby="editor-title" className="editor">
      <p>
        <Link href="/maps">← All maps</Link>
      </p>
      <h1 id="editor-title">
        {name} <span className="hint">v{current.version}</span>
      </h1>
      {current.description && <p>{current.description}</p>}
      <div className="editor-layout">
        <form className="editor-form" onSubmit={(e) => { e.preventDefault(); save(); }} aria-describedby="validation">
          <div id="validation" role="status" aria-live="polite" className={problems.length ? 'error' : 'notice'}>
            {checking ? 'Checking…' : problems.length ? `${problems.length} problem(s) in the definition` : 'The definition is valid.'}
          </div>
          {otherProblems.length > 0 && (
            <ul className="problems">
              {otherProblems.map((p) => (
                <li key={`${p.path}${p.message}`}>
                  <code>{p.path}</code>: {p.message}
                  {p.expected ? ` (expected ${p.expected})` : ''}
                  {p.hint ? `. ${p.hint}` : ''}
                </li>
              ))}
            </ul>
          )}
          <div className="sides">
            <SideEditor side="finops" draft={draft} onChange={setDraft} />
            <SideEditor side="dataverse" draft={draft} onChange={setDraft} />
          </div>
          <h2>Columns</h2>
          {draft.columns.map((c, i) => (
            <ColumnEditor key={i} column={c} index={i} problems={columnProblems(i)} canRemove={draft.columns.length > 1} onChange={(next) => setColumn(i, next)} onRemove={() => setDraft({ ...draft, columns: draft.columns.filter((_, j) => j !== i) })} />
          ))}
          <button type="button" onClick={() => setDraft({ ...draft, columns: [...draft.columns, { direction: '<->' }] })}>
            Add a column
          </button>
          <JsonEditor draft={draft} onChange={setDraft} />
          {may('admin') ? (
            <div className="save">
              <label htmlFor="bump">New version</label>
              <select id="bump" value={bump} onChange={(e) => setBump(e.target.value as typeof bump)}>
                <option value="patch">patch</option>
                <option value="minor">minor</option>
                <option value="major">major</option>
              </select>
              <button type="submit" disabled={!dirty || saving || problems.length > 0}>
                {saving ? 'Publishing…' : 'Publish'}
              </button>
              <button type="button" className="link" disabled={!dirty} onClick={() => setDraft(current.definition)}>
                Discard edits
              </button>
            </div>
          ) : (
            <p className="hint">Publishing needs the admin role; you can still preview edits.</p>
          )}
          <p role="status" aria-live="polite" className={saved?.failed ? 'error' : 'notice'}>
            {saved?.text}
          </p>
        </form>
        <PreviewPanel name={name} draft={settled ?? draft} />
      </div>
      <h2>Versions</h2>
      {versions.data && versions.data.items.length > 0 ? (
        <ul className="versions">
          {versions.data.items.map((v) => (
            <li key={v.version}>
              {v.version} by {v.publishedBy ?? 'unknown'} at <time dateTime={v.publishedAt}>{new Date(v.publishedAt).toLocaleString()}</time>
            </li>
          ))}
        </ul>
      ) : (
        <p className="hint">Only the file version so far ({current.source}).</p>
      )}
    </section>
  );
}
