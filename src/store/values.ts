/** Small value conversions shared by the repositories. */

/** Normalises a caller's timestamp to canonical ISO 8601 UTC (sortable as text); undefined means now. */
export function toIsoTimestamp(value: string | Date | undefined, field: string): string {
  if (value === undefined) return new Date().toISOString();
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) {
    throw new Error(`${field}: "${String(value)}" is not a valid timestamp; expected ISO 8601 such as 2026-01-31T12:00:00Z`);
  }
  return date.toISOString();
}

export function toOptionalIsoTimestamp(value: string | Date | null | undefined, field: string): string | null {
  return value === undefined || value === null ? null : toIsoTimestamp(value, field);
}

/** Reads a stored timestamp (ISO text on SQLite, Date on PostgreSQL) as ISO text. */
export function fromStoredTimestamp(value: string | Date): string {
  return value instanceof Date ? value.toISOString() : value;
}

export function fromOptionalStoredTimestamp(value: string | Date | null): string | undefined {
  return value === null ? undefined : fromStoredTimestamp(value);
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Opaque keyset-pagination cursor over (timestamp, id), newest first. */
export interface PageCursor {
  at: string;
  id: number;
}

export function encodeCursor(cursor: PageCursor): string {
  return Buffer.from(JSON.stringify([cursor.at, cursor.id]), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): PageCursor {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && typeof parsed[0] === 'string' && Number.isSafeInteger(parsed[1])) {
      return { at: toIsoTimestamp(parsed[0], 'cursor'), id: parsed[1] as number };
    }
  } catch {
    // fall through to the error below
  }
  throw new Error(`cursor "${cursor}" is not valid: pass back the nextCursor value of a previous page unchanged`);
}

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;

export function pageSize(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(limit) || limit < 1) throw new Error(`limit ${limit} is not valid: expected a whole number from 1 to ${MAX_PAGE_SIZE}`);
  return Math.min(limit, MAX_PAGE_SIZE);
}

/** Escapes LIKE wildcards so user text is matched literally (with ESCAPE '\'). */
export function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export function requireText(value: unknown, field: string): string {
  if (typeof value !== 'string' || value === '') throw new Error(`${field} must be a non-empty string, got ${JSON.stringify(value)}`);
  return value;
}

export function requireOneOf<T extends string>(value: unknown, allowed: readonly T[], field: string): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new Error(`${field} must be one of ${allowed.join(', ')}; got ${JSON.stringify(value)}`);
  }
  return value as T;
}

export function asList<T>(value: T | readonly T[] | undefined): readonly T[] | undefined {
  if (value === undefined) return undefined;
  return Array.isArray(value) ? (value as readonly T[]) : [value as T];
}
