import http from 'node:http';
import https from 'node:https';
import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import { ConnectorError } from '../errors';
import type { ConnectorErrorInfo } from '../types';
import { redactSecrets } from '../config';
import { classifyHttp, classifyTransportError, parseRetryAfter, type OperationKind } from './classify';
import { ConcurrencyLimiter } from './limiter';
import type { TokenProvider } from './token-provider';

/**
 * The one way connectors talk HTTP: bearer token, service headers, keep-alive sockets, a
 * concurrency limit, timeouts, and retries of retryable failures (429/503 wait for Retry-After;
 * other 5xx, network errors and timeouts back off exponentially with jitter). A 429 pauses the
 * whole connector until Retry-After has passed, because the service limits the caller (user and
 * application), not the single request: hammering it from other slots only extends the penalty.
 */
export interface HttpClientOptions {
  /** Service root, ending with '/'. Relative URLs resolve against it; absolute URLs must share its origin. */
  baseUrl: string;
  tokens: TokenProvider;
  /** Sent with every request (OData-Version, Accept, ...). */
  defaultHeaders: Record<string, string>;
  concurrency: number;
  timeoutMs: number;
  maxRetries: number;
  retryBaseDelayMs: number;
  retryMaxDelayMs: number;
  maxRetryAfterMs: number;
  /** Redacted from every error message. */
  secrets: string[];
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Called before each attempt is sent and after each answer; for metrics and tests. */
  onEvent?: (event: HttpEvent) => void;
}

