/**
 * The functions an expression may call. Each checks its own inputs and throws
 * ExpressionEvaluationError with a readable message; nothing here can reach the host (no eval,
 * no property access on arbitrary objects).
 */
export class ExpressionEvaluationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExpressionEvaluationError';
  }
}

export interface FunctionSpec {
  minArgs: number;
  maxArgs: number;
  signature: string;
  apply(args: unknown[]): unknown;
}

function isMissing(v: unknown): v is null | undefined {
  return v === null || v === undefined;
}

function text(v: unknown, fn: string): string | null {
  if (isMissing(v)) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw new ExpressionEvaluationError(`${fn}: expected text, got ${describe(v)}`);
}

function integer(v: unknown, fn: string, what: string): number {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) {
    throw new ExpressionEvaluationError(`${fn}: ${what} must be a whole number >= 0, got ${describe(v)}`);
  }
  return n;
}

function numeric(v: unknown, fn: string): number | null {
  if (isMissing(v) || v === '') return null;
  const n = typeof v === 'string' ? Number(v.trim()) : v;
  if (typeof n !== 'number' || !Number.isFinite(n)) {
    throw new ExpressionEvaluationError(`${fn}: expected a number, got ${describe(v)}`);
  }
  return n;
}

export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'nothing';
  if (typeof v === 'string') return `'${v.length > 40 ? `${v.slice(0, 40)}...` : v}'`;
  if (typeof v === 'object') return Array.isArray(v) ? 'a list' : 'an object';
  return String(v);
}

/** yyyy, yy, MM, M, dd, d, HH, H, mm, ss, SSS; anything else is copied; text in '...' is literal. */
function formatDate(value: Date, pattern: string): string {
  const parts: Record<string, string> = {
    yyyy: String(value.getUTCFullYear()).padStart(4, '0'),
    yy: String(value.getUTCFullYear() % 100).padStart(2, '0'),
    MM: String(value.getUTCMonth() + 1).padStart(2, '0'),
    M: String(value.getUTCMonth() + 1),
    dd: String(value.getUTCDate()).padStart(2, '0'),
    d: String(value.getUTCDate()),
    HH: String(value.getUTCHours()).padStart(2, '0'),
    H: String(value.getUTCHours()),
    mm: String(value.getUTCMinutes()).padStart(2, '0'),
    ss: String(value.getUTCSeconds()).padStart(2, '0'),
    SSS: String(value.getUTCMilliseconds()).padStart(3, '0'),
  };
  return pattern.replace(/yyyy|yy|MM|M|dd|d|HH|H|mm|ss|SSS/g, (token) => parts[token] ?? token);
}

function toDate(v: unknown, fn: string): Date | null {
  if (isMissing(v) || v === '') return null;
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}/.test(v)) {
    const d = new Date(/^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00:00Z` : v);
    if (!Number.isNaN(d.getTime())) return d;
  }
  throw new ExpressionEvaluationError(`${fn}: expected an ISO 8601 date such as 2024-05-31 or 2024-05-31T12:00:00Z, got ${describe(v)}`);
}

export const FUNCTIONS: Record<string, FunctionSpec> = {
  concat: {
    minArgs: 1,
    maxArgs: 50,
    signature: 'concat(a, b, ...)',
    // Missing parts count as empty text, so one empty address line does not blank the whole value.
    apply: (args) => args.map((a) => text(a, 'concat') ?? '').join(''),
  },
  trim: { minArgs: 1, maxArgs: 1, signature: 'trim(text)', apply: ([a]) => text(a, 'trim')?.trim() ?? null },
  upper: { minArgs: 1, maxArgs: 1, signature: 'upper(text)', apply: ([a]) => text(a, 'upper')?.toUpperCase() ?? null },
  lower: { minArgs: 1, maxArgs: 1, signature: 'lower(text)', apply: ([a]) => text(a, 'lower')?.toLowerCase() ?? null },
  substring: {
    minArgs: 2,
    maxArgs: 3,
    signature: 'substring(text, start, length?)',
    apply: ([a, start, length]) => {
      const s = text(a, 'substring');
      if (s === null) return null;
      const from = integer(start, 'substring', 'start');
      return length === undefined ? s.slice(from) : s.slice(from, from + integer(length, 'substring', 'length'));
    },
  },
  truncate: {
    minArgs: 2,
    maxArgs: 2,
    signature: 'truncate(text, maxLength)',
    apply: ([a, max]) => text(a, 'truncate')?.slice(0, integer(max, 'truncate', 'maxLength')) ?? null,
  },
  replace: {
    minArgs: 3,
    maxArgs: 3,
    signature: 'replace(text, search, replacement)',
    apply: ([a, search, replacement]) => {
      const s = text(a, 'replace');
      const find = text(search, 'replace');
      if (s === null || find === null || find === '') return s;
      return s.split(find).join(text(replacement, 'replace') ?? '');
    },
  },
  coalesce: {
    minArgs: 1,
    maxArgs: 50,
    signature: 'coalesce(a, b, ...)',
    apply: (args) => args.find((a) => !isMissing(a) && a !== '') ?? null,
  },
  formatNumber: {
    minArgs: 2,
    maxArgs: 2,
    signature: 'formatNumber(number, decimals)',
    apply: ([a, decimals]) => {
      const n = numeric(a, 'formatNumber');
      const places = integer(decimals, 'formatNumber', 'decimals');
      if (places > 20) throw new ExpressionEvaluationError('formatNumber: decimals must be 20 or fewer');
      return n === null ? null : n.toFixed(places);
    },
  },
  toNumber: {
    minArgs: 1,
    maxArgs: 1,
    signature: 'toNumber(value)',
    apply: ([a]) => numeric(a, 'toNumber'),
  },
  toText: {
    minArgs: 1,
    maxArgs: 1,
    signature: 'toText(value)',
    apply: ([a]) => text(a, 'toText'),
  },
  round: {
    minArgs: 1,
    maxArgs: 2,
    signature: 'round(number, decimals?)',
    apply: ([a, decimals]) => {
      const n = numeric(a, 'round');
      if (n === null) return null;
      const f = 10 ** (decimals === undefined ? 0 : integer(decimals, 'round', 'decimals'));
      return Math.round(n * f) / f;
    },
  },
  formatDate: {
    minArgs: 2,
    maxArgs: 2,
    signature: "formatDate(date, 'yyyy-MM-dd')",
    apply: ([a, pattern]) => {
      const d = toDate(a, 'formatDate');
      const p = text(pattern, 'formatDate');
      if (p === null) throw new ExpressionEvaluationError('formatDate: the pattern must be text');
      return d === null ? null : formatDate(d, p);
    },
  },
};
