import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { after } from 'node:test';
import type { Connector, Row } from '../../src/connectors/types';
import { effectiveSettings, integrationKey, lookupMapNames, lookupValueColumn, type TableMap } from '../../src/maps';
import { DATAVERSE_COMPANY_CODE_COLUMN, DATAVERSE_COMPANY_ENTITY_SET, DATAVERSE_COMPANY_ID_COLUMN } from '../../src/maps/company';
import { dataverseEntitySet } from '../../src/sandbox/dataverse/entities';
import type { SyncWorld } from '../harness/sync-world';

/**
 * Shared parts of the fault scenarios: reading both sides of a map whole, comparing them under
 * the map, recording the requests a sandbox receives, and a seeded random generator.
 */

/** Every row of an entity set, following continuations. */
export async function readAll(connector: Connector, entitySet: string, company?: string, filter?: string): Promise<Row[]> {
  const rows: Row[] = [];
  let page = await connector.readPage({ entitySet, ...(company ? { company } : {}), ...(filter ? { filter } : {}), pageSize: 5000 });
  for (;;) {
    rows.push(...page.rows);
    if (!page.continuation) return rows;
    page = await connector.readPage({ entitySet, continuation: page.continuation });
  }
}

function normalise(value: unknown): unknown {
  if (value === undefined || value === null || value === '') return null;
  return value;
}

/** Integration key -> the map's columns as F&O values, one side of a map, with duplicates counted. */
export interface SideProjection {
  rows: Map<string, Record<string, unknown>>;
  duplicates: string[];
}

/**
 * Projects both sides of a map onto F&O terms (integration key -> mapped column values): a
 * Dataverse lookup GUID is replaced by the key of the row it points to, so equal projections
 * mean equal records under the map. A column with a value map is compared in Dataverse terms
 * instead (the F&O value translated by the map), as several F&O symbols may share one Dataverse
 * value. Keys in `ignore` are left out on both sides (rows the scenario does not cover).
 */
export async function projectSides(world: SyncWorld, mapName: string, ignore: ReadonlySet<string> = new Set()): Promise<{ finops: SideProjection; dataverse: SideProjection }> {
  const map = await mapByName(world, mapName);
  const both = map.columns.filter((c) => c.finops !== undefined && c.dataverse !== undefined);
  const companies = await readAll(world.connectors.dataverse, DATAVERSE_COMPANY_ENTITY_SET);
  const codeById = new Map(companies.map((c) => [String(c[DATAVERSE_COMPANY_ID_COLUMN]).toLowerCase(), String(c[DATAVERSE_COMPANY_CODE_COLUMN])]));
  const wanted = new Set(world.companies.map((c) => c.toLowerCase()));

  const finops: SideProjection = { rows: new Map(), duplicates: [] };
  for (const company of map.scope === 'company' ? world.companies : [undefined]) {
    for (const row of await readAll(world.connectors.finops, map.finops.entitySet, company, map.finops.filter)) {
      const key = integrationKey(map, 'finops', row).key;
      if (ignore.has(key)) continue;
      const projected: Record<string, unknown> = {};
      for (const c of both) {
        const value = row[c.finops!];
        projected[c.finops!] = normalise(c.valueMap && typeof value === 'string' && value in c.valueMap ? c.valueMap[value] : value);
      }
      if (finops.rows.has(key)) finops.duplicates.push(key);
      finops.rows.set(key, projected);
    }
  }

  // Lookup targets: GUID -> the referenced row's F&O-side key value.
  const lookupTargets = new Map<string, Map<string, unknown>>();
  for (const c of both) {
    if (!c.lookup) continue;
    // A polymorphic lookup names several maps; GUIDs are unique across their tables.
    const byId = new Map<string, unknown>();
    for (const name of lookupMapNames(c.lookup)) {
      const target = await mapByName(world, name);
      const keyColumn = target.dataverse.key[target.dataverse.key.length - 1]!;
      const idColumn = dataverseEntitySet(target.dataverse.entitySet)?.primaryKey[0];
      if (!idColumn) throw new Error(`no Dataverse schema for ${target.dataverse.entitySet}`);
      for (const r of await readAll(world.connectors.dataverse, target.dataverse.entitySet)) byId.set(String(r[idColumn]).toLowerCase(), r[keyColumn]);
    }
    lookupTargets.set(c.dataverse!, byId);
  }

  const dataverse: SideProjection = { rows: new Map(), duplicates: [] };
  const companyValue = lookupValueColumn(effectiveSettings(map).companyColumn);
  for (const row of await readAll(world.connectors.dataverse, map.dataverse.entitySet, undefined, map.dataverse.filter)) {
    let companyCode: string | undefined;
    if (map.scope === 'company') {
      companyCode = codeById.get(String(row[companyValue]).toLowerCase());
      if (!companyCode || !wanted.has(companyCode.toLowerCase())) continue;
    }
    const key = integrationKey(map, 'dataverse', row, companyCode ? { companyCode } : {}).key;
    if (ignore.has(key)) continue;
    const projected: Record<string, unknown> = {};
    for (const c of both) {
      if (c.lookup) {
        const guid = row[lookupValueColumn(c.dataverse!)];
        projected[c.finops!] = normalise(guid ? lookupTargets.get(c.dataverse!)?.get(String(guid).toLowerCase()) : null);
      } else projected[c.finops!] = normalise(row[c.dataverse!]);
    }
    if (dataverse.rows.has(key)) dataverse.duplicates.push(key);
    dataverse.rows.set(key, projected);
  }
  return { finops, dataverse };
}