export type HttpEvent =
  | { type: 'attempt'; method: string; url: string; attempt: number; at: number }
  | { type: 'response'; method: string; url: string; attempt: number; at: number; status: number }
  | { type: 'retry'; method: string; url: string; attempt: number; at: number; delayMs: number; error: ConnectorErrorInfo };

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  /** Object -> JSON; string/Buffer sent as is. */
  body?: unknown;
  /** Decides classification of 404 and friends. */
  operation?: OperationKind;
  /** Statuses returned to the caller instead of thrown (e.g. 404 for "no such row"). */
  acceptStatuses?: number[];
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  /** Parsed JSON when the response is JSON, else text. */
  body: unknown;
  text: string;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class HttpClient {
  private readonly axios: AxiosInstance;
  private readonly limiter: ConcurrencyLimiter;
  private readonly origin: string;
  private readonly random: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: https.Agent;
  /** While in the future, no request is sent (a 429 said so). */
  private pausedUntil = 0;

  constructor(readonly options: HttpClientOptions) {
    this.origin = new URL(options.baseUrl).origin;
    this.limiter = new ConcurrencyLimiter(options.concurrency);
    this.random = options.random ?? Math.random;
    this.sleep = options.sleep ?? defaultSleep;
    // Keep-alive saves a TCP+TLS handshake per request; sockets match the concurrency limit.
    this.httpAgent = new http.Agent({ keepAlive: true, maxSockets: options.concurrency, keepAliveMsecs: 10_000 });
    this.httpsAgent = new https.Agent({ keepAlive: true, maxSockets: options.concurrency, keepAliveMsecs: 10_000 });
    this.axios = axios.create({
      httpAgent: this.httpAgent,
      httpsAgent: this.httpsAgent,
      timeout: options.timeoutMs,
      maxRedirects: 0, // a redirect would carry the bearer token somewhere we did not choose
      maxContentLength: 512 * 1024 * 1024,
      maxBodyLength: 512 * 1024 * 1024,
      responseType: 'text',
      transformResponse: [(data: unknown) => data],
      validateStatus: () => true,
      decompress: true,
    });
  }

  get peakConcurrency(): number {
    return this.limiter.peak;
  }

  /** Resolves a service-relative path; rejects absolute URLs on another origin (e.g. a tampered nextLink). */
  resolve(url: string): string {
    const absolute = new URL(url, this.options.baseUrl);
    if (absolute.origin !== this.origin) {
      throw new ConnectorError({ class: 'validation', message: `refusing to send credentials to ${absolute.origin}: the service is at ${this.origin} (a continuation or link points elsewhere)` });
    }
    return absolute.toString();
  }

  async request(req: HttpRequest): Promise<HttpResponse> {
    const url = this.resolve(req.url);
    let authRetried = false;
    for (let attempt = 1; ; attempt++) {
      let outcome: { response: HttpResponse } | { error: ConnectorErrorInfo };
      let token: string | undefined;
      try {
        token = await this.options.tokens.getToken();
        outcome = await this.limiter.run(async () => {
          // Checked inside the slot: requests queued behind the limiter must not slip out during a pause.
          await this.waitWhilePaused();
          return this.send(req, url, token as string, attempt);
        });
      } catch (err) {
        if (err instanceof ConnectorError) outcome = { error: err.info };
        else throw err;
      }
      if ('response' in outcome) {
        const { response } = outcome;
        if (response.status < 400 || req.acceptStatuses?.includes(response.status)) return response;
        const info = classifyHttp({ status: response.status, body: response.body, operation: req.operation, retryAfterMs: parseRetryAfter(response.headers['retry-after']) });
        if (response.status === 401 && !authRetried) {
          // An expired or revoked token: fetch a new one once; a second 401 is configuration.
          authRetried = true;
          this.options.tokens.invalidate(token);
          attempt--;
          continue;
        }
        outcome = { error: info };
      }
      const error = outcome.error;
      const delay = this.retryDelay(error, attempt);
      if (delay === undefined) throw new ConnectorError({ ...error, message: this.redact(`${req.method} ${displayUrl(url)}: ${error.message}`) });
      if (error.class === 'throttled') this.pausedUntil = Math.max(this.pausedUntil, Date.now() + delay);
      this.options.onEvent?.({ type: 'retry', method: req.method, url, attempt, at: Date.now(), delayMs: delay, error });
      await this.sleep(delay);
    }
  }

  /** Milliseconds to wait before the next attempt, or undefined to give up and throw. */
  private retryDelay(error: ConnectorErrorInfo, attempt: number): number | undefined {
    const retryable = error.class === 'throttled' || error.class === 'unavailable' || error.class === 'network' || error.class === 'timeout';
    if (!retryable || attempt > this.options.maxRetries) return undefined;
    if (error.retryAfterMs !== undefined && (error.class === 'throttled' || error.status === 503)) {
      // A wait longer than we are willing to block goes to Temporal, which schedules the retry.
      if (error.retryAfterMs > this.options.maxRetryAfterMs) return undefined;
      return error.retryAfterMs;
    }
    const ceiling = Math.min(this.options.retryMaxDelayMs, this.options.retryBaseDelayMs * 2 ** (attempt - 1));
    // "Equal jitter": at least half the ceiling so retries never stampede, the rest random.
    return Math.round(ceiling / 2 + this.random() * (ceiling / 2));
  }

  private async waitWhilePaused(): Promise<void> {
    for (;;) {
      const wait = this.pausedUntil - Date.now();
      if (wait <= 0) return;
      await this.sleep(wait);
    }
  }

  private async send(req: HttpRequest, url: string, token: string, attempt: number): Promise<{ response: HttpResponse }> {
    const headers: Record<string, string> = { ...this.options.defaultHeaders, ...req.headers, Authorization: `Bearer ${token}` };
    let data: unknown = req.body;
    if (data !== undefined && typeof data !== 'string' && !Buffer.isBuffer(data)) {
      data = JSON.stringify(data);
      headers['Content-Type'] ??= 'application/json';
    }
    this.options.onEvent?.({ type: 'attempt', method: req.method, url, attempt, at: Date.now() });
    let res: AxiosResponse<string>;
    try {
      res = await this.axios.request<string>({ method: req.method, url, headers, data, signal: AbortSignal.timeout(this.options.timeoutMs + 1000) });
    } catch (err) {
      const e = err as { code?: string; message?: string; name?: string };
      const info = classifyTransportError(e.code === 'ERR_CANCELED' || e.name === 'CanceledError' ? { code: 'ETIMEDOUT', message: `no complete answer within ${this.options.timeoutMs} ms` } : e);
      throw new ConnectorError(info);
    }
    const answeredAt = Date.now();
    const responseHeaders = normaliseHeaders(res.headers as Record<string, unknown>);
    if (res.status === 429) {
      // Close the gate before this slot is released, so no queued request slips out after the 429.
      const retryAfter = parseRetryAfter(responseHeaders['retry-after']);
      if (retryAfter !== undefined) this.pausedUntil = Math.max(this.pausedUntil, answeredAt + Math.min(retryAfter, this.options.maxRetryAfterMs));
    }
    const text = typeof res.data === 'string' ? res.data : String(res.data ?? '');
    this.options.onEvent?.({ type: 'response', method: req.method, url, attempt, at: answeredAt, status: res.status });
    return { response: { status: res.status, headers: responseHeaders, text, body: parseBody(text, responseHeaders['content-type']) } };
  }

  private redact(text: string): string {
    return redactSecrets(text, this.options.secrets);
  }

  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}

function normaliseHeaders(headers: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined || v === null) continue;
    out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : String(v);
  }
  return out;
}

function parseBody(text: string, contentType: string | undefined): unknown {
  const clean = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text; // $count may start with a BOM
  if (clean === '') return undefined;
  if ((contentType ?? '').includes('json') || /^\s*[{[]/.test(clean)) {
    try {
      return JSON.parse(clean) as unknown;
    } catch {
      return clean;
    }
  }
  return clean;
}

/** URLs in messages without query strings: filters may hold customer data. */
function displayUrl(url: string): string {
  const u = new URL(url);
  return `${u.origin}${u.pathname}`;
}
