import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import type { Client } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { testTemporal, uniqueId, type TestTemporal } from '../../../test/harness/temporal';
import { NAMESPACE } from '../../contracts/names';
import { TableMapSchema, type TableMap } from '../../maps/schema';
import type { MapProvider } from '../../runtime/map-provider';
import { openStore, type Store } from '../../store';
import { createApiApp } from '../app';
import type { Role } from '../auth/roles';
import { createTokenStore } from '../auth/tokens';
import type { AccessLogEntry } from '../deps';
import type { Hono } from 'hono';

/** A map provider over fixed maps: the API reads maps only through MapProvider. */
export function fixedMapProvider(maps: readonly TableMap[]): MapProvider {
  return {
    all: async () => [...maps],
    get: async (name) => {
      const map = maps.find((m) => m.name === name);
      if (!map) throw new Error(`no map named '${name}'`);
      return map;
    },
  };
}

/** A standard catalog map under a new, test-unique name (map names become workflow ids on a shared dev server). */
export function testMap(name: string, overrides: Partial<TableMap> = {}): TableMap {
  const base = JSON.parse(readFileSync(join(__dirname, '../../../maps/currencies.json'), 'utf8')) as Record<string, unknown>;
  return TableMapSchema.parse({ ...base, ...overrides, name });
}

export const TOKENS: Record<Role, string> = {
  viewer: 'viewer-token-7f3a9c2e1b',
  operator: 'operator-token-4d8e2a6f0c',
  admin: 'admin-token-9b1c5e7d3a',
};

export interface ApiWorld {
  app: Hono;
  store: Store;
  client: Client;
  temporal: TestTemporal;
  taskQueue: string;
  /** Every request the app served, as its access log saw it. */
  accessLog: AccessLogEntry[];
  /** Sends a request as a role's token holder (name = the role, e.g. "operator"); null sends no token. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests probe arbitrary response bodies; their assertions are the type check
  call(role: Role | null, method: string, path: string, body?: unknown): Promise<{ status: number; json: any }>;
}

/** The API over a real SQLite store (temporary file) and the shared real Temporal dev server. */
export async function startApiWorld(maps: readonly TableMap[]): Promise<ApiWorld> {
  const dir = mkdtempSync(join(tmpdir(), 'dualwrite-api-'));
  const store = await openStore(`sqlite:${join(dir, 'control.db')}`);
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const temporal = await testTemporal();
  const client = temporal.env.client;
  const taskQueue = uniqueId('api');
  const accessLog: AccessLogEntry[] = [];
  const tokens = createTokenStore(Object.fromEntries(Object.entries(TOKENS).map(([role, token]) => [token, { name: role, role: role as Role }])));
  const app = createApiApp({
    receivers: { inbox: store.inbox, maps: fixedMapProvider(maps), parsers: { finops: () => [], dataverse: () => [] }, client },
    store,
    client,
    maps: fixedMapProvider(maps),
    tokens,
    taskQueue,
    statusTimeoutMs: 10_000,
    accessLog: (entry) => accessLog.push(entry),
  });
  return {
    app,
    store,
    client,
    temporal,
    taskQueue,
    accessLog,
    async call(role, method, path, body) {
      const headers: Record<string, string> = {};
      if (role) headers.authorization = `Bearer ${TOKENS[role]}`;
      if (body !== undefined) headers['content-type'] = 'application/json';
      const res = await app.request(path, { method, headers, ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}) });
      const text = await res.text();
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = text;
      }
      return { status: res.status, json };
    },
  };
}

/** Runs `fn` while a private worker serves the recorder workflows on the world's task queue. */
export async function withRecorderWorker<T>(world: ApiWorld, fn: () => Promise<T>): Promise<T> {
  const worker = await Worker.create({
    connection: world.temporal.env.nativeConnection,
    namespace: NAMESPACE,
    taskQueue: world.taskQueue,
    workflowsPath: require.resolve('./recorder-workflows'),
  });
  return worker.runUntil(fn());
}

export { uniqueId };

/** Polls `probe` until it returns a value (not undefined), failing with the last observation after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
