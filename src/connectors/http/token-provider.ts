import axios, { type AxiosInstance } from 'axios';
import { ConnectorError } from '../errors';
import { redactSecrets } from '../config';
import { classifyHttp, classifyTransportError, parseRetryAfter } from './classify';

/**
 * Entra client-credentials tokens, cached and refreshed ahead of expiry. Concurrent callers
 * share one refresh: a burst of requests at expiry must not become a burst of token requests.
 */
export interface TokenProviderOptions {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  /** `<resource>/.default` */
  scope: string;
  timeoutMs: number;
  /** Refresh this long before expiry (clamped to half the lifetime for short-lived tokens). */
  refreshSkewMs: number;
  now?: () => number;
  /** Shared agent-bearing instance; a private one is created otherwise. */
  http?: AxiosInstance;
}

export interface AccessToken {
  value: string;
  expiresAt: number;
}

export class TokenProvider {
  private cached: AccessToken | undefined;
  private refreshAt = 0;
  private inFlight: Promise<AccessToken> | undefined;
  private readonly http: AxiosInstance;
  private readonly now: () => number;
  /** Number of token requests sent; observable for tests and metrics. */
  requests = 0;

  constructor(private readonly options: TokenProviderOptions) {
    this.http = options.http ?? axios.create();
    this.now = options.now ?? Date.now;
  }

  /** Expiry (epoch ms) of the cached token, if any. */
  get expiresAt(): number | undefined {
    return this.cached?.expiresAt;
  }

  async getToken(): Promise<string> {
    const cached = this.cached;
    if (cached && this.now() < this.refreshAt) return cached.value;
    // Still valid but due for refresh: refresh in the background so callers are not delayed.
    if (cached && this.now() < cached.expiresAt - 1000) {
      this.refresh().catch(() => undefined); // the next caller past expiry sees the error
      return cached.value;
    }
    return (await this.refresh()).value;
  }

  /** Drops the cached token after a 401 so the next call fetches a fresh one. */
  invalidate(rejected?: string): void {
    if (rejected === undefined || this.cached?.value === rejected) {
      this.cached = undefined;
      this.refreshAt = 0;
    }
  }

  private refresh(): Promise<AccessToken> {
    this.inFlight ??= this.fetchToken().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private async fetchToken(): Promise<AccessToken> {
    const { tokenUrl, clientId, clientSecret, scope, timeoutMs } = this.options;
    const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret, scope });
    const started = this.now();
    this.requests++;
    let response;
    try {
      response = await this.http.post(tokenUrl, form.toString(), {
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
        timeout: timeoutMs,
        validateStatus: () => true,
        responseType: 'json',
      });
    } catch (err) {
      const info = classifyTransportError(err as { code?: string; message?: string });
      throw new ConnectorError({ ...info, message: this.redact(`token request to ${tokenUrl} failed: ${info.message}`) });
    }
    const body = response.data as unknown;
    if (response.status !== 200) {
      const info = classifyHttp({ status: response.status, body, operation: 'token', retryAfterMs: parseRetryAfter(response.headers['retry-after']) });
      throw new ConnectorError({ ...info, message: this.redact(`token request for client ${clientId} at ${tokenUrl} was refused: ${info.message}`) });
    }
    const token = readToken(body);
    if (!token) {
      throw new ConnectorError({ class: 'auth', status: 200, message: `token endpoint ${tokenUrl} answered 200 without access_token/expires_in: is tokenUrl an Entra v2 token endpoint?` });
    }
    const lifetimeMs = token.expiresIn * 1000;
    const skew = Math.min(this.options.refreshSkewMs, lifetimeMs / 2);
    // Count lifetime from when we asked, not when we heard back: the server's clock started first.
    const expiresAt = started + lifetimeMs;
    this.cached = { value: token.accessToken, expiresAt };
    this.refreshAt = expiresAt - skew;
    return this.cached;
  }

  private redact(text: string): string {
    return redactSecrets(text, [this.options.clientSecret]);
  }
}

function readToken(body: unknown): { accessToken: string; expiresIn: number } | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const b = body as Record<string, unknown>;
  const accessToken = b.access_token;
  const expiresIn = typeof b.expires_in === 'string' ? Number(b.expires_in) : b.expires_in;
  if (typeof accessToken !== 'string' || accessToken === '' || typeof expiresIn !== 'number' || !Number.isFinite(expiresIn) || expiresIn <= 0) return undefined;
  return { accessToken, expiresIn };
}
