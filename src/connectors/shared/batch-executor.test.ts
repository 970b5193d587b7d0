import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { executeBatch } from './batch-executor';
import { HttpClient } from '../http/http-client';
import { TokenProvider } from '../http/token-provider';
import type { BatchOperation } from '../http/batch';
import { sendJson, startScriptedServer, type ScriptedServer } from '../test-support/scripted-server';

/**
 * A service that stops at the first failed change set (OData 4.0 allows it without
 * odata.continue-on-error): executeBatch must still get an answer for every operation.
 */
describe('executeBatch against a service that stops at the first failure', () => {
  let server: ScriptedServer;
  let batches = 0;
  before(async () => {
    server = await startScriptedServer((req, res) => {
      if (req.url === '/token') return sendJson(res, 200, { token_type: 'Bearer', expires_in: 3599, access_token: 't' });
      batches++;
      const boundary = /boundary=([^;\s]+)/.exec(String(req.headers['content-type']))?.[1] as string;
      const ops = req.body.split(`--${boundary}`).slice(1, -1);
      const out: string[] = [];
      for (const [i, op] of ops.entries()) {
        const bad = op.includes('"bad"');
        const status = bad ? 'HTTP/1.1 500 Internal Server Error' : 'HTTP/1.1 204 No Content';
        const body = bad ? '{"error":{"code":"","message":"An error has occurred.","innererror":{"message":"Write failed for table row","type":"Microsoft.Dynamics.Platform.Integration.Services.OData.AxODataWriteException"}}}' : '';
        out.push(`--resp\r\nContent-Type: multipart/mixed; boundary=cs${i}\r\n\r\n--cs${i}\r\nContent-Type: application/http\r\nContent-ID: ${i + 1}\r\n\r\n${status}\r\nContent-Type: application/json\r\n\r\n${body}\r\n--cs${i}--`);
        if (bad) break; // stop at the first failure, answering only the prefix
      }
      res.writeHead(200, { 'Content-Type': 'multipart/mixed; boundary=resp' });
      res.end(`${out.join('\r\n')}\r\n--resp--\r\n`);
    });
  });
  after(() => server.close());

  it('re-sends the unanswered operations until each has its own answer', async () => {
    const http = new HttpClient({
      baseUrl: `${server.url}/data/`,
      tokens: new TokenProvider({ tokenUrl: `${server.url}/token`, clientId: 'c', clientSecret: 'secret', scope: 's/.default', timeoutMs: 2000, refreshSkewMs: 0 }),
      defaultHeaders: {},
      concurrency: 2,
      timeoutMs: 2000,
      maxRetries: 0,
      retryBaseDelayMs: 10,
      retryMaxDelayMs: 10,
      maxRetryAfterMs: 1000,
      secrets: [],
    });
    const names = ['a', 'bad', 'c', 'd', 'bad', 'f'];
    const ops: BatchOperation[] = names.map((n, i) => ({ method: 'PATCH', url: `/data/Things(${i})`, body: { name: n } }));
    const answers = await executeBatch(http, ops, {});
    assert.deepEqual(
      answers.map((a) => a.status),
      [204, 500, 204, 204, 500, 204],
    );
    assert.equal(batches, 3, 'two failures cost two extra rounds');
    http.close();
  });
});
