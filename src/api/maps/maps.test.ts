import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { defaultPayloadConverter } from '@temporalio/common';
import { enableWorkflowId, initialSyncWorkflowId, mapWorkflowId } from '../../contracts/names';
import { finishSignal, type RecordedSignal } from '../test-support/recorder-workflows';
import { startApiWorld, testMap, uniqueId, waitFor, withRecorderWorker, type ApiWorld } from '../test-support/api-world';

// One top-level test with subtests: the world's after() hooks run when all subtests are done.
test('maps API (real SQLite store, real Temporal dev server)', async (t) => {
  const running = uniqueId('api-running');
  const idle = uniqueId('api-idle');
  const world: ApiWorld = await startApiWorld([testMap(running), testMap(idle)]);

  await t.test('lists every map with NotRunning for a map without a workflow', async () => {
    const res = await world.call('viewer', 'GET', '/api/v1/maps');
    assert.equal(res.status, 200);
    const byName = new Map((res.json.items as { name: string; live: { state: string; workflowId: string } }[]).map((m) => [m.name, m]));
    assert.equal(byName.get(idle)?.live.state, 'NotRunning');
    assert.equal(byName.get(idle)?.live.workflowId, mapWorkflowId(idle));
    assert.equal(byName.get(running)?.live.state, 'NotRunning');
  });

  await t.test('signals pause, resume and stop to dualwrite-map-<map> with the caller as `by`, and reports live status', async () => {
    const handle = await world.client.workflow.start('signalRecorderWorkflow', { taskQueue: world.taskQueue, workflowId: mapWorkflowId(running), args: [{ map: running, initialSyncRuns: 1 }] });
    const initial = await world.client.workflow.start('initialSyncStandInWorkflow', { taskQueue: world.taskQueue, workflowId: initialSyncWorkflowId(running, 1), args: [{ map: running, read: 42 }] });
    after(() => initial.terminate().catch(() => undefined));

    const signals = await withRecorderWorker(world, async () => {
      const denied = await world.call('viewer', 'POST', `/api/v1/maps/${running}/pause`, { reason: 'viewer tries' });
      assert.equal(denied.status, 403);
      assert.equal(denied.json.error.code, 'forbidden');

      const paused = await world.call('operator', 'POST', `/api/v1/maps/${running}/pause`, { reason: 'maintenance' });
      assert.equal(paused.status, 202, JSON.stringify(paused.json));
      assert.deepEqual(paused.json, { map: running, workflowId: mapWorkflowId(running), signal: 'pause', by: 'operator' });

      const status = await waitFor('the Paused state', async () => {
        const s = await world.call('viewer', 'GET', `/api/v1/maps/${running}/status`);
        return s.json.state === 'Paused' ? s.json : undefined;
      });
      assert.equal(status.status.pausedBy, 'operator');

      const listed = await world.call('viewer', 'GET', '/api/v1/maps');
      const states = Object.fromEntries((listed.json.items as { name: string; live: { state: string } }[]).map((m) => [m.name, m.live.state]));
      assert.equal(states[running], 'Paused');
      assert.equal(states[idle], 'NotRunning');

      const badMode = await world.call('operator', 'POST', `/api/v1/maps/${running}/resume`, { mode: 'fast' });
      assert.equal(badMode.status, 400);
      assert.equal(badMode.json.error.code, 'invalid-request');
      assert.equal(badMode.json.error.details.issues[0].in, 'body');
      assert.equal(badMode.json.error.details.issues[0].path, '$.mode');

      const resumed = await world.call('operator', 'POST', `/api/v1/maps/${running}/resume`, { mode: 'park' });
      assert.equal(resumed.status, 202);
      assert.equal(resumed.json.mode, 'park');

      const progress = await world.call('viewer', 'GET', `/api/v1/maps/${running}/initial-sync`);
      assert.equal(progress.status, 200, JSON.stringify(progress.json));
      assert.equal(progress.json.workflowId, initialSyncWorkflowId(running, 1));
      assert.equal(progress.json.read, 42);
      const missingRun = await world.call('viewer', 'GET', `/api/v1/maps/${running}/initial-sync?run=7`);
      assert.equal(missingRun.status, 404);

      const stopped = await world.call('operator', 'POST', `/api/v1/maps/${running}/stop`, {});
      assert.equal(stopped.status, 202);
      await initial.signal(finishSignal);
      return (await handle.result()) as RecordedSignal[];
    });

    assert.deepEqual(signals, [
      { signal: 'pause', input: { reason: 'maintenance', by: 'operator' } },
      { signal: 'resume', input: { mode: 'park', by: 'operator' } },
      { signal: 'stop', input: { by: 'operator' } },
    ]);
    const afterStop = await world.call('viewer', 'GET', `/api/v1/maps/${running}/status`);
    assert.equal(afterStop.json.state, 'Stopped');

    const log = await world.store.log.query({ map: running, type: 'command' });
    assert.deepEqual(log.items.map((e) => e.actor), ['operator', 'operator', 'operator']);
  });

  await t.test('refuses signals to a map that does not run (409) or does not exist (404)', async () => {
    const notRunning = await world.call('operator', 'POST', `/api/v1/maps/${idle}/pause`);
    assert.equal(notRunning.status, 409);
    assert.equal(notRunning.json.error.code, 'map-not-running');
    const unknown = await world.call('operator', 'POST', '/api/v1/maps/no-such-map/stop');
    assert.equal(unknown.status, 404);
    const badName = await world.call('operator', 'POST', '/api/v1/maps/Not_A_Name/stop');
    assert.equal(badName.status, 400);
    assert.equal(badName.json.error.details.issues[0].in, 'path');
  });

  await t.test('enables a map through enableMapsWorkflow with id dualwrite-enable-<map> and the initial sync options', async () => {
    const viewer = await world.call('viewer', 'POST', `/api/v1/maps/${idle}/enable`);
    assert.equal(viewer.status, 403);
    const res = await world.call('operator', 'POST', `/api/v1/maps/${idle}/enable`, { initialSync: { master: 'dataverse' } });
    assert.equal(res.status, 202, JSON.stringify(res.json));
    assert.equal(res.json.workflowId, enableWorkflowId(idle));
    assert.equal(res.json.by, 'operator');
    const handle = world.client.workflow.getHandle(enableWorkflowId(idle));
    after(() => handle.terminate().catch(() => undefined));
    const description = await handle.describe();
    assert.equal(description.type, 'enableMapsWorkflow');
    assert.equal(description.taskQueue, world.taskQueue);
    const history = await handle.fetchHistory();
    const payload = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
    assert.ok(payload);
    assert.deepEqual(defaultPayloadConverter.fromPayload(payload), { maps: [idle], initialSync: { master: 'dataverse' } });

    const again = await world.call('operator', 'POST', `/api/v1/maps/${idle}/enable`);
    assert.equal(again.status, 409);
    assert.equal(again.json.error.code, 'enable-running');

    const id = uniqueId('bulk');
    const bulk = await world.call('operator', 'POST', '/api/v1/maps/enable', { maps: [idle, running], id });
    assert.equal(bulk.status, 202, JSON.stringify(bulk.json));
    assert.deepEqual([bulk.json.workflowId, bulk.json.maps], [enableWorkflowId(id), [idle, running]]);
    const bulkHandle = world.client.workflow.getHandle(enableWorkflowId(id));
    after(() => bulkHandle.terminate().catch(() => undefined));
    assert.equal((await bulkHandle.describe()).type, 'enableMapsWorkflow');
    const unknown = await world.call('operator', 'POST', '/api/v1/maps/enable', { maps: [idle, 'no-such-map'] });
    assert.equal(unknown.status, 404);
  });

  await t.test('publishes map versions for admins only, refusing unchanged, lower and stale versions', async () => {
    const name = uniqueId('api-edited');
    const map = testMap(name, { version: '1.0.0' });
    const operator = await world.call('operator', 'POST', '/api/v1/maps', map);
    assert.equal(operator.status, 403);

    const invalid = await world.call('admin', 'POST', '/api/v1/maps', { ...map, columns: 'none' });
    assert.equal(invalid.status, 400);
    assert.equal(invalid.json.error.code, 'invalid-request');
    assert.ok(invalid.json.error.details.issues.some((i: { path: string }) => i.path === '$.columns'));

    const danglingDependency = await world.call('admin', 'POST', '/api/v1/maps', { ...map, dependsOn: ['no-such-map'] });
    assert.equal(danglingDependency.status, 400);
    assert.equal(danglingDependency.json.error.code, 'invalid-map');

    const exists = await world.call('admin', 'POST', '/api/v1/maps', testMap(idle));
    assert.equal(exists.status, 409);

    const created = await world.call('admin', 'POST', '/api/v1/maps', map);
    assert.equal(created.status, 201, JSON.stringify(created.json));
    assert.equal(created.json.publishedBy, 'admin');

    const unchanged = await world.call('admin', 'PUT', `/api/v1/maps/${name}`, { ...map, version: '1.0.1' });
    assert.equal(unchanged.status, 409);
    assert.equal(unchanged.json.error.code, 'unchanged');

    const edited = { ...map, description: 'edited through the API' };
    const sameVersion = await world.call('admin', 'PUT', `/api/v1/maps/${name}`, edited);
    assert.equal(sameVersion.status, 409);
    assert.equal(sameVersion.json.error.code, 'version-not-increased');
    const lower = await world.call('admin', 'PUT', `/api/v1/maps/${name}`, { ...edited, version: '0.9.0' });
    assert.equal(lower.json.error.code, 'version-not-increased');

    const bumped = await world.call('admin', 'PUT', `/api/v1/maps/${name}?bump=minor`, edited);
    assert.equal(bumped.status, 200, JSON.stringify(bumped.json));
    assert.equal(bumped.json.version, '1.1.0');
    const stale = await world.call('admin', 'PUT', `/api/v1/maps/${name}?bump=patch`, { ...edited, description: 'again' });
    assert.equal(stale.status, 409);
    assert.equal(stale.json.error.code, 'stale-version');

    const got = await world.call('viewer', 'GET', `/api/v1/maps/${name}`);
    assert.equal(got.json.version, '1.1.0');
    assert.equal(got.json.source, 'store');
    assert.equal(got.json.definition.description, 'edited through the API');
    assert.equal(got.json.live.state, 'NotRunning');
    const versions = await world.call('viewer', 'GET', `/api/v1/maps/${name}/versions`);
    assert.deepEqual(versions.json.items.map((v: { version: string; publishedBy: string }) => [v.version, v.publishedBy]), [['1.1.0', 'admin'], ['1.0.0', 'admin']]);

    const fileMap = await world.call('admin', 'PUT', `/api/v1/maps/${idle}`, { ...testMap(idle), version: '1.0.1', description: 'newer than the file' });
    assert.equal(fileMap.status, 200);
    const listed = await world.call('viewer', 'GET', '/api/v1/maps');
    const entry = (listed.json.items as { name: string; version: string; source: string }[]).find((m) => m.name === idle);
    assert.deepEqual([entry?.version, entry?.source], ['1.0.1', 'store']);
    const log = await world.store.log.query({ map: name, type: 'config' });
    assert.deepEqual(log.items.map((e) => e.actor), ['admin', 'admin']);
  });

  await t.test('validates a posted definition and lists every error', async () => {
    const bad = await world.call('viewer', 'POST', '/api/v1/maps/validate', { name: 'Bad Name', version: 'one' });
    assert.equal(bad.status, 200);
    assert.equal(bad.json.valid, false);
    const paths = (bad.json.errors as { path: string }[]).map((e) => e.path);
    assert.ok(paths.includes('$.name') && paths.includes('$.version'), JSON.stringify(paths));
    const good = await world.call('viewer', 'POST', '/api/v1/maps/validate', testMap(uniqueId('api-valid')));
    assert.deepEqual(good.json, { valid: true, errors: [] });
  });
});
