import { defaultScope, defaultTokenUrl, serviceRoot, type ConnectorConfig } from '../config';
import { HttpClient, type HttpEvent } from '../http/http-client';
import { TokenProvider } from '../http/token-provider';

/** Hooks a caller may inject: observability, and clocks for tests. */
export interface ConnectorHooks {
  onHttpEvent?: (event: HttpEvent) => void;
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export function createHttpClient(config: ConnectorConfig, defaultHeaders: Record<string, string>, hooks: ConnectorHooks = {}): { http: HttpClient; tokens: TokenProvider; root: string } {
  const tokens = new TokenProvider({
    tokenUrl: defaultTokenUrl(config),
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    scope: defaultScope(config),
    timeoutMs: config.timeoutMs,
    refreshSkewMs: config.tokenRefreshSkewMs,
  });
  const root = serviceRoot(config);
  const http = new HttpClient({
    baseUrl: root,
    tokens,
    defaultHeaders,
    concurrency: config.concurrency,
    timeoutMs: config.timeoutMs,
    maxRetries: config.maxRetries,
    retryBaseDelayMs: config.retryBaseDelayMs,
    retryMaxDelayMs: config.retryMaxDelayMs,
    maxRetryAfterMs: config.maxRetryAfterMs,
    secrets: [config.clientSecret],
    ...(hooks.random ? { random: hooks.random } : {}),
    ...(hooks.sleep ? { sleep: hooks.sleep } : {}),
    ...(hooks.onHttpEvent ? { onEvent: hooks.onHttpEvent } : {}),
  });
  return { http, tokens, root };
}
