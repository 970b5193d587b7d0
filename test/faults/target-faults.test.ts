import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HttpEvent } from '../../src/connectors/http/http-client';
import { mapWorkflowId } from '../../src/contracts/names';
import { eventually, startSyncWorld, type SyncWorld } from '../harness/sync-world';
import { enable, settled, status } from '../sync/helpers';
import { catalogOf, describeDifferences, describeSummaries, differences, isEqual, recordRequests, type SideDifferences } from './support';

/**
 * The target (Dataverse) misbehaves while F&O keeps changing: first a storm of 429s with
 * Retry-After, then a full outage. Each ends with both sides equal under the map.
 */
const MAP = 'customer-groups';

async function editInFinops(world: SyncWorld, ids: string[], description: string): Promise<void> {
  const results = await world.users.finops.writeBatch(
    'CustomerGroups',
    ids.map((id) => ({ id, kind: 'upsert' as const, key: { dataAreaId: 'usmf', CustomerGroupId: id }, values: { Description: `${description} ${id}` } })),
  );
  for (const r of results) assert.ok(r.ok, JSON.stringify(r));
}

async function converged(world: SyncWorld, timeoutMs = 60_000): Promise<SideDifferences> {
  await settled(world, MAP);
  const d = await eventually('both sides equal under the map', async () => {
    const diff = await differences(world, MAP);
    return isEqual(diff) ? diff : undefined;
  }, timeoutMs).catch(async (err: Error) => {
    throw new Error(`${err.message}; last differences: ${describeDifferences(await differences(world, MAP))}`);
  });
  assert.ok(d.rows > 0, 'the comparison covered rows');
  return d;
}

test('target faults during live sync: a 429 storm is waited out, an outage loses nothing', async (t) => {
  const clientEvents: HttpEvent[] = [];
  let observing = false;
  const world = await startSyncWorld({
    companies: ['usmf'],
    mapsDir: catalogOf(['customer-groups']),
    onHttpEvent: (system, event) => {
      if (observing && system === 'dataverse') clientEvents.push(event);
    },
  });
  await world.withWorker(async () => {
    await enable(world, { maps: [MAP], initialSync: { master: 'finops' } });
    await converged(world);

    await t.test('429 storm with Retry-After: no request before Retry-After has passed, then convergence', async () => {
      const retryAfterSeconds = 2;
      const recorder = recordRequests(world.dataverse.port);
      clientEvents.length = 0;
      observing = true;
      world.dataverse.faults.configure({ throttle: { maxRequestsPerSecond: 1, retryAfterSeconds } });
      try {
        // Changes keep coming during the storm, in waves that each reach the inbox on their own.
        for (let wave = 0; wave < 6; wave++) {
          const before = await world.store.inbox.count({ map: MAP });
          await editInFinops(world, Array.from({ length: 3 }, (_, i) => `STORM${wave}${i}`), `storm wave ${wave}`);
          await eventually(`wave ${wave} in the inbox`, async () => (await world.store.inbox.count({ map: MAP })) >= before + 3);
        }
        await eventually('the target to throttle', () => recorder.requests.some((r) => r.status === 429), 30_000);
        await settled(world, MAP);
      } finally {
        world.dataverse.faults.reset();
        recorder.stop();
        observing = false;
      }
      const service = recorder.requests.filter((r) => r.path.startsWith('/api/data/'));
      const throttled = service.filter((r) => r.status === 429 && r.finishedAt !== undefined);
      assert.ok(throttled.length >= 1, `the storm throttled requests: ${service.length} requests`);
      // Requests already on the wire when the 429 left may still arrive just after it; allow for that.
      const inFlightGraceMs = 500;
      const early = service.filter((r) => throttled.some((t429) => r.arrivedAt > t429.finishedAt! + inFlightGraceMs && r.arrivedAt < t429.finishedAt! + retryAfterSeconds * 1000 - 20));
      assert.deepEqual(early.map((r) => `${r.method} ${r.path} at +${r.arrivedAt - throttled[0]!.finishedAt!} ms`), [], `no request within Retry-After of a 429 (${throttled.length} throttled of ${service.length})`);
      // The client's side, exact: once dualwrite's connector has read a 429, it begins no request
      // (no attempt passes its gate) until Retry-After has passed. Requests that passed the gate
      // before the 429 was read are in flight and may reach the wire just after it.
      const attempts = clientEvents.filter((e) => e.type === 'attempt' && new URL(e.url).pathname.startsWith('/api/data/'));
      const answered429 = clientEvents.filter((e) => e.type === 'response' && e.status === 429);
      assert.ok(answered429.length >= 1, `the client read 429s: ${attempts.length} attempts`);
      const begunTooEarly = attempts.filter((r) => answered429.some((a) => r.at >= a.at && r.at < a.at + retryAfterSeconds * 1000));
      assert.deepEqual(begunTooEarly.map((r) => `${r.method} ${r.url} begun at +${r.at - answered429[0]!.at} ms`), [], 'no attempt begun within Retry-After of a 429 the client read');
      const gaps = answered429.map((a) => Math.min(...attempts.filter((r) => r.at >= a.at).map((r) => r.at - a.at)));
      t.diagnostic(`429 storm: ${service.length} requests, ${throttled.length} throttled; client side: ${attempts.length} attempts, ${answered429.length} answered 429, next attempt after each 429 at ${gaps.map((g) => (Number.isFinite(g) ? `${g} ms` : 'none')).join(', ')} (Retry-After ${retryAfterSeconds * 1000} ms)`);
      const d = await converged(world);
      t.diagnostic(`after the storm: ${describeSummaries(d)}`);
    });

    await t.test('outage of the target during live sync: changes keep coming, nothing is lost', async () => {
      await world.dataverse.server.goDown();
      try {
        await editInFinops(world, ['OUT1', 'OUT2', 'OUT3'], 'during outage');
        await eventually('the inbox to hold the changes', async () => (await world.store.inbox.count({ map: MAP, status: 'pending' })) > 0);
        // The engine has met the outage once an apply attempt failed (a retrying activity, or the map's last error).
        const during = await eventually('the engine to meet the outage', async () => {
          const s = await status(world, MAP);
          if (s.lastError) return s.lastError;
          const described = await world.env.client.workflow.getHandle(mapWorkflowId(MAP)).describe();
          return described.raw.pendingActivities?.find((a) => a.lastFailure)?.lastFailure?.message ?? undefined;
        });
        t.diagnostic(`outage seen by the engine: ${during}`);
        await editInFinops(world, ['OUT2', 'OUT4'], 'later during outage');
        const [del] = await world.users.finops.writeBatch('CustomerGroups', [{ id: 'd', kind: 'delete', key: { dataAreaId: 'usmf', CustomerGroupId: 'STORM00' } }]);
        assert.ok(del?.ok, JSON.stringify(del));
        // The changes cannot have reached the target yet.
        assert.equal(world.dataverse.store.count('msdyn_customergroups') > 0, true);
      } finally {
        await world.dataverse.server.comeUp();
      }
      const d = await converged(world);
      t.diagnostic(`after the outage: ${describeSummaries(d)}`);
    });
  });
});
