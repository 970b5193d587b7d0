/**
 * Delivers JSON event bodies (webhooks, data events) to registered URLs, the way the services do:
 * asynchronously after commit with a fixed number of retries at a fixed delay (F&O: 3 retries at
 * 1 s), or synchronously inside an operation (Dataverse sync steps), where a failure is reported
 * back so the caller can roll back. Every attempt is kept in a delivery log for tests.
 */
import { randomUUID } from 'node:crypto';

export interface DeliveryTarget {
  url: string;
  /** Extra headers, e.g. a registration's secret header. */
  headers?: Record<string, string>;
  /** The registration this delivery belongs to, for the log. */
  registrationId?: string;
}

export interface DeliveryAttempt {
  at: string;
  status?: number;
  error?: string;
  durationMs: number;
}

export type DeliveryState = 'pending' | 'delivered' | 'failed';

export interface DeliveryRecord {
  id: string;
  registrationId?: string;
  url: string;
  mode: 'sync' | 'async';
  state: DeliveryState;
  attempts: DeliveryAttempt[];
  body: unknown;
  createdAt: string;
}

export interface EventDeliveryOptions {
  /** Retries after the first attempt for async deliveries. */
  retries?: number;
  retryDelayMs?: number;
  /** Per-attempt timeout; the services allow 60 s. */
  timeoutMs?: number;
  /** Oldest entries are dropped past this many. */
  logLimit?: number;
}

export interface SyncDeliveryResult {
  ok: boolean;
  status?: number;
  /** For a failure: the receiver's message (its error text or body), else a transport error. */
  message?: string;
}

function summarizeBody(text: string): string {
  try {
    const parsed = JSON.parse(text) as unknown;
    if (parsed && typeof parsed === 'object') {
      const p = parsed as Record<string, unknown>;
      const err = p.error;
      if (typeof err === 'string') return err;
      if (err && typeof err === 'object' && typeof (err as Record<string, unknown>).message === 'string') return (err as { message: string }).message;
      if (typeof p.message === 'string') return p.message;
    }
  } catch {
    // not JSON: fall through to the raw text
  }
  return text.slice(0, 2000);
}

export class EventDelivery {
  readonly retries: number;
  readonly retryDelayMs: number;
  readonly timeoutMs: number;
  private readonly logLimit: number;
  private readonly records: DeliveryRecord[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(options: EventDeliveryOptions = {}) {
    this.retries = options.retries ?? 3;
    this.retryDelayMs = options.retryDelayMs ?? 1000;
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.logLimit = options.logLimit ?? 10_000;
  }

  /** Queues an async delivery and returns its id at once. */
  enqueue(target: DeliveryTarget, body: unknown): string {
    const record = this.newRecord(target, body, 'async');
    const run = this.runAsync(record, target).finally(() => this.inFlight.delete(run));
    this.inFlight.add(run);
    return record.id;
  }

  /** Delivers once, waiting for the answer; a non-2xx status or a timeout is a failure. */
  async deliverSync(target: DeliveryTarget, body: unknown, timeoutMs = this.timeoutMs): Promise<SyncDeliveryResult> {
    const record = this.newRecord(target, body, 'sync');
    const result = await this.attempt(record, target, timeoutMs);
    record.state = result.ok ? 'delivered' : 'failed';
    return result;
  }

  log(): DeliveryRecord[] {
    return this.records.map((r) => ({ ...r, attempts: [...r.attempts] }));
  }

  clearLog(): void {
    this.records.length = 0;
  }

  /** Resolves when no async delivery is pending (including those queued while waiting). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** Stops retrying; pending deliveries end as failed. */
  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private newRecord(target: DeliveryTarget, body: unknown, mode: 'sync' | 'async'): DeliveryRecord {
    const record: DeliveryRecord = {
      id: randomUUID(),
      url: target.url,
      mode,
      state: 'pending',
      attempts: [],
      body,
      createdAt: new Date().toISOString(),
      ...(target.registrationId ? { registrationId: target.registrationId } : {}),
    };
    this.records.push(record);
    if (this.records.length > this.logLimit) this.records.splice(0, this.records.length - this.logLimit);
    return record;
  }

  private async runAsync(record: DeliveryRecord, target: DeliveryTarget): Promise<void> {
    for (let attempt = 0; attempt <= this.retries; attempt++) {
      if (this.closed) break;
      if (attempt > 0) {
        const ok = await this.sleep(this.retryDelayMs);
        if (!ok) break;
      }
      const result = await this.attempt(record, target, this.timeoutMs);
      if (result.ok) {
        record.state = 'delivered';
        return;
      }
    }
    record.state = 'failed';
  }

  private sleep(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.timers.delete(t);
        resolve(!this.closed);
      }, ms);
      this.timers.add(t);
      if (this.closed) {
        clearTimeout(t);
        resolve(false);
      }
    });
  }

  private async attempt(record: DeliveryRecord, target: DeliveryTarget, timeoutMs: number): Promise<SyncDeliveryResult> {
    const started = Date.now();
    const at = new Date(started).toISOString();
    try {
      const res = await fetch(target.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(target.headers ?? {}) },
        body: JSON.stringify(record.body),
        signal: AbortSignal.timeout(timeoutMs),
      });
      const text = await res.text();
      record.attempts.push({ at, status: res.status, durationMs: Date.now() - started });
      if (res.status >= 200 && res.status < 300) return { ok: true, status: res.status };
      return { ok: false, status: res.status, message: summarizeBody(text) || `the webhook answered HTTP ${res.status}` };
    } catch (err) {
      const e = err as Error;
      const message = e.name === 'TimeoutError' ? `the webhook did not answer within ${timeoutMs} ms` : `the webhook could not be reached: ${(e.cause as Error | undefined)?.message ?? e.message}`;
      record.attempts.push({ at, error: message, durationMs: Date.now() - started });
      return { ok: false, message };
    }
  }
}
