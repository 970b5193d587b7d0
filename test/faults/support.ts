import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { after } from 'node:test';
import type { Connector, Row } from '../../src/connectors/types';
import { effectiveSettings, integrationKey, lookupValueColumn, type TableMap } from '../../src/maps';
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
 * mean equal records under the map. Value maps are not translated (the maps these scenarios use
 * have none on their compared columns).
 */
export async function projectSides(world: SyncWorld, mapName: string): Promise<{ finops: SideProjection; dataverse: SideProjection }> {
  const map = await mapByName(world, mapName);
  const both = map.columns.filter((c) => c.finops !== undefined && c.dataverse !== undefined);
  const companies = await readAll(world.connectors.dataverse, DATAVERSE_COMPANY_ENTITY_SET);
  const codeById = new Map(companies.map((c) => [String(c[DATAVERSE_COMPANY_ID_COLUMN]).toLowerCase(), String(c[DATAVERSE_COMPANY_CODE_COLUMN])]));
  const wanted = new Set(world.companies.map((c) => c.toLowerCase()));

  const finops: SideProjection = { rows: new Map(), duplicates: [] };
  for (const company of map.scope === 'company' ? world.companies : [undefined]) {
    for (const row of await readAll(world.connectors.finops, map.finops.entitySet, company, map.finops.filter)) {
      const key = integrationKey(map, 'finops', row).key;
      const projected: Record<string, unknown> = {};
      for (const c of both) projected[c.finops!] = normalise(row[c.finops!]);
      if (finops.rows.has(key)) finops.duplicates.push(key);
      finops.rows.set(key, projected);
    }
  }

  // Lookup targets: GUID -> the referenced row's F&O-side key value.
  const lookupTargets = new Map<string, Map<string, unknown>>();
  for (const c of both) {
    if (!c.lookup) continue;
    const target = await mapByName(world, c.lookup.map);
    const keyColumn = target.dataverse.key[target.dataverse.key.length - 1]!;
    const idColumn = dataverseEntitySet(target.dataverse.entitySet)?.primaryKey[0];
    if (!idColumn) throw new Error(`no Dataverse schema for ${target.dataverse.entitySet}`);
    const byId = new Map<string, unknown>();
    for (const r of await readAll(world.connectors.dataverse, target.dataverse.entitySet)) byId.set(String(r[idColumn]).toLowerCase(), r[keyColumn]);
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

/** What differs between the two sides of a map; empty lists mean the sides are equal under it. */
export interface SideDifferences {
  onlyInFinops: string[];
  onlyInDataverse: string[];
  different: { key: string; finops: unknown; dataverse: unknown }[];
  duplicates: string[];
  rows: number;
}

export async function differences(world: SyncWorld, mapName: string): Promise<SideDifferences> {
  const { finops, dataverse } = await projectSides(world, mapName);
  const out: SideDifferences = { onlyInFinops: [], onlyInDataverse: [], different: [], duplicates: [...finops.duplicates, ...dataverse.duplicates], rows: finops.rows.size };
  for (const [key, row] of finops.rows) {
    const other = dataverse.rows.get(key);
    if (!other) out.onlyInFinops.push(key);
    else if (JSON.stringify(row) !== JSON.stringify(other)) out.different.push({ key, finops: row, dataverse: other });
  }
  for (const key of dataverse.rows.keys()) if (!finops.rows.has(key)) out.onlyInDataverse.push(key);
  return out;
}

export function isEqual(d: SideDifferences): boolean {
  return d.onlyInFinops.length === 0 && d.onlyInDataverse.length === 0 && d.different.length === 0 && d.duplicates.length === 0;
}

/** A short, readable account of differences for assertion messages. */
export function describeDifferences(d: SideDifferences): string {
  return JSON.stringify({ rows: d.rows, onlyInFinops: d.onlyInFinops.slice(0, 5), onlyInDataverse: d.onlyInDataverse.slice(0, 5), different: d.different.slice(0, 3), duplicates: d.duplicates.slice(0, 5), counts: [d.onlyInFinops.length, d.onlyInDataverse.length, d.different.length, d.duplicates.length] });
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
  /** Stops and resolves with the number of successful writes. */
  stop(): Promise<number>;
}

/**
 * Writes `perSecond` F&O customer-group changes per second (in ten slices a second) to the ids
 * `<prefix>000..`, cycling through `ids` of them. A slice that falls behind is not made up: the
 * rate is a ceiling, and `written` says what was really done.
 */
export function steadyEdits(world: SyncWorld, options: { perSecond: number; prefix: string; ids?: number; company?: string }): SteadyEdits {
  const ids = options.ids ?? 200;
  const perSlice = Math.max(1, Math.round(options.perSecond / 10));
  const company = options.company ?? 'usmf';
  let stopped = false;
  let n = 0;
  const state = { written: 0, failed: 0 };
  const loop = (async () => {
    while (!stopped) {
      const sliceStart = Date.now();
      const ops = Array.from({ length: perSlice }, () => {
        const i = n++;
        const id = `${options.prefix}${String(i % ids).padStart(3, '0')}`;
        return { id: String(i), kind: 'upsert' as const, key: { dataAreaId: company, CustomerGroupId: id }, values: { Description: `edit ${i}` } };
      });
      try {
        const results = await world.users.finops.writeBatch('CustomerGroups', ops);
        for (const r of results) {
          if (r.ok) state.written++;
          else state.failed++;
        }
      } catch {
        state.failed += ops.length;
      }
      const wait = 100 - (Date.now() - sliceStart);
      // Pacing of a load generator, not a wait for a condition.
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
  })();
  return {
    get written() {
      return state.written;
    },
    get failed() {
      return state.failed;
    },
    async stop() {
      stopped = true;
      await loop;
      return state.written;
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
    const needs = [...((entry.map.dependsOn as string[] | undefined) ?? []), ...((entry.map.columns as { lookup?: { map: string } }[]).flatMap((c) => (c.lookup ? [c.lookup.map] : [])))];
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
