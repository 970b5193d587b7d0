import type { KeyValue, KeyValues } from '../types';
import { ConnectorError } from '../errors';

/** OData URL literals and expressions shared by both connectors. */

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isGuid(value: unknown): value is string {
  return typeof value === 'string' && GUID.test(value);
}

/** `_x_value` columns hold lookup GUIDs, which OData writes unquoted. */
export function isLookupColumn(column: string): boolean {
  return /^_.+_value$/.test(column);
}

/** A literal for URLs and $filter: strings quoted with '' escaping, GUID columns bare. */
export function literal(column: string, value: KeyValue | null, guidColumns?: ReadonlySet<string>): string {
  if (value === null) return 'null';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new ConnectorError({ class: 'transform', message: `key column ${column} holds ${value}, which is not a finite number` });
    return String(value);
  }
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if ((isLookupColumn(column) || guidColumns?.has(column)) && isGuid(value)) return value;
  return `'${value.replace(/'/g, "''")}'`;
}

export function checkKey(entitySet: string, key: KeyValues): [string, KeyValue][] {
  const entries = Object.entries(key);
  if (entries.length === 0) throw new ConnectorError({ class: 'transform', message: `empty key for ${entitySet}: at least one key column is required` });
  for (const [column, value] of entries) {
    if (value === undefined || value === null || value === '') {
      throw new ConnectorError({ class: 'transform', message: `key column ${column} of ${entitySet} is empty: every key part needs a value` });
    }
  }
  return entries;
}

/** `Set(a='x',b=1)`; segment values are URL-encoded so quotes, slashes and '#' survive. */
export function keySegment(entitySet: string, key: KeyValues, guidColumns?: ReadonlySet<string>): string {
  const entries = checkKey(entitySet, key);
  const parts = entries.map(([c, v]) => `${c}=${encodeKeyLiteral(literal(c, v, guidColumns))}`);
  return `${entitySet}(${parts.join(',')})`;
}

function encodeKeyLiteral(lit: string): string {
  // Keep the quotes readable; encode what would break the path (/, ?, #, %, spaces, non-ASCII).
  return encodeURIComponent(lit).replace(/%27/g, "'").replace(/%3D/gi, '=').replace(/%2C/gi, ',');
}

/** `(a eq 'x' and b eq 1)` */
export function keyFilter(key: KeyValues, guidColumns?: ReadonlySet<string>): string {
  const clauses = Object.entries(key).map(([c, v]) => `${c} eq ${literal(c, v, guidColumns)}`);
  return clauses.length === 1 ? (clauses[0] as string) : `(${clauses.join(' and ')})`;
}

export function andFilters(...filters: (string | undefined)[]): string | undefined {
  const present = filters.filter((f): f is string => !!f && f.trim() !== '');
  if (present.length === 0) return undefined;
  if (present.length === 1) return present[0];
  return present.map((f) => `(${f})`).join(' and ');
}

/** Builds a query string with OData's `$` names kept literal (URLSearchParams would encode `$`). */
export function queryString(params: Record<string, string | undefined>): string {
  const parts: string[] = [];
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined) continue;
    parts.push(`${name}=${encodeURIComponent(value).replace(/%24/g, '$').replace(/%2C/gi, ',')}`);
  }
  return parts.length ? `?${parts.join('&')}` : '';
}

/**
 * Splits keys into OR-filters whose URL stays under `maxFilterLength` characters (Dataverse
 * allows 32 KB URLs; we stay well below so proxies and logs cope) and `maxKeys` keys.
 */
export function chunkKeyFilters(keys: KeyValues[], maxFilterLength: number, maxKeys: number, guidColumns?: ReadonlySet<string>): { keys: KeyValues[]; filter: string }[] {
  const chunks: { keys: KeyValues[]; filter: string }[] = [];
  let current: KeyValues[] = [];
  let clauses: string[] = [];
  let length = 0;
  for (const key of keys) {
    const clause = keyFilter(key, guidColumns);
    const encoded = encodeURIComponent(clause).length + 8;
    if (current.length > 0 && (length + encoded > maxFilterLength || current.length >= maxKeys)) {
      chunks.push({ keys: current, filter: clauses.join(' or ') });
      current = [];
      clauses = [];
      length = 0;
    }
    current.push(key);
    clauses.push(clause);
    length += encoded;
  }
  if (current.length) chunks.push({ keys: current, filter: clauses.join(' or ') });
  return chunks;
}

/** Weak etag `W/"915244"` -> `915244`. */
export function versionFromEtag(etag: unknown): string | undefined {
  if (typeof etag !== 'string') return undefined;
  const m = /^(?:W\/)?"(.*)"$/.exec(etag.trim());
  return m ? m[1] : etag;
}

/** OData annotations (`@odata.etag`, `x@OData.Community…`) are not column values. */
export function stripAnnotations(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) if (!k.includes('@')) out[k] = v;
  return out;
}

/** Runs tasks with at most `limit` in flight, keeping result order. */
export async function mapLimited<T, R>(items: T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T, i);
    }
  });
  await Promise.all(workers);
  return results;
}
