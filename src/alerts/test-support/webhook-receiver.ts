import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Test only: a real HTTP server that receives alert webhooks and checks their signature. */
export interface ReceivedHook {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  json: unknown;
  /** The X-DualWrite-Signature header matches an HMAC-SHA256 of the body with the secret. */
  signatureValid: boolean;
}

export interface WebhookReceiver {
  url: string;
  hooks: ReceivedHook[];
  /** Every request, including the ones answered with a scripted failure. */
  requests: number;
  /** Status codes to answer the next requests with, in order; then 200. */
  failNext(...statuses: number[]): void;
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedHook[]>;
  close(): Promise<void>;
}

function verify(body: string, header: string | string[] | undefined, secret: string): boolean {
  if (typeof header !== 'string' || !header.startsWith('sha256=')) return false;
  const expected = Buffer.from(createHmac('sha256', secret).update(body, 'utf8').digest('hex'), 'utf8');
  const given = Buffer.from(header.slice('sha256='.length), 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export async function startWebhookReceiver(secret: string): Promise<WebhookReceiver> {
  const hooks: ReceivedHook[] = [];
  const failures: number[] = [];
  const waiters: (() => void)[] = [];
  const receiver = { requests: 0 };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      receiver.requests++;
      const failure = failures.shift();
      if (failure !== undefined) {
        res.writeHead(failure).end();
        return;
      }
      const body = Buffer.concat(chunks).toString('utf8');
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        json = undefined;
      }
      hooks.push({ path: req.url ?? '', headers: req.headers, body, json, signatureValid: verify(body, req.headers['x-dualwrite-signature'], secret) });
      res.writeHead(204).end();
      for (const w of waiters.splice(0)) w();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/hooks/dualwrite`,
    hooks,
    get requests() {
      return receiver.requests;
    },
    failNext: (...statuses) => void failures.push(...statuses),
    async waitFor(count, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (hooks.length < count) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`expected ${count} webhook(s) within ${timeoutMs} ms, got ${hooks.length}`);
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(t);
            resolve();
          });
        });
      }
      return hooks;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
