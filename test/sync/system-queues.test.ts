import assert from 'node:assert/strict';
import { test } from 'node:test';
import { initialSyncWorkflowId, mapWorkflowId } from '../../src/contracts/names';
import { eventually, startSyncWorld, type SyncWorld } from '../harness/sync-world';
import { enable, settled } from './helpers';

const RATE = 2;

/** Activities of a workflow's history: name, task queue and when each started. */
async function activities(world: SyncWorld, workflowId: string): Promise<{ name: string; queue: string; startedAt?: number }[]> {
  const history = await world.env.client.workflow.getHandle(workflowId).fetchHistory();
  const scheduled = new Map<string, { name: string; queue: string; startedAt?: number }>();
  for (const event of history.events ?? []) {
    const s = event.activityTaskScheduledEventAttributes;
    if (s) scheduled.set(String(event.eventId), { name: s.activityType?.name ?? '', queue: s.taskQueue?.name ?? '' });
    const started = event.activityTaskStartedEventAttributes;
    if (started) {
      const entry = scheduled.get(String(started.scheduledEventId));
      const t = event.eventTime;
      if (entry && t) entry.startedAt = Number(t.seconds) * 1000 + Math.floor((t.nanos ?? 0) / 1e6);
    }
  }
  return [...scheduled.values()];
}

/**
 * Per-system task queues: work that writes a system runs on that system's queue, whose start
 * rate the Temporal server limits across all workers (the way several workers share one API
 * quota); work on the control store stays on the workflow queue.
 */
test('activities run on the queue of the system they write, within its server-side rate limit', async (t) => {
  const world = await startSyncWorld({ companies: ['usmf'] });
  const queues = { finops: `${world.taskQueue}-finops`, dataverse: `${world.taskQueue}-dataverse` };
  world.deps.systemQueues = queues;
  await world.withWorker(
    async () => {
      // Dataverse as master: its page size is the client's choice (F&O pages are the server's).
      await enable(world, { maps: ['customer-groups'], initialSync: { master: 'dataverse', pageSize: 1, pagesPerActivity: 1 } });

      await t.test('initial sync pages write F&O: on its queue, no faster than its limit', async () => {
        const pages = (await activities(world, initialSyncWorkflowId('customer-groups', 1))).filter((a) => a.name === 'copyPages');
        assert.ok(pages.length >= 4, `enough pages to see the rate: ${pages.length}`);
        assert.ok(pages.every((p) => p.queue === queues.finops), JSON.stringify(pages));
        const starts = pages.map((p) => p.startedAt!).sort((a, b) => a - b);
        const seconds = (starts[starts.length - 1]! - starts[0]!) / 1000;
        // The server hands out RATE starts a second; allow one second of burst at the start.
        assert.ok(seconds >= (pages.length - 1) / RATE - 1, `${pages.length} pages started within ${seconds} s at ${RATE}/s`);
      });

      await t.test('a live change from Dataverse is written to F&O by an activity on the F&O queue', async () => {
        const usmf = String((await world.users.dataverse.readPage({ entitySet: 'cdm_companies', filter: "cdm_companycode eq 'USMF'" })).rows[0]!.cdm_companyid);
        const row = (await world.users.dataverse.readPage({ entitySet: 'msdyn_customergroups', filter: `_msdyn_company_value eq ${usmf}`, pageSize: 1 })).rows[0]!;
        const [r] = await world.users.dataverse.writeBatch('msdyn_customergroups', [{ id: 'e', kind: 'upsert', key: { msdyn_customergroupid: String(row.msdyn_customergroupid) }, values: { msdyn_description: 'routed' } }]);
        assert.ok(r?.ok, JSON.stringify(r));
        await eventually('the edit in F&O', async () => (await world.users.finops.readPage({ entitySet: 'CustomerGroups', company: 'usmf', filter: `CustomerGroupId eq '${String(row.msdyn_groupid)}'` })).rows[0]?.Description === 'routed');
        await settled(world, 'customer-groups');
        const ran = await activities(world, mapWorkflowId('customer-groups'));
        const drains = ran.filter((a) => a.name === 'drainInbox');
        assert.ok(drains.some((d) => d.queue === queues.finops), JSON.stringify(drains));
        assert.ok(drains.every((d) => d.queue === queues.finops || d.queue === queues.dataverse), JSON.stringify(drains));
        assert.ok(ran.filter((a) => a.name === 'recordActivity' || a.name === 'describeRouting').every((a) => a.queue === world.taskQueue), 'control-store work stays on the workflow queue');
      });
    },
    [
      { taskQueue: queues.finops, maxTaskQueueActivitiesPerSecond: RATE },
      { taskQueue: queues.dataverse, maxTaskQueueActivitiesPerSecond: RATE },
    ],
  );
});
