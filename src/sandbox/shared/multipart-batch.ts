import { randomUUID } from 'node:crypto';

/**
 * OData 4.0 multipart/mixed `$batch` for the sandboxes (and for clients and tests): parsing and
 * formatting of batch requests and responses with nested change sets, and a dispatcher that runs
 * each part through the server's own request handler (hono's `app.fetch`), each change set as one
 * atomic unit. Accepts CRLF (the MIME wire form) and LF (what the docs render) line endings.
 */

export class BatchFormatError extends Error {
  readonly status = 400;
  constructor(message: string) {
    super(message);
    this.name = 'BatchFormatError';
  }
}

export interface BatchRequestPart {
  method: string;
  /** As written in the part: absolute, absolute-path, relative to the service root, or `$n...`. */
  url: string;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  body: string;
  contentId?: string;
}

export type BatchRequestItem = { kind: 'request'; request: BatchRequestPart } | { kind: 'changeset'; requests: BatchRequestPart[] };

export interface BatchResponsePart {
  status: number;
  headers: Record<string, string>;
  body: string;
  contentId?: string;
}

export type BatchResponseItem = { kind: 'response'; response: BatchResponsePart } | { kind: 'changeset'; responses: BatchResponsePart[] };

const STATUS_TEXT: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  204: 'No Content',
  304: 'Not Modified',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Payload Too Large',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  503: 'Service Unavailable',
};

export function statusText(status: number): string {
  return STATUS_TEXT[status] ?? 'Unknown';
}

/** Reads `boundary=` from a Content-Type value; throws if it is not multipart/mixed with a boundary. */
export function boundaryOf(contentType: string | null | undefined): string {
  const ct = contentType ?? '';
  if (!/^\s*multipart\/mixed\b/i.test(ct)) {
    throw new BatchFormatError(`A $batch request needs 'Content-Type: multipart/mixed; boundary=...', got '${ct || '(none)'}'.`);
  }
  const m = /boundary\s*=\s*(?:"([^"]+)"|([^;\s]+))/i.exec(ct);
  const boundary = m?.[1] ?? m?.[2];
  if (!boundary) throw new BatchFormatError(`The Content-Type '${ct}' has no boundary parameter.`);
  return boundary;
}

/** Splits a multipart body into the raw lines of each part (without delimiters, preamble or epilogue). */
function splitParts(lines: string[], boundary: string, where: string): string[][] {
  const delimiter = `--${boundary}`;
  const parts: string[][] = [];
  let current: string[] | undefined;
  let closed = false;
  for (const line of lines) {
    const trimmed = line.trimEnd();
    if (trimmed === delimiter) {
      if (current) parts.push(current);
      current = [];
      continue;
    }
    if (trimmed === `${delimiter}--`) {
      if (current) parts.push(current);
      current = undefined;
      closed = true;
      break;
    }
    current?.push(line);
  }
  if (!closed) throw new BatchFormatError(`The ${where} is not terminated by '--${boundary}--'.`);
  // The line break before a delimiter belongs to the delimiter.
  for (const p of parts) if (p.length > 0 && p[p.length - 1] === '') p.pop();
  return parts;
}

