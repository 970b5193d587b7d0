/**
 * Admin HTTP endpoints shared by both sandboxes, mounted under `/admin/` outside the bearer check
 * (guarded by an optional admin key sent as `X-Admin-Key`). Each sandbox plugs in its own data
 * store (counts, checksums, reset, seed) and event registrations (Dataverse webhooks, F&O data
 * events).
 *
 *   GET    /admin/faults                 current fault settings
 *   PATCH  /admin/faults                 change some ({"latencyMs":..,"errorRate":..,"errorStatus":..,"throttle":{..}|null})
 *   DELETE /admin/faults                 all faults off
 *   POST   /admin/outage                 {"durationMs":N}: close the listening socket, reopen after N ms
 *   GET    /admin/registrations          list
 *   POST   /admin/registrations          {"url","entitySet","messages":["Create","Update","Delete"],"mode":"sync"|"async","secretHeader":{"name","value"}}
 *   DELETE /admin/registrations/:id      remove one; DELETE /admin/registrations removes all
 *   GET    /admin/deliveries             delivery log; DELETE clears it
 *   GET    /admin/counts                 {"<entitySet>": rows, ...}
 *   GET    /admin/checksum[?entitySet=x] {"<entitySet>": {"count":n,"checksum":"sha256 hex"}, ...}
 *   POST   /admin/reset                  empty every table (registrations and faults too)
 *   POST   /admin/seed                   {"seed":1,...sandbox-specific options}: reset then seed
 */
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import { Hono } from 'hono';
import type { Context } from 'hono';
import type { EventDelivery } from './event-delivery';
import { parseFaultPatch } from './faults';
import type { FaultInjector, SandboxHttpServer } from './faults';

export type EventMessage = 'Create' | 'Update' | 'Delete';
export const EVENT_MESSAGES: readonly EventMessage[] = ['Create', 'Update', 'Delete'];

export interface EventRegistration {
  id: string;
  url: string;
  entitySet: string;
  messages: EventMessage[];
  mode: 'sync' | 'async';
  secretHeader?: { name: string; value: string };
  createdAt: string;
}

export type EventRegistrationInput = Omit<EventRegistration, 'id' | 'createdAt'> & { id?: string };

export interface RegistrationRules {
  /** Names the sandbox serves; a registration for another set is rejected. */
  entitySets: () => string[];
  /** Modes the service supports (F&O data events are async only). */
  modes: readonly ('sync' | 'async')[];
}

/** Webhook / data-event registrations, validated against the sandbox's entity sets. */
export class RegistrationStore {
  private readonly items = new Map<string, EventRegistration>();

  constructor(private readonly rules: RegistrationRules) {}

  list(): EventRegistration[] {
    return [...this.items.values()];
  }

  add(input: unknown): EventRegistration {
    const reg = this.validate(input);
    this.items.set(reg.id, reg);
    return reg;
  }

  remove(id: string): boolean {
    return this.items.delete(id);
  }

  clear(): void {
    this.items.clear();
  }

  matching(entitySet: string, message: EventMessage, mode?: 'sync' | 'async'): EventRegistration[] {
    return this.list().filter((r) => r.entitySet === entitySet && r.messages.includes(message) && (mode === undefined || r.mode === mode));
  }

  private validate(input: unknown): EventRegistration {
    if (typeof input !== 'object' || input === null || Array.isArray(input)) {
      throw new Error('a registration must be a JSON object: {"url","entitySet","messages":["Create","Update","Delete"],"mode":"async"}');
    }
    const src = input as Record<string, unknown>;
    const url = src.url;
    if (typeof url !== 'string' || !/^https?:\/\//.test(url)) throw new Error(`registration.url must be an http(s) URL, got ${JSON.stringify(url)}`);
    try {
      new URL(url);
    } catch {
      throw new Error(`registration.url is not a valid URL: ${JSON.stringify(url)}`);
    }
    const known = this.rules.entitySets();
    const entitySet = src.entitySet;
    if (typeof entitySet !== 'string' || !known.includes(entitySet)) {
      throw new Error(`registration.entitySet must be one of ${known.join(', ')}; got ${JSON.stringify(entitySet)}`);
    }
    const messages = src.messages ?? EVENT_MESSAGES;
    if (!Array.isArray(messages) || messages.length === 0 || !messages.every((m) => EVENT_MESSAGES.includes(m as EventMessage))) {
      throw new Error(`registration.messages must be a non-empty array of Create, Update, Delete; got ${JSON.stringify(messages)}`);
    }
    const mode = src.mode ?? 'async';
    if (typeof mode !== 'string' || !this.rules.modes.includes(mode as 'sync')) {
      throw new Error(`registration.mode must be one of ${this.rules.modes.join(', ')}; got ${JSON.stringify(mode)}`);
    }
    let secretHeader: EventRegistration['secretHeader'];
    if (src.secretHeader !== undefined && src.secretHeader !== null) {
      const h = src.secretHeader as Record<string, unknown>;
      if (typeof h !== 'object' || typeof h.name !== 'string' || !/^[A-Za-z0-9-]+$/.test(h.name) || typeof h.value !== 'string') {
        throw new Error('registration.secretHeader must be {"name":"<header name>","value":"<secret>"}');
      }
      secretHeader = { name: h.name, value: h.value };
    }
    const id = typeof src.id === 'string' && src.id ? src.id : randomUUID();
    return { id, url, entitySet, messages: [...new Set(messages as EventMessage[])], mode: mode as 'sync' | 'async', ...(secretHeader ? { secretHeader } : {}), createdAt: new Date().toISOString() };
  }
}

/** What a sandbox's data store offers the admin endpoints. */
export interface AdminDataStore {
  entitySets(): string[];
  count(entitySet: string): number;
  /** A content checksum of one entity set (stable across runs for the same content). */
  checksum(entitySet: string): string;
  reset(): void | Promise<void>;
  /** Reset, then load deterministic demo data; options are sandbox-specific. Returns a summary. */
  seed(options: Record<string, unknown>): unknown;
}

export interface AdminOptions {
  /** When set, every admin request must send it in `X-Admin-Key`. */
  adminKey?: string;
  faults: FaultInjector;
  server: () => SandboxHttpServer | undefined;
  data: AdminDataStore;
  registrations: RegistrationStore;
  delivery: EventDelivery;
}

/** JSON serialization with sorted object keys, so equal rows hash equally. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const obj = value as Record<string, unknown>;
  return `{${Object.keys(obj)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`)
    .join(',')}}`;
}

/** SHA-256 over rows given in a stable (key) order. */
export function checksumRows(rows: Iterable<unknown>): string {
  const hash = createHash('sha256');
  for (const row of rows) hash.update(canonicalJson(row)).update('\n');
  return hash.digest('hex');
}

function keyMatches(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

async function readJson(c: Context): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new Error(`the request body is not valid JSON: ${(err as Error).message}`);
  }
}

