import { useEffect, useState } from 'react';
import type { PreviewResult, PreviewSide, TableMap } from '../api';
import { describeFailure } from '../hooks';
import { useSession } from '../session';

type Samples = Partial<Record<'finops' | 'dataverse', Record<string, unknown>[]>>;

const SIDE_LABEL = { finops: 'F&O', dataverse: 'Dataverse' } as const;

function show(value: unknown): string {
  return value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
}

function SideTable({ side }: { side: PreviewSide }) {
  const columns = [...new Set(side.rows.flatMap((r) => Object.keys(r.values)))];
  const title = `${SIDE_LABEL[side.source]} ${side.entitySet} → ${side.source === 'finops' ? 'Dataverse' : 'F&O'}`;
  return (
    <div className="preview-side" data-direction={side.direction}>
      <h3>{title}</h3>
      {side.readError && <p className="error">{side.readError}</p>}
      {side.rows.length === 0 && !side.readError && <p className="hint">No rows to preview.</p>}
      {side.rows.length > 0 && (
        <div className="table-scroll" tabIndex={0} aria-label={`${title}: transformed sample rows`}>
          <table>
            <thead>
              <tr>
                <th scope="col">Key</th>
                {columns.map((c) => (
                  <th scope="col" key={c}>
                    {c}
                  </th>
                ))}
                <th scope="col">Problems</th>
              </tr>
            </thead>
            <tbody>
              {side.rows.map((r, i) => (
                <tr key={i} className={r.filtered ? 'filtered' : r.errors.length ? 'failed' : undefined}>
                  <th scope="row">{r.key ? Object.values(r.key).map(show).join(' / ') : '—'}</th>
                  {columns.map((c) => (
                    <td key={c} data-column={c}>
                      {show(r.values[c])}
                    </td>
                  ))}
                  <td>
                    {r.filtered && <span className="badge off">filtered out</span>}
                    {r.errors.map((e) => (
                      <div key={e.column + e.message} className="error">
                        {e.column}: {e.message}
                      </div>
                    ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

/**
 * Runs the draft on sample rows through POST /maps/{name}/preview. The first answer's source rows
 * are kept and posted back with every later draft, so an edit changes the result, not the rows.
 */
export function PreviewPanel({ name, draft }: { name: string; draft: TableMap }) {
  const { api } = useSession();
  const [samples, setSamples] = useState<Samples>();
  const [result, setResult] = useState<PreviewResult>();
  const [error, setError] = useState<string>();
  const [running, setRunning] = useState(false);

  useEffect(() => {
    let current = true;
    setRunning(true);
    api<PreviewResult>('POST', `/maps/${name}/preview`, { definition: draft, ...(samples ? { samples } : {}) })
      .then((r) => {
        if (!current) return;
        setResult(r);
        setError(undefined);
        if (!samples && r.valid) setSamples(Object.fromEntries(r.sides.filter((s) => !s.readError).map((s) => [s.source, s.rows.map((row) => row.source)])));
      })
      .catch((err: unknown) => current && setError(describeFailure(err)))
      .finally(() => current && setRunning(false));
    return () => {
      current = false;
    };
  }, [api, name, draft, samples]);

  return (
    <section className="preview" aria-labelledby="preview-title" aria-busy={running}>
      <h2 id="preview-title">Preview</h2>
      <p className="hint">
        The draft runs on sample rows of both systems; nothing is written.{' '}
        <button type="button" className="link" onClick={() => setSamples(undefined)}>
          Read new samples
        </button>
      </p>
      {error && <p className="error" role="alert">{error}</p>}
      {result && !result.valid && <p className="error">Fix the definition to see the preview.</p>}
      {result?.sides.map((s) => <SideTable key={s.direction} side={s} />)}
    </section>
  );
}