/** Parses header lines up to the first blank line; returns headers and the index after the blank. */
function readHeaders(lines: string[], start: number): [Record<string, string>, number] {
  const headers: Record<string, string> = {};
  let i = start;
  for (; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') return [headers, i + 1];
    const colon = line.indexOf(':');
    if (colon <= 0) throw new BatchFormatError(`'${line}' is not a header line ('Name: value').`);
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return [headers, i];
}

function parseHttpPart(lines: string[], mimeHeaders: Record<string, string>, index: string): BatchRequestPart {
  const ct = mimeHeaders['content-type'] ?? '';
  if (!/^application\/http\b/i.test(ct)) throw new BatchFormatError(`Batch part ${index} must have 'Content-Type: application/http', got '${ct || '(none)'}'.`);
  let i = 0;
  while (i < lines.length && lines[i]!.trim() === '') i++;
  const requestLine = lines[i];
  // Lenient about unencoded spaces in the URL, which hand-written batches often have.
  const m = requestLine ? /^([A-Z]+)\s+(.+?)(?:\s+HTTP\/\d\.\d)?\s*$/.exec(requestLine.trim()) : null;
  if (!m) throw new BatchFormatError(`Batch part ${index} has no request line like 'POST CustomersV3 HTTP/1.1' (found '${requestLine ?? ''}').`);
  const [headers, bodyStart] = readHeaders(lines, i + 1);
  const body = lines.slice(bodyStart).join('\n');
  return { method: m[1]!, url: m[2]!, headers, body, contentId: mimeHeaders['content-id'] ?? headers['content-id'] };
}

/** Parses a multipart/mixed `$batch` request body. */
export function parseMultipartBatch(body: string, contentType: string | null | undefined): BatchRequestItem[] {
  const boundary = boundaryOf(contentType);
  const lines = body.split(/\r?\n/);
  const items: BatchRequestItem[] = [];
  for (const [n, partLines] of splitParts(lines, boundary, 'batch body').entries()) {
    const [mimeHeaders, contentStart] = readHeaders(partLines, 0);
    const content = partLines.slice(contentStart);
    const ct = mimeHeaders['content-type'] ?? '';
    if (/^multipart\/mixed/i.test(ct)) {
      const csBoundary = boundaryOf(ct);
      const requests = splitParts(content, csBoundary, `change set ${n + 1}`).map((p, j) => {
        const [h, start] = readHeaders(p, 0);
        return parseHttpPart(p.slice(start), h, `${n + 1}.${j + 1}`);
      });
      items.push({ kind: 'changeset', requests });
    } else {
      items.push({ kind: 'request', request: parseHttpPart(content, mimeHeaders, String(n + 1)) });
    }
  }
  return items;
}

function httpPartText(startLine: string, headers: Record<string, string>, body: string): string {
  const headerLines = Object.entries(headers).map(([k, v]) => `${k}: ${v}`);
  return [startLine, ...headerLines, '', body].join('\r\n');
}

function mimePart(contentId: string | undefined, http: string): string {
  return ['Content-Type: application/http', 'Content-Transfer-Encoding: binary', ...(contentId ? [`Content-ID: ${contentId}`] : []), '', http].join('\r\n');
}

function assemble(boundary: string, parts: string[]): string {
  return `${parts.map((p) => `--${boundary}\r\n${p}\r\n`).join('')}--${boundary}--\r\n`;
}

/** Formats a `$batch` request (for clients, tests and benchmarks). */
export function formatMultipartBatch(items: BatchRequestItem[], boundary = `batch_${randomUUID()}`): { body: string; contentType: string } {
  const requestText = (r: BatchRequestPart) => mimePart(r.contentId, httpPartText(`${r.method} ${r.url} HTTP/1.1`, r.headers, r.body));
  const parts = items.map((item) => {
    if (item.kind === 'request') return requestText(item.request);
    const cs = `changeset_${randomUUID()}`;
    return `Content-Type: multipart/mixed; boundary=${cs}\r\n\r\n${assemble(cs, item.requests.map(requestText))}`;
  });
  return { body: assemble(boundary, parts), contentType: `multipart/mixed; boundary=${boundary}` };
}

/** Formats a `$batch` response. */
export function formatMultipartBatchResponse(items: BatchResponseItem[], boundary = `batchresponse_${randomUUID()}`): { body: string; contentType: string } {
  const responseText = (r: BatchResponsePart) => mimePart(r.contentId, httpPartText(`HTTP/1.1 ${r.status} ${statusText(r.status)}`, r.headers, r.body));
  const parts = items.map((item) => {
    if (item.kind === 'response') return responseText(item.response);
    const cs = `changesetresponse_${randomUUID()}`;
    return `Content-Type: multipart/mixed; boundary=${cs}\r\n\r\n${assemble(cs, item.responses.map(responseText))}`;
  });
  return { body: assemble(boundary, parts), contentType: `multipart/mixed; boundary=${boundary}` };
}

function parseResponsePart(lines: string[], mimeHeaders: Record<string, string>, index: string): BatchResponsePart {
  let i = 0;
  while (i < lines.length && lines[i]!.trim() === '') i++;
  const m = /^HTTP\/\d\.\d\s+(\d{3})/.exec(lines[i] ?? '');
  if (!m) throw new BatchFormatError(`Batch response part ${index} has no status line (found '${lines[i] ?? ''}').`);
  const [headers, bodyStart] = readHeaders(lines, i + 1);
  return { status: Number(m[1]), headers, body: lines.slice(bodyStart).join('\n'), contentId: mimeHeaders['content-id'] ?? headers['content-id'] };
}

/** Parses a `$batch` response (for clients and tests). */
export function parseMultipartBatchResponse(body: string, contentType: string | null | undefined): BatchResponseItem[] {
  const boundary = boundaryOf(contentType);
  const items: BatchResponseItem[] = [];
  for (const [n, partLines] of splitParts(body.split(/\r?\n/), boundary, 'batch response').entries()) {
    const [mimeHeaders, start] = readHeaders(partLines, 0);
    const content = partLines.slice(start);
    const ct = mimeHeaders['content-type'] ?? '';
    if (/^multipart\/mixed/i.test(ct)) {
      const responses = splitParts(content, boundaryOf(ct), `change set response ${n + 1}`).map((p, j) => {
        const [h, s] = readHeaders(p, 0);
        return parseResponsePart(p.slice(s), h, `${n + 1}.${j + 1}`);
      });
      items.push({ kind: 'changeset', responses });
    } else {
      items.push({ kind: 'response', response: parseResponsePart(content, mimeHeaders, String(n + 1)) });
    }
  }
  return items;
}

// ---- dispatcher ---------------------------------------------------------------------------

/** A part as plain data, for servers that can answer without building fetch Request/Response objects. */
export interface DirectRequest {
  method: string;
  /** Absolute URL. */
  url: string;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  body: string;
}

export interface DirectResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface BatchDispatchOptions {
  /** The server's own handler, e.g. hono's `app.fetch`. */
  handler: (request: Request) => Promise<Response> | Response;
  /**
   * Optional fast path: answers a part from plain data. Parts then skip the app's middleware
   * (the batch request as a whole already passed authentication and fault checks) and the
   * Request/Response stream machinery, which dominates the cost of small parts.
   */
  directHandler?: (request: DirectRequest) => Promise<DirectResponse>;
  /** Runs a change set as one atomic unit, e.g. `(fn) => store.exclusive(fn)`. */
  atomically: <T>(fn: () => Promise<T>) => Promise<T>;
  /** Absolute URL of the service root, ending in '/', e.g. http://127.0.0.1:8081/data/. */
  serviceRoot: string;
  /** Builds the service's error body for errors the dispatcher itself raises. */
  errorResponse: (status: number, message: string) => Response;
  maxOperations?: number;
  /**
   * Outer status when the batch stops at a failure (no `Prefer: odata.continue-on-error`):
   * OData 4.0 and F&O answer 200 with the failing part; Dataverse answers 400.
   */
  stopStatus?: number;
  /** Whether a stopped batch still returns the responses of the parts that ran before the failure. */
  includePriorPartsOnStop?: boolean;
}

/** Header set on every part request, so middleware can tell (e.g. not throttle parts one by one). */
export const BATCH_PART_HEADER = 'x-dualwrite-batch-part';

class ChangeSetFailed extends Error {
  constructor(readonly response: BatchResponsePart) {
    super('change set failed');
  }
}

async function toPart(res: Response, contentId: string | undefined): Promise<BatchResponsePart> {
  const headers: Record<string, string> = {};
  res.headers.forEach((v, k) => {
    if (k !== 'content-length') headers[k] = v;
  });
  return { status: res.status, headers, body: await res.text(), contentId };
}

async function errorPart(opts: BatchDispatchOptions, status: number, message: string, contentId: string | undefined): Promise<BatchResponsePart> {
  return toPart(opts.errorResponse(status, message), contentId);
}

/** Runs a parsed `$batch` request and returns the multipart response. */
export async function executeBatch(outer: Request, opts: BatchDispatchOptions): Promise<Response> {
  let items: BatchRequestItem[];
  try {
    items = parseMultipartBatch(await outer.text(), outer.headers.get('content-type'));
  } catch (err) {
    if (err instanceof BatchFormatError) return opts.errorResponse(400, err.message);
    throw err;
  }
  const max = opts.maxOperations ?? 1000;
  const total = items.reduce((n, it) => n + (it.kind === 'request' ? 1 : it.requests.length), 0);
  if (total > max) return opts.errorResponse(400, `The batch contains ${total} operations; the maximum is ${max}. Split it into several batches.`);

  const continueOnError = /odata\.continue-on-error(?!\s*=\s*false)/i.test(outer.headers.get('prefer') ?? '');
  const root = new URL(opts.serviceRoot);
  const rootHref = root.href.endsWith('/') ? root.href : `${root.href}/`;
  const entityUrls = new Map<string, string>();
  const declaredIds = new Set(items.flatMap((it) => (it.kind === 'request' ? [it.request] : it.requests)).flatMap((r) => (r.contentId ? [r.contentId] : [])));
  const inherited: Record<string, string> = {};
  for (const h of ['authorization', 'odata-version', 'odata-maxversion']) {
    const v = outer.headers.get(h);
    if (v) inherited[h] = v;
  }

  const resolveRefs = (text: string, where: string): string =>
    text.replace(/^\$([A-Za-z0-9_-]+)(?=\/|$|\?)/, (_m, id: string) => {
      const target = entityUrls.get(id);
      if (target) return target;
      // `$metadata` and the like are resources, not references, unless a part declared that id.
      if (!/^\d+$/.test(id) && !declaredIds.has(id)) return `$${id}`;
      throw new BatchFormatError(`Content-ID Reference: '$${id}' does not exist in the batch context (${where}).`);
    });

  async function run(part: BatchRequestPart): Promise<BatchResponsePart> {
    let url: string;
    let body = part.body;
    try {
      const ref = part.url.startsWith('$') ? resolveRefs(part.url, `URL of part ${part.contentId ?? ''}`.trim()) : part.url;
      // Plain string joins for the common forms: URL parsing per part is measurable at 1,000 parts.
      url = /^https?:\/\//i.test(ref) ? ref : ref.startsWith('/') ? `${root.origin}${ref}` : /^[A-Za-z_$]/.test(ref) ? `${rootHref}${ref}` : new URL(ref, root).toString();
      if (body.includes('"$')) {
        body = body.replace(/"\$([A-Za-z0-9_-]+)((?:\/[^"]*)?)"/g, (m, id: string, rest: string) => {
          const target = entityUrls.get(id);
          return target ? JSON.stringify(target + rest) : m;
        });
      }
    } catch (err) {
      if (err instanceof BatchFormatError) return errorPart(opts, 400, err.message, part.contentId);
      throw err;
    }
    if (/\/\$batch(\?|$)/.test(url)) return errorPart(opts, 400, 'A batch cannot contain another batch request.', part.contentId);
    let out: BatchResponsePart;
    if (opts.directHandler) {
      const headers: Record<string, string> = { ...inherited, ...part.headers, [BATCH_PART_HEADER]: '1' };
      delete headers['content-id'];
      const res = await opts.directHandler({ method: part.method, url, headers, body });
      out = { status: res.status, headers: res.headers, body: res.body, contentId: part.contentId };
    } else {
      const headers = new Headers({ ...inherited, ...part.headers, [BATCH_PART_HEADER]: '1' });
      headers.delete('content-id');
      const hasBody = part.method !== 'GET' && part.method !== 'DELETE' && body.trim() !== '';
      out = await toPart(await opts.handler(new Request(url, { method: part.method, headers, body: hasBody ? body : undefined })), part.contentId);
    }
    if (part.contentId && out.status < 300) {
      const entityUrl = out.headers.location ?? out.headers['odata-entityid'];
      if (entityUrl) entityUrls.set(part.contentId, entityUrl);
    }
    return out;
  }

  const responses: BatchResponseItem[] = [];
  for (const item of items) {
    let failed = false;
    if (item.kind === 'request') {
      const r = await run(item.request);
      responses.push({ kind: 'response', response: r });
      failed = r.status >= 400;
    } else {
      const get = item.requests.find((r) => r.method === 'GET');
      if (get) {
        responses.push({ kind: 'response', response: await errorPart(opts, 400, 'GET requests are not allowed within change sets.', get.contentId) });
        failed = true;
      } else {
        try {
          const parts = await opts.atomically(async () => {
            const done: BatchResponsePart[] = [];
            for (const req of item.requests) {
              const r = await run(req);
              if (r.status >= 400) throw new ChangeSetFailed(r);
              done.push(r);
            }
            return done;
          });
          responses.push({ kind: 'changeset', responses: parts });
        } catch (err) {
          if (!(err instanceof ChangeSetFailed)) throw err;
          // The change set was rolled back: its Content-IDs must not resolve any more.
          for (const req of item.requests) if (req.contentId) entityUrls.delete(req.contentId);
          responses.push({ kind: 'response', response: err.response });
          failed = true;
        }
      }
    }
    if (failed && !continueOnError) {
      const shown = opts.includePriorPartsOnStop === false ? responses.slice(-1) : responses;
      return multipartResponse(shown, opts.stopStatus ?? 200);
    }
  }
  return multipartResponse(responses, 200);
}

function multipartResponse(items: BatchResponseItem[], status: number): Response {
  const { body, contentType } = formatMultipartBatchResponse(items);
  return new Response(body, { status, headers: { 'content-type': contentType, 'odata-version': '4.0' } });
}
