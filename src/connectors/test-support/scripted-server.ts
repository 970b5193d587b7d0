import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A real HTTP server on a free port whose answers a test scripts per request, for exercising the
 * HTTP layer against exact published payloads (token responses, error bodies, Retry-After) that
 * the sandboxes do not produce on demand. Records every request with its arrival time.
 */
export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
  at: number;
  /** Client port: the same port on two requests means the socket was kept alive. */
  remotePort: number;
}

export type Responder = (req: RecordedRequest, res: ServerResponse, index: number) => void | Promise<void>;

export interface ScriptedServer {
  url: string;
  requests: RecordedRequest[];
  /** Requests being handled right now, and the most seen at once. */
  inFlight: () => number;
  peakInFlight: () => number;
  setResponder(responder: Responder): void;
  close(): Promise<void>;
}

export async function startScriptedServer(responder: Responder): Promise<ScriptedServer> {
  let current = responder;
  const requests: RecordedRequest[] = [];
  let inFlight = 0;
  let peak = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const recorded: RecordedRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now(), remotePort: req.socket.remotePort ?? 0 };
      requests.push(recorded);
      inFlight++;
      peak = Math.max(peak, inFlight);
      res.on('close', () => inFlight--);
      Promise.resolve(current(recorded, res, requests.length - 1)).catch((err: Error) => {
        res.statusCode = 500;
        res.end(err.message);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    inFlight: () => inFlight,
    peakInFlight: () => peak,
    setResponder: (r) => {
      current = r;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/json; odata.metadata=minimal', ...headers });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}
