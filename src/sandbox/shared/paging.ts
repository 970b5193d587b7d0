import { createHash } from 'node:crypto';

/**
 * Opaque continuation tokens for server-driven paging (`@odata.nextLink`). A token carries the
 * paging state (a keyset cursor or an offset, the rows still owed to a `$top`) as base64url JSON
 * with a short digest, so a client that edits or truncates it gets a clear 400 instead of a
 * silently wrong page. Clients must treat it as opaque, as they must with the real services.
 */

export interface ContinuationState {
  /** Key values of the last row served, in primary-key order (keyset paging). */
  after?: (string | number | null)[];
  /** Rows already served (offset paging, used when $orderby is not the primary key). */
  offset?: number;
  /** Rows still owed to the client's $top, if it gave one. */
  remaining?: number;
}

export class ContinuationTokenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ContinuationTokenError';
  }
}

function digest(payload: string): string {
  return createHash('sha256').update(payload).digest('base64url').slice(0, 10);
}

export function encodeContinuation(state: ContinuationState): string {
  const payload = Buffer.from(JSON.stringify(state)).toString('base64url');
  return `${payload}.${digest(payload)}`;
}

export function decodeContinuation(token: string): ContinuationState {
  const invalid = (why: string) =>
    new ContinuationTokenError(`The continuation token '${token.length > 40 ? `${token.slice(0, 40)}...` : token}' is not valid (${why}); use the @odata.nextLink exactly as returned.`);
  const dot = token.lastIndexOf('.');
  if (dot <= 0) throw invalid('malformed');
  const payload = token.slice(0, dot);
  if (digest(payload) !== token.slice(dot + 1)) throw invalid('checksum mismatch');
  let state: unknown;
  try {
    state = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    throw invalid('not decodable');
  }
  if (typeof state !== 'object' || state === null || Array.isArray(state)) throw invalid('not an object');
  const s = state as Record<string, unknown>;
  const out: ContinuationState = {};
  if (s.after !== undefined) {
    if (!Array.isArray(s.after) || !s.after.every((v) => v === null || typeof v === 'string' || typeof v === 'number')) throw invalid('bad cursor');
    out.after = s.after as (string | number | null)[];
  }
  for (const field of ['offset', 'remaining'] as const) {
    const v = s[field];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw invalid(`bad ${field}`);
    out[field] = v;
  }
  return out;
}
