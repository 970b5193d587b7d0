import { createHmac, randomUUID } from 'node:crypto';

export const SIGNATURE_HEADER = 'X-DualWrite-Signature';

export interface WebhookRetry {
  /** Attempts in all, the first included; default 5. */
  attempts: number;
  /** Wait before the second attempt; doubles each time; default 1,000 ms. */
  baseDelayMs: number;
  /** Longest wait between attempts; default 30,000 ms. */
  maxDelayMs: number;
  /** One attempt's time limit; default 10,000 ms. */
  timeoutMs: number;
}

export const DEFAULT_WEBHOOK_RETRY: WebhookRetry = { attempts: 5, baseDelayMs: 1000, maxDelayMs: 30_000, timeoutMs: 10_000 };

/** `sha256=<hex>`: HMAC-SHA256 of the exact body bytes with the webhook's secret. */
export function signBody(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

/** The URL without credentials or query (which may hold tokens), for messages. */
export function describeWebhookUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '(an invalid URL)';
  }
}

/** Worth another attempt: the receiver may be restarting or overloaded. Other 4xx will not change. */
function retryable(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * POSTs `payload` as JSON, signed, retrying with exponential backoff. Every attempt carries the
 * same `X-DualWrite-Delivery` id so a receiver can drop a repeat whose earlier answer was lost.
 * Resolves with the attempts used; rejects after the last failed attempt.
 */
export async function postWebhook(url: string, payload: unknown, secret: string, retry: WebhookRetry = DEFAULT_WEBHOOK_RETRY): Promise<{ attempts: number; status: number }> {
  const body = JSON.stringify(payload);
  const headers = {
    'Content-Type': 'application/json',
    'User-Agent': 'dualwrite-alerts',
    [SIGNATURE_HEADER]: signBody(body, secret),
    'X-DualWrite-Delivery': randomUUID(),
  };
  let lastProblem = '';
  const attempts = Math.max(1, Math.floor(retry.attempts));
  for (let attempt = 1; attempt <= attempts; attempt++) {
    if (attempt > 1) await sleep(Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** (attempt - 2)));
    try {
      const response = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(retry.timeoutMs), redirect: 'error' });
      // Drain the body so the connection is released.
      await response.arrayBuffer().catch(() => undefined);
      if (response.ok) return { attempts: attempt, status: response.status };
      lastProblem = `HTTP ${response.status}`;
      if (!retryable(response.status)) break;
    } catch (err) {
      const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
      lastProblem = `${err instanceof Error ? err.message : String(err)}${cause}`;
    }
  }
  throw new Error(`webhook ${describeWebhookUrl(url)} failed after ${attempts} attempt(s): ${lastProblem}`);
}
