import { serve, type ServerType } from '@hono/node-server';
import type { Hono } from 'hono';
import type { AddressInfo } from 'node:net';

export interface RunningServer {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** Serves a hono app on 127.0.0.1 (port 0: a free one) and resolves once it listens. */
export function listen(app: Hono, port: number, hostname = '127.0.0.1'): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    let server: ServerType | undefined;
    try {
      server = serve({ fetch: app.fetch, port, hostname }, (info: AddressInfo) => {
        resolve({
          url: `http://${hostname}:${info.port}`,
          port: info.port,
          stop: () => new Promise<void>((done) => server!.close(() => done())),
        });
      });
      server.on('error', reject);
    } catch (err) {
      reject(err);
    }
  });
}
