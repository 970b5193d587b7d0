import { randomUUID } from 'node:crypto';

/**
 * OData 4.0 multipart/mixed $batch, client side: builds the request body and parses the
 * response into one entry per operation. Each operation can be its own change set (F&O, where a
 * change set is atomic and one bad record must not roll back the others) or a top-level request
 * (Dataverse with `Prefer: odata.continue-on-error`).
 */
export interface BatchOperation {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** Absolute URL or a path under the service root as the service expects it inside the batch. */
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
}

export interface BatchRequestBody {
  contentType: string;
  body: string;
}

export interface BatchPartResponse {
  /** Content-ID echoed from a change set part, when present. */
  contentId?: string;
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

const CRLF = '\r\n';

/**
 * @param wrapInChangeSets true: every operation is a change set of one, with Content-ID = its
 *        1-based index, so responses map back to operations even if the service stops early.
 */
export function buildBatch(operations: BatchOperation[], options: { wrapInChangeSets: boolean; boundary?: string }): BatchRequestBody {
  const boundary = options.boundary ?? `batch_${randomUUID()}`;
  const lines: string[] = [];
  operations.forEach((op, index) => {
    lines.push(`--${boundary}`);
    if (options.wrapInChangeSets && op.method !== 'GET') {
      const changeset = `changeset_${randomUUID()}`;
      lines.push(`Content-Type: multipart/mixed; boundary=${changeset}`, '');
      lines.push(`--${changeset}`);
      lines.push(...httpPart(op, String(index + 1)));
      lines.push(`--${changeset}--`);
    } else {
      lines.push(...httpPart(op, undefined));
    }
  });
  lines.push(`--${boundary}--`, '');
  return { contentType: `multipart/mixed; boundary=${boundary}`, body: lines.join(CRLF) };
}

function httpPart(op: BatchOperation, contentId: string | undefined): string[] {
  const out = ['Content-Type: application/http', 'Content-Transfer-Encoding: binary'];
  if (contentId !== undefined) out.push(`Content-ID: ${contentId}`);
  out.push('', `${op.method} ${op.url} HTTP/1.1`);
  const headers: Record<string, string> = { ...op.headers };
  let payload: string | undefined;
  if (op.body !== undefined) {
    payload = typeof op.body === 'string' ? op.body : JSON.stringify(op.body);
    if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['Content-Type'] = 'application/json; type=entry';
  }
  for (const [name, value] of Object.entries(headers)) out.push(`${name}: ${value}`);
  out.push('');
  out.push(payload ?? '');
  return out;
}

/** Boundary parameter of a multipart Content-Type, quoted or not. */
export function boundaryOf(contentType: string): string | undefined {
  const m = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return m?.[1] ?? m?.[2];
}

/** Flattens a $batch response (nested change sets included) into parts in document order. */
export function parseBatchResponse(contentType: string, body: string): BatchPartResponse[] {
  const boundary = boundaryOf(contentType);
  if (!boundary) throw new Error(`$batch response is not multipart: Content-Type "${contentType}" has no boundary`);
  const out: BatchPartResponse[] = [];
  for (const part of splitMultipart(body, boundary)) collectPart(part, out);
  return out;
}

function collectPart(part: string, out: BatchPartResponse[]): void {
  const { headers, rest } = splitHeaders(part);
  const type = headers['content-type'] ?? '';
  if (/^multipart\/mixed/i.test(type)) {
    const inner = boundaryOf(type);
    if (!inner) throw new Error(`$batch response change set has no boundary: "${type}"`);
    for (const p of splitMultipart(rest, inner)) collectPart(p, out);
    return;
  }
  out.push(parseHttpMessage(rest, headers['content-id']));
}

function parseHttpMessage(text: string, contentId: string | undefined): BatchPartResponse {
  const trimmed = text.replace(/^(\r?\n)+/, '');
  const lineEnd = trimmed.search(/\r?\n/);
  const statusLine = lineEnd === -1 ? trimmed : trimmed.slice(0, lineEnd);
  const m = /^HTTP\/\d(?:\.\d)?\s+(\d{3})/.exec(statusLine);
  if (!m?.[1]) throw new Error(`$batch response part does not start with an HTTP status line: "${statusLine.slice(0, 80)}"`);
  const { headers, rest } = splitHeaders(lineEnd === -1 ? '' : trimmed.slice(lineEnd).replace(/^\r?\n/, ''));
  const payload = rest.replace(/\s+$/, '');
  let body: unknown = payload === '' ? undefined : payload;
  if (payload !== '' && /^[{[]/.test(payload.trimStart())) {
    try {
      body = JSON.parse(payload) as unknown;
    } catch {
      body = payload;
    }
  }
  const part: BatchPartResponse = { status: Number(m[1]), headers, body };
  const id = headers['content-id'] ?? contentId;
  if (id !== undefined) part.contentId = id;
  return part;
}

/** Header block up to the first empty line; header names lower-cased. */
function splitHeaders(text: string): { headers: Record<string, string>; rest: string } {
  const headers: Record<string, string> = {};
  const src = text.replace(/^(\r?\n)+/, '');
  const blank = /\r?\n\r?\n/.exec(src);
  const head = blank ? src.slice(0, blank.index) : src;
  const rest = blank ? src.slice(blank.index + blank[0].length) : '';
  if (!blank && !/^[\w-]+:/.test(src)) return { headers, rest: src };
  for (const line of head.split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  return { headers, rest };
}

/** Bodies between `--boundary` delimiters; accepts CRLF and bare LF. */
function splitMultipart(body: string, boundary: string): string[] {
  const delimiter = `--${boundary}`;
  const parts: string[] = [];
  const segments = body.split(delimiter);
  // segments[0] is the preamble; a segment starting with "--" is the close delimiter.
  for (let i = 1; i < segments.length; i++) {
    const seg = segments[i] as string;
    if (seg.startsWith('--')) break;
    parts.push(seg.replace(/^[ \t]*\r?\n/, '').replace(/\r?\n$/, ''));
  }
  return parts;
}
