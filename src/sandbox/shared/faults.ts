/**
 * Run-time switchable faults for the sandboxes: throttling (429 with Retry-After above N
 * requests per second), added latency, a random 5xx error rate, and a full outage in which the
 * listening socket is closed (clients get ECONNREFUSED) and later reopened on the same port.
 */
import type { Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import type { Context, Hono, MiddlewareHandler } from 'hono';

export interface ThrottleSettings {
  /** Requests allowed per rolling second; above it requests get 429. */
  maxRequestsPerSecond: number;
  /** Value of the Retry-After header (seconds). */
  retryAfterSeconds: number;
}

export interface FaultSettings {
  throttle: ThrottleSettings | null;
  /** Delay added before every request is handled. */
  latencyMs: number;
  /** Fraction (0..1) of requests answered with `errorStatus`. */
  errorRate: number;
  errorStatus: number;
}

export const NO_FAULTS: FaultSettings = { throttle: null, latencyMs: 0, errorRate: 0, errorStatus: 503 };

export interface FaultResponders {
  /** The service's 429 body. */
  throttled(c: Context, retryAfterSeconds: number, limit: number): Response;
  /** The service's 5xx body. */
  failed(c: Context, status: number): Response;
}

/** Checks a partial settings object from an admin request; throws a readable message on bad input. */
export function parseFaultPatch(input: unknown): Partial<FaultSettings> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new Error('fault settings must be a JSON object like {"latencyMs":100,"errorRate":0.1,"throttle":{"maxRequestsPerSecond":10,"retryAfterSeconds":1}}');
  }
  const src = input as Record<string, unknown>;
  const out: Partial<FaultSettings> = {};
  for (const key of Object.keys(src)) {
    if (!['throttle', 'latencyMs', 'errorRate', 'errorStatus'].includes(key)) {
      throw new Error(`unknown fault setting "${key}": expected throttle, latencyMs, errorRate or errorStatus`);
    }
  }
  if ('latencyMs' in src) {
    const v = src.latencyMs;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new Error(`latencyMs must be a number >= 0, got ${JSON.stringify(v)}`);
    out.latencyMs = v;
  }
  if ('errorRate' in src) {
    const v = src.errorRate;
    if (typeof v !== 'number' || v < 0 || v > 1) throw new Error(`errorRate must be a number from 0 to 1, got ${JSON.stringify(v)}`);
    out.errorRate = v;
  }
  if ('errorStatus' in src) {
    const v = src.errorStatus;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 500 || v > 599) throw new Error(`errorStatus must be an integer from 500 to 599, got ${JSON.stringify(v)}`);
    out.errorStatus = v;
  }
  if ('throttle' in src) {
    const v = src.throttle;
    if (v === null || v === false) out.throttle = null;
    else if (typeof v === 'object' && !Array.isArray(v)) {
      const t = v as Record<string, unknown>;
      const max = t.maxRequestsPerSecond;
      const retry = t.retryAfterSeconds ?? 1;
      if (typeof max !== 'number' || !Number.isInteger(max) || max < 0) throw new Error(`throttle.maxRequestsPerSecond must be an integer >= 0, got ${JSON.stringify(max)}`);
      if (typeof retry !== 'number' || !Number.isInteger(retry) || retry < 0) throw new Error(`throttle.retryAfterSeconds must be an integer >= 0, got ${JSON.stringify(retry)}`);
      out.throttle = { maxRequestsPerSecond: max, retryAfterSeconds: retry };
    } else throw new Error(`throttle must be null or {"maxRequestsPerSecond":N,"retryAfterSeconds":S}, got ${JSON.stringify(v)}`);
  }
  return out;
}

export class FaultInjector {
  private current: FaultSettings = { ...NO_FAULTS };
  /** Arrival times (ms) of requests within the last second, for the throttle window. */
  private recent: number[] = [];
  private readonly random: () => number;
  private readonly now: () => number;

