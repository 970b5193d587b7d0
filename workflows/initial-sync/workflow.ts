import { allHandlersFinished, condition, continueAsNew, setCurrentDetails, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { initialSyncProgressQuery, type InitialSyncCounts, type InitialSyncProgress } from '../../src/contracts/map-messages';
import { DUALWRITE_MAP, DUALWRITE_STATE } from '../../src/contracts/search-attributes';
import type { InitialSyncInput } from '../../src/contracts/workflow-inputs';
import { proxyActivities } from '@temporalio/workflow';
import type { SyncActivities } from '../../activities/sync/contracts';
import { control } from '../table-map/activities';

const zero = (): InitialSyncCounts => ({ read: 0, created: 0, updated: 0, unchanged: 0, failed: 0, skipped: 0 });

/**
 * `dualwrite-initial-<map>-<n>`: copies existing rows from the master side, page by page and
 * company by company, writing only differences. The cursor is checkpointed after every
 * activity (and heartbeated inside it after every page), so a killed worker or server resumes
 * where it stopped; writes are upserts by integration key, so a replayed page is harmless.
 * No row cap: continue-as-new keeps the history short whatever the size.
 */
export async function initialSyncWorkflow(input: InitialSyncInput): Promise<InitialSyncCounts> {
  const pageSize = input.sync.pageSize ?? 1000;
  const pagesPerActivity = input.sync.pagesPerActivity ?? 50;
  // Pages write the target system: they run on its task queue (and within its rate limit).
  const target = input.sync.master === 'finops' ? 'dataverse' : 'finops';
  const pages = proxyActivities<SyncActivities>({
    ...(input.taskQueues ? { taskQueue: input.taskQueues[target] } : {}),
    startToCloseTimeout: '30 minutes',
    heartbeatTimeout: `${input.sync.heartbeatTimeoutSeconds ?? 60} seconds`,
    retry: { initialInterval: '1 second', maximumInterval: '60 seconds' },
  });
  const c = input.carried ?? { companyIndex: 0, pass: 1, counts: zero(), startedAt: new Date().toISOString() };
  const plan = await control.planInitialSync({ map: input.map });

  const progress = (done: boolean): InitialSyncProgress => ({
    map: input.map,
    master: input.sync.master,
    company: plan.companies[c.companyIndex] ?? null,
    pass: c.pass,
    done,
    startedAt: c.startedAt,
    ...c.counts,
  });
  const publish = (done: boolean) => {
    upsertSearchAttributes([
      { key: DUALWRITE_MAP, value: input.map },
      { key: DUALWRITE_STATE, value: done ? 'Completed' : 'InitialSync' },
    ]);
    const p = progress(done);
    setCurrentDetails(
      `**${done ? 'Completed' : 'Initial sync'}** of ${input.map} from ${input.sync.master}\n\n` +
        `company ${p.company ?? '(all)'} · pass ${p.pass}/${plan.passes}\n\n` +
        `read ${p.read} · created ${p.created} · updated ${p.updated} · unchanged ${p.unchanged} · failed ${p.failed}`,
    );
  };
  setHandler(initialSyncProgressQuery, () => progress(c.companyIndex >= plan.companies.length));

  if (!input.carried) await control.recordActivity({ map: input.map, type: 'initial-sync', message: `initial sync #${input.run} started from ${input.sync.master}` });

  while (c.companyIndex < plan.companies.length) {
    publish(false);
    const result = await pages.copyPages({
      map: input.map,
      master: input.sync.master,
      company: plan.companies[c.companyIndex] ?? null,
      pass: c.pass,
      continuation: c.continuation,
      pageSize,
      maxPages: pagesPerActivity,
    });
    for (const key of Object.keys(c.counts) as (keyof InitialSyncCounts)[]) c.counts[key] += result.counts[key];
    c.continuation = result.continuation;
    if (!c.continuation) {
      if (c.pass < plan.passes) c.pass += 1;
      else {
        c.pass = 1;
        c.companyIndex += 1;
      }
    }
    const info = workflowInfo();
    if (c.companyIndex < plan.companies.length && (info.continueAsNewSuggested || (input.maxHistoryEvents !== undefined && info.historyLength > input.maxHistoryEvents))) {
      await condition(allHandlersFinished);
      return continueAsNew<typeof initialSyncWorkflow>({ ...input, carried: c });
    }
  }
  publish(true);
  await control.recordActivity({
    map: input.map,
    type: 'initial-sync',
    message: `initial sync #${input.run} finished: read ${c.counts.read}, created ${c.counts.created}, updated ${c.counts.updated}, unchanged ${c.counts.unchanged}, failed ${c.counts.failed}`,
    data: { ...c.counts },
  });
  return c.counts;
}
