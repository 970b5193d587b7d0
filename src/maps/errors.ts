/**
 * Every problem found in a map file or catalog is reported in this one shape, so the CLI, the
 * API and the console can show all of them at once: where (file and JSON path), what was
 * expected, what was found, and a hint on how to fix it. Never a stack trace.
 */
export interface MapError {
  /** File the map came from, when it came from a file. */
  file?: string;
  /** Map name, when known. */
  map?: string;
  /** JSON path inside the map, e.g. `$.columns[3].direction`. */
  path: string;
  /** 1-based line/column in the file, when known (JSON syntax errors). */
  line?: number;
  column?: number;
  /** Machine-readable kind, e.g. `invalid-type`, `unknown-column`, `cycle`. */
  code: string;
  /** What is wrong, as found. */
  message: string;
  /** What was expected. */
  expected: string;
  /** How to fix it. */
  hint?: string;
}

/** A JSON path from path segments: ['columns', 3, 'direction'] -> $.columns[3].direction. */
export function jsonPath(segments: readonly PropertyKey[]): string {
  let out = '$';
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else if (typeof s === 'string' && /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(s)) out += `.${s}`;
    else out += `[${JSON.stringify(String(s))}]`;
  }
  return out;
}

/** One line per error: `file $.path: message (expected ...). Hint: ...` */
export function formatMapError(e: MapError): string {
  const where = [e.file ?? e.map ?? '', e.line !== undefined ? `${e.line}:${e.column ?? 1}` : '']
    .filter(Boolean)
    .join(':');
  const hint = e.hint ? ` Hint: ${e.hint}` : '';
  return `${where ? `${where} ` : ''}${e.path}: ${e.message} (expected ${e.expected}).${hint}`;
}

/** Closest candidate by edit distance, for "did you mean" hints; undefined when nothing is close. */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  const lower = word.toLowerCase();
  for (const c of candidates) {
    const d = editDistance(lower, c.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = c;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}

export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  const c = closest(word, candidates);
  return c !== undefined && c !== word ? `did you mean '${c}'?` : undefined;
}