  constructor(
    private readonly responders: FaultResponders,
    options: { random?: () => number; now?: () => number } = {},
  ) {
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
  }

  settings(): FaultSettings {
    return { ...this.current, throttle: this.current.throttle ? { ...this.current.throttle } : null };
  }

  configure(patch: Partial<FaultSettings>): FaultSettings {
    this.current = { ...this.current, ...patch };
    this.recent = [];
    return this.settings();
  }

  reset(): FaultSettings {
    this.current = { ...NO_FAULTS };
    this.recent = [];
    return this.settings();
  }

  /** Apply to the service routes (not to admin or token routes, so tests can always switch faults off). */
  middleware(): MiddlewareHandler {
    return async (c, next) => {
      const s = this.current;
      if (s.throttle) {
        const now = this.now();
        while (this.recent.length > 0 && (this.recent[0] as number) <= now - 1000) this.recent.shift();
        if (this.recent.length >= s.throttle.maxRequestsPerSecond) {
          const res = this.responders.throttled(c, s.throttle.retryAfterSeconds, s.throttle.maxRequestsPerSecond);
          res.headers.set('Retry-After', String(s.throttle.retryAfterSeconds));
          return res;
        }
        this.recent.push(now);
      }
      if (s.latencyMs > 0) await new Promise((r) => setTimeout(r, s.latencyMs));
      if (s.errorRate > 0 && this.random() < s.errorRate) return this.responders.failed(c, s.errorStatus);
      await next();
    };
  }
}

/**
 * A node HTTP server around a hono app whose listening socket can be closed and reopened on the
 * same port, which is what an outage looks like to a client (connection refused).
 */
export class SandboxHttpServer {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private boundPort = 0;
  private outageTimer: NodeJS.Timeout | undefined;
  private listening = false;

  constructor(
    app: Hono,
    private readonly hostname = '127.0.0.1',
  ) {
    this.server = createAdaptorServer({ fetch: app.fetch }) as Server;
    this.server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  get port(): number {
    return this.boundPort;
  }

  get url(): string {
    return `http://${this.hostname}:${this.boundPort}`;
  }

  get isUp(): boolean {
    return this.listening;
  }

  /** Listens on `port` (0 picks a free port; the chosen port is kept for reopening). */
  async listen(port: number): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error) => reject(new Error(`cannot listen on ${this.hostname}:${port}: ${err.message}`));
      this.server.once('error', onError);
      this.server.listen(port, this.hostname, () => {
        this.server.off('error', onError);
        resolve();
      });
    });
    this.boundPort = (this.server.address() as AddressInfo).port;
    this.listening = true;
  }

  /** Closes the listening socket and drops open connections; with `durationMs`, reopens after it. */
  async goDown(durationMs?: number): Promise<void> {
    clearTimeout(this.outageTimer);
    this.outageTimer = undefined;
    if (this.listening) {
      this.listening = false;
      await this.stopListening();
    }
    if (durationMs !== undefined) {
      this.outageTimer = setTimeout(() => {
        this.outageTimer = undefined;
        this.comeUp().catch((err: unknown) => console.error(`sandbox: could not reopen port ${this.boundPort} after the outage: ${String(err)}`));
      }, durationMs);
    }
  }

  /** Reopens the listening socket on the same port. */
  async comeUp(): Promise<void> {
    clearTimeout(this.outageTimer);
    this.outageTimer = undefined;
    if (!this.listening) await this.listen(this.boundPort);
  }

  async close(): Promise<void> {
    clearTimeout(this.outageTimer);
    this.outageTimer = undefined;
    if (!this.listening) return;
    this.listening = false;
    await this.stopListening();
  }

  /**
   * Stops accepting connections at once and drops idle keep-alive ones; a request in flight (for
   * example the admin call that asked for the outage) gets a short grace to send its response.
   */
  private async stopListening(graceMs = 150): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
    const force = setTimeout(() => {
      for (const s of this.sockets) s.destroy();
    }, graceMs);
    await closed;
    clearTimeout(force);
  }
}