async function mapByName(world: SyncWorld, name: string): Promise<TableMap> {
  const map = (await world.maps.all()).find((m) => m.name === name);
  if (!map) throw new Error(`no map named ${name} in ${world.mapsDir}`);
  return map;
}

/** Row count and content checksum of one side under the map: equal summaries, equal sides. */
export interface SideSummary {
  rows: number;
  /** sha256 (first 16 hex digits) of every key and its projected columns, in key order. */
  checksum: string;
}

/** Independent of read order; a duplicate key counts as a row of its own, so it changes the count. */
export function summarise(side: SideProjection): SideSummary {
  const hash = createHash('sha256');
  for (const key of [...side.rows.keys()].sort()) hash.update(`${key}\u0000${JSON.stringify(side.rows.get(key))}\n`);
  return { rows: side.rows.size + side.duplicates.length, checksum: hash.digest('hex').slice(0, 16) };
}

/** What differs between the two sides of a map; empty lists mean the sides are equal under it. */
export interface SideDifferences {
  onlyInFinops: string[];
  onlyInDataverse: string[];
  different: { key: string; finops: unknown; dataverse: unknown }[];
  duplicates: string[];
  rows: number;
  /** Row count and content checksum per side, for the scenario's figures. */
  summaries: { finops: SideSummary; dataverse: SideSummary };
}

export async function differences(world: SyncWorld, mapName: string, options: { ignore?: ReadonlySet<string> } = {}): Promise<SideDifferences> {
  const { finops, dataverse } = await projectSides(world, mapName, options.ignore);
  const summaries = { finops: summarise(finops), dataverse: summarise(dataverse) };
  const out: SideDifferences = { onlyInFinops: [], onlyInDataverse: [], different: [], duplicates: [...finops.duplicates, ...dataverse.duplicates], rows: finops.rows.size, summaries };
  for (const [key, row] of finops.rows) {
    const other = dataverse.rows.get(key);
    if (!other) out.onlyInFinops.push(key);
    else if (JSON.stringify(row) !== JSON.stringify(other)) out.different.push({ key, finops: row, dataverse: other });
  }
  for (const key of dataverse.rows.keys()) if (!finops.rows.has(key)) out.onlyInDataverse.push(key);
  return out;
}

export function isEqual(d: SideDifferences): boolean {
  const { finops, dataverse } = d.summaries;
  const listsEmpty = d.onlyInFinops.length === 0 && d.onlyInDataverse.length === 0 && d.different.length === 0 && d.duplicates.length === 0;
  return listsEmpty && finops.rows === dataverse.rows && finops.checksum === dataverse.checksum;
}

/** The figures every scenario ends with: rows and checksum per side. */
export function describeSummaries(d: SideDifferences): string {
  const { finops, dataverse } = d.summaries;
  return `F&O ${finops.rows} rows #${finops.checksum}, Dataverse ${dataverse.rows} rows #${dataverse.checksum}`;
}

