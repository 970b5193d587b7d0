import { directionFrom } from '../../activities/sync/apply/change';
import { ApplyEngine } from '../../activities/sync/apply/engine';
import { LookupResolver } from '../../activities/sync/apply/lookup-resolver';
import type { WriteOp } from '../../src/connectors/types';
import { lookupValueColumn } from '../../src/maps/company';
import { renderFilter } from '../../src/maps/filter';
import { companyIdRequest, lookupRequests, type LookupRequest } from '../../src/maps/lookups';
import { effectiveSettings, type TableMap } from '../../src/maps/schema';
import { transformRecord } from '../../src/maps/transform';
import type { SystemName } from '../../src/schema/entity-schema';
import type { BenchWorld } from './world';

export interface CopyCounts {
  read: number;
  written: number;
  failed: number;
  pages: number;
}

/**
 * Copies a map's rows from `master` to the other side without Temporal, in one of two ways:
 *  - `raw`: the baseline of design.md §9: read a page, map it (lookups resolved in bulk and
 *    cached, as the engine does), write it as one `$batch` of upserts. No diffing, no ledger.
 *  - `engine`: the same page loop, but each page goes through the real ApplyEngine (what the
 *    initial-sync activity does), which isolates the cost of Temporal from the cost of the engine;
 *  - `raw-create`: `raw` with plain creates, for the cost of the F&O connector's upsert
 *    (PATCH by key, then POST after a 404) against an empty target.
 */
export async function directCopy(world: BenchWorld, mapName: string, master: SystemName, how: 'raw' | 'raw-create' | 'engine', pageSize: number): Promise<CopyCounts> {
  const map = await world.maps.get(mapName);
  const catalog = await world.maps.all();
  const target: SystemName = master === 'finops' ? 'dataverse' : 'finops';
  const direction = directionFrom(master);
  const resolver = new LookupResolver(world.connectors.dataverse, world.deps.schemas);
  const engine = new ApplyEngine(world.deps);
  const dataverseSchema = world.deps.schemas.find((s) => s.system === 'dataverse' && s.entitySet === map.dataverse.entitySet);
  const counts: CopyCounts = { read: 0, written: 0, failed: 0, pages: 0 };

  for (const company of map.scope === 'company' ? world.deps.companies : [null]) {
    const { filter, company: finopsCompany } = await pageFilter(map, master, company, resolver);
    let continuation: string | undefined;
    do {
      const page = await world.connectors[master].readPage({ entitySet: map[master].entitySet, filter, company: finopsCompany, pageSize, continuation });
      counts.read += page.rows.length;
      counts.pages++;
      if (how === 'engine') {
        const outcomes = await engine.apply(map, direction, page.rows.map((values, i) => ({ ref: String(i), op: 'upsert' as const, values })), { mode: 'initial' });
        for (const o of outcomes) {
          if (o.kind === 'created' || o.kind === 'updated') counts.written++;
          else if (o.kind === 'failed' || o.kind === 'deferred' || o.kind === 'retry') counts.failed++;
        }
      } else {
        const requests = new Map<string, LookupRequest>();
        for (const row of page.rows) for (const r of lookupRequests(map, direction, row, catalog)) requests.set(r.id, r);
        const lookups = await resolver.resolve([...requests.values()]);
        const ops: WriteOp[] = [];
        for (const row of page.rows) {
          const tr = transformRecord(map, direction, row, { lookups, catalog, dataverseSchema });
          if (!tr.key || tr.errors.length > 0) {
            counts.failed++;
            if (process.env.BENCH_DEBUG) process.stderr.write(`transform: ${JSON.stringify(tr.errors)}\n`);
          }
          else ops.push({ id: String(ops.length), kind: 'upsert', key: tr.key, values: tr.values, mode: how === 'raw-create' ? 'create' : 'upsert' });
        }
        const results = ops.length > 0 ? await world.connectors[target].writeBatch(map[target].entitySet, ops) : [];
        for (const r of results) {
          if (r.ok) counts.written++;
          else {
            counts.failed++;
            if (process.env.BENCH_DEBUG) process.stderr.write(`write: ${JSON.stringify(r.error)}\n`);
          }
        }
      }
      continuation = page.continuation;
    } while (continuation);
  }
  return counts;
}

/** The rows a copy of the map from `master` reads (untimed: a key-only read of the same pages). */
export async function countSourceRows(world: BenchWorld, mapName: string, master: SystemName): Promise<number> {
  const map = await world.maps.get(mapName);
  const resolver = new LookupResolver(world.connectors.dataverse, world.deps.schemas);
  let rows = 0;
  for (const company of map.scope === 'company' ? world.deps.companies : [null]) {
    const { filter, company: finopsCompany } = await pageFilter(map, master, company, resolver);
    let continuation: string | undefined;
    do {
      const page = await world.connectors[master].readPage({ entitySet: map[master].entitySet, select: map[master].key, filter, company: finopsCompany, pageSize: 5000, continuation });
      rows += page.rows.length;
      continuation = page.continuation;
    } while (continuation);
  }
  return rows;
}

/** The master's filter for one company, built as the initial-sync activity builds it. */
async function pageFilter(map: TableMap, master: SystemName, company: string | null, resolver: LookupResolver): Promise<{ filter?: string; company?: string }> {
  const filters = [renderFilter(map, master)];
  let finopsCompany: string | undefined;
  if (company) {
    if (master === 'finops') finopsCompany = company;
    else {
      const request = companyIdRequest(company);
      const id = (await resolver.resolve([request]))[request.id];
      if (typeof id !== 'string') throw new Error(`company '${company}' has no cdm_companies row in Dataverse`);
      filters.push(`${lookupValueColumn(effectiveSettings(map).companyColumn)} eq ${id}`);
    }
  }
  const filter = filters.filter((f): f is string => !!f).map((f) => `(${f})`).join(' and ') || undefined;
  return { ...(filter ? { filter } : {}), ...(finopsCompany ? { company: finopsCompany } : {}) };
}