export function createAdminApp(options: AdminOptions): Hono {
  const app = new Hono();
  const bad = (c: Context, err: unknown) => c.json({ error: { code: 'BadRequest', message: (err as Error).message } }, 400);

  app.use('*', async (c, next) => {
    if (options.adminKey !== undefined && !keyMatches(c.req.header('x-admin-key'), options.adminKey)) {
      return c.json({ error: { code: 'Unauthorized', message: 'admin endpoints need the X-Admin-Key header with the key the sandbox was started with' } }, 401);
    }
    await next();
  });

  app.get('/faults', (c) => c.json(options.faults.settings()));
  app.patch('/faults', async (c) => {
    try {
      return c.json(options.faults.configure(parseFaultPatch(await readJson(c))));
    } catch (err) {
      return bad(c, err);
    }
  });
  app.put('/faults', async (c) => {
    try {
      options.faults.reset();
      return c.json(options.faults.configure(parseFaultPatch(await readJson(c))));
    } catch (err) {
      return bad(c, err);
    }
  });
  app.delete('/faults', (c) => c.json(options.faults.reset()));

  app.post('/outage', async (c) => {
    let durationMs: unknown;
    try {
      durationMs = ((await readJson(c)) as Record<string, unknown>).durationMs;
    } catch (err) {
      return bad(c, err);
    }
    // Over HTTP the outage must end by itself: nothing could reach the closed socket to end it.
    if (typeof durationMs !== 'number' || !Number.isFinite(durationMs) || durationMs <= 0 || durationMs > 3_600_000) {
      return bad(c, new Error(`outage needs {"durationMs":N} with N from 1 to 3600000, got ${JSON.stringify(durationMs)}`));
    }
    const server = options.server();
    if (!server) return bad(c, new Error('the sandbox is not listening yet'));
    void server.goDown(durationMs);
    return c.json({ down: true, durationMs, reopensAt: new Date(Date.now() + durationMs).toISOString() }, 202);
  });

  app.get('/registrations', (c) => c.json({ value: options.registrations.list() }));
  app.post('/registrations', async (c) => {
    try {
      return c.json(options.registrations.add(await readJson(c)), 201);
    } catch (err) {
      return bad(c, err);
    }
  });
  app.delete('/registrations', (c) => {
    options.registrations.clear();
    return c.body(null, 204);
  });
  app.delete('/registrations/:id', (c) =>
    options.registrations.remove(c.req.param('id'))
      ? c.body(null, 204)
      : c.json({ error: { code: 'NotFound', message: `no registration with id ${c.req.param('id')}` } }, 404),
  );

  app.get('/deliveries', (c) => c.json({ value: options.delivery.log() }));
  app.delete('/deliveries', (c) => {
    options.delivery.clearLog();
    return c.body(null, 204);
  });

  const pickSets = (c: Context): string[] | Error => {
    const all = options.data.entitySets();
    const wanted = c.req.query('entitySet');
    if (wanted === undefined) return all;
    if (!all.includes(wanted)) return new Error(`unknown entitySet "${wanted}": expected one of ${all.join(', ')}`);
    return [wanted];
  };
  app.get('/counts', (c) => {
    const sets = pickSets(c);
    if (sets instanceof Error) return bad(c, sets);
    return c.json(Object.fromEntries(sets.map((s) => [s, options.data.count(s)])));
  });
  app.get('/checksum', (c) => {
    const sets = pickSets(c);
    if (sets instanceof Error) return bad(c, sets);
    return c.json(Object.fromEntries(sets.map((s) => [s, { count: options.data.count(s), checksum: options.data.checksum(s) }])));
  });

  app.post('/reset', async (c) => {
    await options.data.reset();
    options.registrations.clear();
    options.faults.reset();
    options.delivery.clearLog();
    return c.body(null, 204);
  });
  app.post('/seed', async (c) => {
    try {
      const body = await readJson(c);
      if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new Error('seed options must be a JSON object, e.g. {"seed":1}');
      return c.json({ seeded: await options.data.seed(body as Record<string, unknown>) });
    } catch (err) {
      return bad(c, err);
    }
  });

  return app;
}