/** A short, readable account of differences for assertion messages. */
export function describeDifferences(d: SideDifferences): string {
  return JSON.stringify({ rows: d.rows, onlyInFinops: d.onlyInFinops.slice(0, 5), onlyInDataverse: d.onlyInDataverse.slice(0, 5), different: d.different.slice(0, 3), duplicates: d.duplicates.slice(0, 5), summaries: d.summaries, counts: [d.onlyInFinops.length, d.onlyInDataverse.length, d.different.length, d.duplicates.length] });
}

/**
 * Where changes stand when a scenario does not converge: the map's inbox by status and each
 * sandbox's deliveries (webhooks, data events) by state, so a change never captured (a delivery
 * given up) can be told from one captured but not applied.
 */
export async function captureReport(world: SyncWorld, map: string): Promise<string> {
  const inbox: Record<string, number> = {};
  for (const status of ['pending', 'done', 'parked', 'discarded'] as const) inbox[status] = await world.store.inbox.count({ map, status });
  const deliveries = (system: 'finops' | 'dataverse') => {
    const byState: Record<string, number> = {};
    for (const d of world[system].delivery.log()) byState[d.state] = (byState[d.state] ?? 0) + 1;
    return byState;
  };
  return JSON.stringify({ inbox, deliveries: { finops: deliveries('finops'), dataverse: deliveries('dataverse') } });
}

/** One request a sandbox received, and when its response finished. */
export interface RecordedRequest {
  method: string;
  path: string;
  arrivedAt: number;
  finishedAt?: number;
  status?: number;
}

/**
 * Records every request arriving at one local port, from Node's own HTTP diagnostics channels
 * (public API, no patching of the sandbox): the timing of what a client really sent.
 */
export function recordRequests(port: number): { requests: RecordedRequest[]; stop(): void } {
  const requests: RecordedRequest[] = [];
  const open = new WeakMap<ServerResponse, RecordedRequest>();
  const onStart = (message: unknown) => {
    const { request, response, socket } = message as { request: IncomingMessage; response: ServerResponse; socket: Socket };
    if (socket.localPort !== port) return;
    const entry: RecordedRequest = { method: request.method ?? '', path: request.url ?? '', arrivedAt: Date.now() };
    requests.push(entry);
    open.set(response, entry);
  };
  const onFinish = (message: unknown) => {
    const { response } = message as { response: ServerResponse };
    const entry = open.get(response);
    if (entry) {
      entry.finishedAt = Date.now();
      entry.status = response.statusCode;
    }
  };
  subscribe('http.server.request.start', onStart);
  subscribe('http.server.response.finish', onFinish);
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    unsubscribe('http.server.request.start', onStart);
    unsubscribe('http.server.response.finish', onFinish);
  };
  after(stop);
  return { requests, stop };
}

/** A small seeded generator (mulberry32): the same seed gives the same scenario. */
export function seededRandom(seed: number): { next(): number; int(n: number): number; pick<T>(items: readonly T[]): T } {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n) => Math.floor(next() * n), pick: (items) => items[Math.floor(next() * items.length)]! };
}

export { randomUUID };

/** Edits made by a person at a steady rate until stopped: creates, then updates of the same ids. */
export interface SteadyEdits {
  /** Successful writes so far. */
  readonly written: number;
  readonly failed: number;
  /** Edits sent so far (successful, failed or still in flight). */
  readonly offered: number;
  /** Stops, waits for the requests in flight, and resolves with the number of successful writes. */
  stop(): Promise<number>;
  /** After stop(): how long edits were offered, and the rates offered and achieved over that time. */
  readonly figures: { seconds: number; offeredPerSecond: number; writtenPerSecond: number; maxInFlight: number };
}

/**
 * Writes `perSecond` F&O customer-group changes per second to the ids `<prefix>000..`, cycling
 * through `ids` of them. Open loop, like people who do not wait for each other: every 100 ms it
 * sends what the schedule owes since the start (in one $batch) without waiting for the batches
 * still in flight (up to `maxInFlight`), so a slow answer does not lower the rate offered.
 * `written` says what really succeeded.
 */
