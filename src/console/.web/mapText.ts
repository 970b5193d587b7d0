import type { ColumnMapping } from './api';

type Scalar = string | number | boolean | null;

/** Text typed into a default or value-map field as the JSON scalar it stands for: 3, true, null, or the text itself. */
export function parseScalar(text: string): Scalar {
  const t = text.trim();
  if (t === 'null') return null;
  if (t === 'true') return true;
  if (t === 'false') return false;
  if (/^-?(0|[1-9]\d*)(\.\d+)?$/.test(t)) return Number(t);
  return t;
}

export function scalarText(value: Scalar | undefined): string {
  return value === undefined ? '' : value === null ? 'null' : String(value);
}

/** One `F&O value = Dataverse value` pair a line; the form an operator can read and type. */
export function valueMapText(map: ColumnMapping['valueMap']): string {
  return map ? Object.entries(map).map(([k, v]) => `${k} = ${String(v)}`).join('\n') : '';
}

export interface ParsedValueMap {
  valueMap?: NonNullable<ColumnMapping['valueMap']>;
  problems: string[];
}

export function parseValueMap(text: string): ParsedValueMap {
  const entries: [string, string | number | boolean][] = [];
  const problems: string[] = [];
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    const at = line.indexOf('=');
    if (at <= 0) {
      problems.push(`line ${i + 1}: expected "F&O value = Dataverse value", got "${line.trim()}"`);
      return;
    }
    const target = parseScalar(line.slice(at + 1));
    if (target === null || target === '') {
      problems.push(`line ${i + 1}: the Dataverse value is missing`);
      return;
    }
    entries.push([line.slice(0, at).trim(), target]);
  });
  return entries.length ? { valueMap: Object.fromEntries(entries), problems } : { problems };
}

/** `a, b` as the list of key columns. */
export const listText = (list: readonly string[]): string => list.join(', ');
export const parseList = (text: string): string[] =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
