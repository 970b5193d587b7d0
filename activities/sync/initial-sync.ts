import { activityInfo, heartbeat } from '@temporalio/activity';
import type { InitialSyncCounts } from '../../src/contracts/map-messages';
import { renderFilter } from '../../src/maps/filter';
import { companyIdRequest, holdsSelfReference } from '../../src/maps/lookups';
import { lookupValueColumn } from '../../src/maps/company';
import { dependencyGraph } from '../../src/maps/graph';
import { effectiveSettings } from '../../src/maps/schema';
import type { CopyPagesInput, CopyPagesResult, InitialSyncPlan } from './contracts';
import type { SyncDependencies } from './deps';
import { directionFrom, type Outcome } from './apply/change';
import type { ApplyEngine } from './apply/engine';
import { LookupResolver } from './apply/lookup-resolver';

/** Rows per engine call within a page: one `$batch` each, and a heartbeat between them. */
const APPLY_SLICE = 1000;

const zero = (): InitialSyncCounts => ({ read: 0, created: 0, updated: 0, unchanged: 0, failed: 0, skipped: 0 });

export function createInitialSyncActivities(deps: SyncDependencies, engine: ApplyEngine) {
  const resolver = new LookupResolver(deps.connectors.dataverse, deps.schemas);
  return {
    async planInitialSync(input: { map: string }): Promise<InitialSyncPlan> {
      const map = await deps.maps.get(input.map);
      const selfReferencing = dependencyGraph([map]).selfReferencing.includes(map.name);
      return { companies: map.scope === 'company' ? [...deps.companies] : [null], passes: selfReferencing ? 2 : 1 };
    },

    /**
     * Copies up to `maxPages` pages from the master, writing only differences. Progress is
     * heartbeated after every page; a retry after a crash resumes from the last heartbeat,
     * replaying at most one page, which the upsert-by-key writes make harmless.
     */
    async copyPages(input: CopyPagesInput): Promise<CopyPagesResult> {
      const map = await deps.maps.get(input.map);
      const resumed = activityInfo().heartbeatDetails as { continuation?: string; counts: InitialSyncCounts; pages: number } | undefined;
      let continuation = resumed?.continuation ?? input.continuation;
      const counts = resumed?.counts ?? zero();
      let pages = resumed?.pages ?? 0;
      const passes = dependencyGraph([map]).selfReferencing.includes(map.name) ? 2 : 1;
      const filters = [renderFilter(map, input.master)];
      let company: string | undefined;
      if (input.company) {
        if (input.master === 'finops') company = input.company;
        else {
          const request = companyIdRequest(input.company);
          const id = (await resolver.resolve([request]))[request.id];
          if (typeof id !== 'string') throw new Error(`company '${input.company}' has no cdm_companies row in Dataverse: sync legal entities first`);
          filters.push(`${lookupValueColumn(effectiveSettings(map).companyColumn)} eq ${id}`);
        }
      }
      const filter = filters.filter((f): f is string => !!f).map((f) => `(${f})`).join(' and ') || undefined;
      while (pages < input.maxPages) {
        const page = await deps.connectors[input.master].readPage({ entitySet: map[input.master].entitySet, filter, company, pageSize: input.pageSize, continuation });
        // F&O serves pages of up to 10,000 rows whatever the hint: applying one can outlast the
        // heartbeat timeout, and an attempt that never heartbeats is retried forever. The page is
        // applied in slices, each preceded by a heartbeat that still points at the page's start.
        const changes = page.rows.map((values, i) => ({ ref: String(i), op: 'upsert' as const, values }));
        const atPageStart = { continuation, counts: { ...counts }, pages };
        const outcomes: Outcome[] = [];
        const direction = directionFrom(input.master);
        for (let i = 0; i < changes.length; i += APPLY_SLICE) {
          heartbeat(atPageStart);
          const slice = changes.slice(i, i + APPLY_SLICE);
          // A self-referencing map loads in two passes, but only rows that hold a self reference
          // need both: the first writes them without it (the row referred to may not be there
          // yet), the second adds it. The others are written whole in the first pass and left
          // alone in the second, which still reads every page (its cursors are the first's).
          const referring: typeof slice = [];
          const whole: typeof slice = [];
          for (const c of slice) (passes === 2 && holdsSelfReference(map, direction, c.values) ? referring : whole).push(c);
          const applications = [
            ...(input.pass === 1 || passes === 1 ? [{ changes: whole, withoutSelfLookups: false }] : []),
            { changes: referring, withoutSelfLookups: input.pass === 1 },
          ].filter((a) => a.changes.length > 0);
          for (const a of applications) {
            const sliceOutcomes = await engine.apply(map, direction, a.changes, { mode: 'initial', withoutSelfLookups: a.withoutSelfLookups });
            // A throttled or absent target: the rest of the page would meet the same answer.
            const retry = sliceOutcomes.find((o) => o.kind === 'retry');
            if (retry) throw new Error(`the target could not take page ${pages + 1} yet: ${retry.message ?? 'temporary failure'}`);
            outcomes.push(...sliceOutcomes);
          }
          if (passes === 2 && input.pass === 2) for (const c of whole) outcomes.push({ ref: c.ref, kind: 'unchanged', message: 'written whole in the first pass' });
        }
        counts.read += page.rows.length;
        for (const o of outcomes) {
          if (o.kind === 'created') counts.created++;
          else if (o.kind === 'updated') counts.updated++;
          else if (o.kind === 'unchanged') counts.unchanged++;
          else if (o.kind === 'failed' || o.kind === 'deferred') counts.failed++;
          else counts.skipped++;
        }
        continuation = page.continuation;
        pages++;
        heartbeat({ continuation, counts, pages });
        if (!continuation) break;
      }
      return { counts, continuation };
    },
  };
}
