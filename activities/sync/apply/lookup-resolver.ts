import type { Connector, KeyValues, Row } from '../../../src/connectors/types';
import { companyIdRequest, type FirstOfRequest, type LookupRequest, type LookupResults, type SingleLookupRequest } from '../../../src/maps/lookups';
import { lookupValueColumn } from '../../../src/maps/company';
import { compileFilter } from '../../../src/maps/filter';
import { evaluateFilter, filterColumns } from '../../../src/maps/odata-filter';
import type { EntitySetSchema } from '../../../src/schema/entity-schema';
import { RowIndex } from './row-index';

const MAX_CACHE = 200_000;

/**
 * Resolves the lookups a batch of rows needs with as few requests as possible: requests are
 * grouped per entity set and read with one `readByKeys` each. Found values are cached (ids of
 * reference rows rarely change); "not found" is not, so a row synced a moment later is seen.
 * A `first-of` request (a polymorphic lookup) is tried candidate by candidate, in rounds: all
 * first candidates of the batch together, then the second ones of those not found, and so on,
 * so each round still reads each entity set once.
 */
export class LookupResolver {
  private readonly cache = new Map<string, string | number | boolean>();

  constructor(
    private readonly dataverse: Connector,
    private readonly schemas: readonly EntitySetSchema[],
  ) {}

  async resolve(requests: readonly LookupRequest[]): Promise<LookupResults> {
    const results: Record<string, string | number | boolean | null> = {};
    const single = requests.filter((r): r is SingleLookupRequest => r.kind !== 'first-of');
    let firstOfs = requests.filter((r): r is FirstOfRequest => r.kind === 'first-of');
    await this.resolveSingle([...single, ...firstOfs.map((r) => r.candidates[0]!)], results);
    for (let round = 1; firstOfs.length > 0; round++) {
      const open: FirstOfRequest[] = [];
      for (const r of firstOfs) {
        const found = r.candidates.slice(0, round).map((c) => results[c.id]).find((v) => v !== null && v !== undefined);
        if (found !== undefined) results[r.id] = found;
        else if (round < r.candidates.length) open.push(r);
        else results[r.id] = null;
      }
      firstOfs = open;
      if (open.length > 0) await this.resolveSingle(open.map((r) => r.candidates[round]!), results);
    }
    return results;
  }

  private async resolveSingle(requests: readonly SingleLookupRequest[], results: Record<string, string | number | boolean | null>): Promise<void> {
    const unique = [...new Map(requests.map((r) => [r.id, r])).values()];
    const pending = unique.filter((r) => {
      if (Object.prototype.hasOwnProperty.call(results, r.id)) return false;
      const hit = this.cache.get(r.id);
      if (hit !== undefined) results[r.id] = hit;
      return hit === undefined;
    });
    // Company ids first: company-specific lookups are keyed by them.
    const companies = pending.filter((r) => r.kind === 'find-id' && r.entitySet === 'cdm_companies');
    await this.resolveGroup(companies, results);
    await this.resolveGroup(pending.filter((r) => !companies.includes(r)), results);
  }

  private async resolveGroup(requests: readonly SingleLookupRequest[], results: Record<string, string | number | boolean | null>): Promise<void> {
    const bySet = new Map<string, SingleLookupRequest[]>();
    for (const r of requests) bySet.set(r.entitySet, [...(bySet.get(r.entitySet) ?? []), r]);
    for (const [entitySet, group] of bySet) {
      const pk = this.primaryKey(entitySet);
      const wanted: { request: SingleLookupRequest; key: KeyValues }[] = [];
      for (const r of group) {
        if (r.kind === 'read-column') {
          wanted.push({ request: r, key: { [pk]: r.recordId } });
          continue;
        }
        const key: KeyValues = { ...r.key };
        if (r.company && r.companyColumn) {
          const companyId = results[companyIdRequest(r.company).id] ?? this.cache.get(companyIdRequest(r.company).id);
          if (typeof companyId !== 'string') {
            results[r.id] = null;
            continue;
          }
          key[lookupValueColumn(r.companyColumn)] = companyId;
        }
        wanted.push({ request: r, key });
      }
      if (wanted.length === 0) continue;
      const columns = new Set<string>([pk]);
      for (const w of wanted) {
        for (const c of Object.keys(w.key)) columns.add(c);
        if (w.request.kind === 'read-column') columns.add(w.request.column);
        if (w.request.filter) for (const c of filterColumns(compileFilter(w.request.filter))) columns.add(c);
      }
      const rows = await this.dataverse.readByKeys(
        entitySet,
        wanted.map((w) => w.key),
        [...columns],
      );
      const found = new RowIndex(rows);
      for (const w of wanted) {
        const candidate = found.find(w.key);
        const row = candidate && (!w.request.filter || evaluateFilter(compileFilter(w.request.filter), candidate)) ? candidate : undefined;
        const value = row ? (w.request.kind === 'read-column' ? row[w.request.column] : row[pk]) : undefined;
        const result = typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? value : null;
        results[w.request.id] = result;
        if (result !== null) this.remember(w.request.id, result);
      }
    }
  }

  private primaryKey(entitySet: string): string {
    const schema = this.schemas.find((s) => s.system === 'dataverse' && s.entitySet === entitySet);
    const pk = schema?.primaryKey[0];
    if (!pk) throw new Error(`no Dataverse schema for entity set '${entitySet}': cannot resolve lookups to it`);
    return pk;
  }

  private remember(id: string, value: string | number | boolean): void {
    if (this.cache.size >= MAX_CACHE) this.cache.clear();
    this.cache.set(id, value);
  }
}

/** Key values compare as the services do: text case-insensitively (GUIDs, codes), others exactly. */
export function matches(row: Row, key: KeyValues): boolean {
  return Object.entries(key).every(([column, expected]) => sameValue(row[column], expected));
}

export function sameValue(actual: unknown, expected: unknown): boolean {
  if (typeof actual === 'string' && typeof expected === 'string') return actual.toLowerCase() === expected.toLowerCase();
  return actual === expected;
}