export function steadyEdits(world: SyncWorld, options: { perSecond: number; prefix: string; ids?: number; company?: string; maxInFlight?: number }): SteadyEdits {
  const ids = options.ids ?? 200;
  const company = options.company ?? 'usmf';
  const maxInFlight = options.maxInFlight ?? 32;
  const startedAt = Date.now();
  let stoppedAt: number | undefined;
  let n = 0;
  const state = { written: 0, failed: 0, maxInFlight: 0 };
  const inFlight = new Set<Promise<void>>();
  const send = (count: number) => {
    const ops = Array.from({ length: count }, () => {
      const i = n++;
      const id = `${options.prefix}${String(i % ids).padStart(3, '0')}`;
      return { id: String(i), kind: 'upsert' as const, key: { dataAreaId: company, CustomerGroupId: id }, values: { Description: `edit ${i}` } };
    });
    const request: Promise<void> = world.users.finops
      .writeBatch('CustomerGroups', ops)
      .then((results) => {
        for (const r of results) {
          if (r.ok) state.written++;
          else state.failed++;
        }
      })
      .catch(() => {
        state.failed += ops.length;
      })
      .finally(() => inFlight.delete(request));
    inFlight.add(request);
    state.maxInFlight = Math.max(state.maxInFlight, inFlight.size);
  };
  // Pacing of a load generator, not a wait for a condition.
  const timer = setInterval(() => {
    const owed = Math.floor(((Date.now() - startedAt) * options.perSecond) / 1000) - n;
    // At most 100 edits a batch: a generator that fell behind catches up in ordinary batches.
    if (owed > 0 && inFlight.size < maxInFlight) send(Math.min(owed, 100));
  }, 100);
  // A scenario that fails before stop() must not leave the generator running (and the file hanging).
  after(() => clearInterval(timer));
  return {
    get written() {
      return state.written;
    },
    get failed() {
      return state.failed;
    },
    get offered() {
      return n;
    },
    async stop() {
      if (stoppedAt === undefined) {
        clearInterval(timer);
        stoppedAt = Date.now();
      }
      while (inFlight.size > 0) await Promise.all([...inFlight]);
      return state.written;
    },
    get figures() {
      const seconds = ((stoppedAt ?? Date.now()) - startedAt) / 1000;
      return { seconds, offeredPerSecond: n / seconds, writtenPerSecond: state.written / seconds, maxInFlight: state.maxInFlight };
    },
  };
}

/**
 * A catalog holding only `names` and the maps they need (dependsOn and lookups, transitively),
 * copied from the standard catalog, with `changes` applied. The fault scenarios run against it so
 * that maps added to the standard catalog later cannot change what they test.
 */
export function catalogOf(names: string[], changes: Record<string, (map: Record<string, unknown>) => void> = {}): string {
  const source = join(__dirname, '../../maps');
  const byName = new Map<string, { file: string; map: Record<string, unknown> }>();
  for (const file of readdirSync(source).filter((f) => f.endsWith('.json') && f !== 'schema.json')) {
    try {
      const map = JSON.parse(readFileSync(join(source, file), 'utf8')) as Record<string, unknown>;
      byName.set(String(map.name), { file, map });
    } catch {
      // A map file another change left broken is no concern of these scenarios unless needed.
    }
  }
  const wanted = new Set<string>();
  const visit = (name: string) => {
    if (wanted.has(name)) return;
    const entry = byName.get(name);
    if (!entry) throw new Error(`catalogOf: no map named ${name} in ${source}`);
    wanted.add(name);
    const needs = [...((entry.map.dependsOn as string[] | undefined) ?? []), ...((entry.map.columns as { lookup?: { map: string | string[] } }[]).flatMap((c) => (c.lookup ? [c.lookup.map].flat() : [])))];
    needs.forEach(visit);
  };
  names.forEach(visit);
  const dir = mkdtempSync(join(tmpdir(), 'dualwrite-fault-maps-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  for (const name of wanted) {
    const { file, map } = byName.get(name)!;
    const copy = structuredClone(map);
    changes[name]?.(copy);
    delete copy.$schema;
    writeFileSync(join(dir, file), JSON.stringify(copy, null, 2));
  }
  return dir;
}
