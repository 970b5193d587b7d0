import type { ConnectorErrorInfo, ErrorClass } from '../types';

/**
 * Turns an HTTP outcome into a ConnectorErrorInfo, keeping the system's own code and message.
 * Shapes understood:
 *   Dataverse  {"error":{"code":"0x80044331","message":"…", "@Microsoft.PowerApps.CDS…": …}}
 *   F&O        {"error":{"code":"","message":"An error has occurred.","innererror":{"message":"Write failed…","type":"…AxODataWriteException"}}}
 *   Entra      {"error":"invalid_scope","error_description":"AADSTS70011: …","error_codes":[70011]}
 */
export interface ParsedErrorBody {
  code?: string;
  message?: string;
  innerMessage?: string;
  innerType?: string;
}

const MAX_MESSAGE = 2000;

export function parseErrorBody(body: unknown): ParsedErrorBody {
  let data = body;
  if (typeof data === 'string') {
    const text = data.trim();
    if (text.startsWith('{')) {
      try {
        data = JSON.parse(text) as unknown;
      } catch {
        return { message: clip(text) };
      }
    } else {
      return text ? { message: clip(text) } : {};
    }
  }
  if (Buffer.isBuffer(data)) return parseErrorBody(data.toString('utf8'));
  if (!isObject(data)) return {};
  const error = data.error;
  if (typeof error === 'string') {
    // Entra token endpoint
    const description = typeof data.error_description === 'string' ? data.error_description : undefined;
    return { code: error, ...(description ? { message: clip(firstLine(description)) } : {}) };
  }
  if (isObject(error)) {
    const out: ParsedErrorBody = {};
    if (typeof error.code === 'string' && error.code !== '') out.code = error.code;
    if (typeof error.message === 'string') out.message = clip(error.message);
    const inner = error.innererror;
    if (isObject(inner)) {
      if (typeof inner.message === 'string') out.innerMessage = clip(inner.message);
      if (typeof inner.type === 'string') out.innerType = inner.type;
    }
    const annotated = error['@Microsoft.PowerApps.CDS.InnerError.Message'];
    if (typeof annotated === 'string' && !out.innerMessage && annotated !== out.message) out.innerMessage = clip(annotated);
    return out;
  }
  if (typeof data.message === 'string') return { message: clip(data.message) };
  return {};
}

/** What the request was, because the same status means different things for different operations. */
export type OperationKind = 'read' | 'upsert' | 'create' | 'update' | 'delete' | 'token' | 'other';

export interface HttpOutcome {
  status: number;
  body?: unknown;
  retryAfterMs?: number;
  operation?: OperationKind;
}

// Dataverse/F&O say "does not exist" for both a missing target and a missing referenced row;
// on a create or upsert the target need not exist, so there it means a lookup is missing.
const DOES_NOT_EXIST = /does ?n[o']t exist|not found|no record|could not find|cannot find/i;
const MISSING_REFERENCE = /lookup|reference|relat(?:ed|ing) table|related|@odata\.bind|foreign|navigation|does not exist in .* entity/i;
const KEY_MISMATCH = /key in the request uri is not valid/i;

/** Dataverse codes with a known class regardless of status. */
const CODE_CLASSES: Record<string, ErrorClass> = {
  '0x80072322': 'throttled',
  '0x80072321': 'throttled',
  '0x80072326': 'throttled',
  '0x80060882': 'conflict', // ConcurrencyVersionMismatch
  '0x80060892': 'conflict', // DuplicateRecord (key already exists)
};

export function classifyHttp(outcome: HttpOutcome): ConnectorErrorInfo {
  const parsed = parseErrorBody(outcome.body);
  const { status } = outcome;
  const message = composeMessage(parsed, status);
  const info: ConnectorErrorInfo = { class: classOf(status, parsed, outcome.operation ?? 'other'), status, message };
  if (parsed.code) info.code = parsed.code;
  if (outcome.retryAfterMs !== undefined) info.retryAfterMs = outcome.retryAfterMs;
  return info;
}

function classOf(status: number, parsed: ParsedErrorBody, operation: OperationKind): ErrorClass {
  const text = `${parsed.message ?? ''} ${parsed.innerMessage ?? ''}`;
  const byCode = parsed.code ? CODE_CLASSES[parsed.code.toLowerCase()] : undefined;
  if (status === 429) return 'throttled';
  if (byCode === 'throttled') return 'throttled';
  if (status === 408) return 'timeout';
  if (status === 401 || status === 403) return 'auth';
  if (operation === 'token') {
    // Entra answers 400 for a bad client id, secret or scope: configuration, never retried.
    if (status >= 400 && status < 500) return 'auth';
  }
  if (status === 412) return 'conflict';
  if (byCode) return byCode;
  if (status === 409) return 'conflict';
  if (status === 404) {
    if (KEY_MISMATCH.test(text)) return 'validation';
    if ((operation === 'upsert' || operation === 'create') && DOES_NOT_EXIST.test(text)) return 'missing-lookup';
    return 'not-found';
  }
  if (status >= 500) {
    // F&O reports a rejected record (validation, missing related row) as a 500 whose innererror is
    // an AxODataWriteException. Retrying it would only repeat the rejection, so it is permanent.
    if (parsed.innerType && /ODataWriteException|ODataValidation/i.test(parsed.innerType)) {
      return isMissingReference(text) ? 'missing-lookup' : 'validation';
    }
    return 'unavailable';
  }
  if (status >= 400) {
    if (KEY_MISMATCH.test(text)) return 'validation';
    if (isMissingReference(text) && operation !== 'read') return 'missing-lookup';
    return 'validation';
  }
  return 'unavailable';
}

function isMissingReference(text: string): boolean {
  return DOES_NOT_EXIST.test(text) && (MISSING_REFERENCE.test(text) || /with id[s]? ?=/i.test(text));
}

function composeMessage(parsed: ParsedErrorBody, status: number): string {
  const main = parsed.message ?? `HTTP ${status} without an error message`;
  // F&O's outer message is "An error has occurred."; the useful text is in innererror.
  if (parsed.innerMessage && parsed.innerMessage !== main) return clip(`${main} ${parsed.innerMessage}`);
  return main;
}

/** Error codes from Node's sockets and axios, mapped to network or timeout. */
export function classifyTransportError(err: { code?: string; message?: string }): ConnectorErrorInfo {
  const code = err.code ?? '';
  const timeout = code === 'ECONNABORTED' || code === 'ETIMEDOUT' || code === 'ESOCKETTIMEDOUT' || /timeout/i.test(err.message ?? '');
  return {
    class: timeout ? 'timeout' : 'network',
    ...(code ? { code } : {}),
    message: clip(err.message || (timeout ? 'request timed out' : 'network error')),
  };
}

/**
 * Retry-After is either delay-seconds or an HTTP date (RFC 9110). Dataverse and F&O send seconds;
 * a date is honoured too. Unparseable values are ignored so backoff takes over.
 */
export function parseRetryAfter(value: unknown, now = Date.now()): number | undefined {
  if (Array.isArray(value)) value = value[0];
  if (typeof value === 'number') return value >= 0 ? Math.round(value * 1000) : undefined;
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

function firstLine(text: string): string {
  const i = text.search(/\r?\n/);
  return i === -1 ? text : text.slice(0, i);
}

function clip(text: string): string {
  return text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE)}…` : text;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
