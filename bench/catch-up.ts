import { performance } from 'node:perf_hooks';
import { pauseSignal, resumeSignal } from '../src/contracts/map-messages';
import { routeChanges } from '../src/capture/route-changes';
import type { ChangeRecord } from '../src/connectors/types';
import { mapWorkflowId } from '../src/contracts/names';
import { buildRemoteExecutionContext } from '../src/sandbox/finops/data-events';
import { arg, loadAverage, processCpuSeconds, machineFacts, machineLine, markdownTable, rssSampler, writeResults } from './support/report';
import { CUSTOMER_MAPS, CUSTOMERS_MAP, enableMaps, mapStatus, settled, waitFor } from './support/sync-control';
import { startBenchWorld } from './support/world';

/**
 * Catch-up: pause the customers map, let a backlog of new F&O customers build up through the
 * real capture path (F&O data events -> API receiver -> inbox), then resume in drain mode and
 * time the drain until the inbox is empty and every row is in Dataverse (design.md §9: >= 2,000/s).
 *
 *   npx tsx bench/catch-up.ts [--changes 100000] [--pushed 2000] [--batch-size <drain batch>]
 */
async function main(): Promise<void> {
  const changes = Number(arg('changes') ?? 100_000);
  const batchSize = arg('batch-size') === undefined ? undefined : Number(arg('batch-size'));
  const httpChanges = Math.min(changes, Number(arg('pushed') ?? 2000));
  const machine = machineFacts();
  const w = await startBenchWorld({
    finopsSeed: { customers: 300, vendors: 0, products: 0, salesOrders: 0 },
    dataverseSeed: { accounts: 0, contacts: 0, vendors: 0, products: 0, salesOrders: 0 },
  });
  try {
    await w.startWorker();
    await enableMaps(w, { maps: CUSTOMER_MAPS, initialSync: { master: 'finops' }, ...(batchSize ? { options: { batchSize } } : {}) });
    await settled(w, CUSTOMERS_MAP);
    const handle = w.client.workflow.getHandle(mapWorkflowId(CUSTOMERS_MAP));
    await handle.signal(pauseSignal, { reason: 'catch-up benchmark', by: 'bench' });
    await waitFor('the map to pause', async () => (await mapStatus(w, CUSTOMERS_MAP)).state === 'Paused', 60_000);

    const template = w.finops.store.query('CustomersV3', {}).rows.find((r) => r.PartyType === 'Organization');
    if (!template) throw new Error('the F&O seed has no organization customer to copy');
    const newCustomer = (i: number) => ({ ...template, dataAreaId: 'usmf', CustomerAccount: `CU-${String(i).padStart(7, '0')}`, OrganizationName: `Catch-up ${i}`, PartyNumber: String(900_000_000 + i) });
    const accountsBefore = w.dataverse.store.count('accounts');

    // 1. A small backlog through the full push path (data event over HTTP -> API receiver ->
    //    inbox + signal), to measure how fast pushed changes are taken in.
    const pushedStarted = performance.now();
    for (let i = 0; i < httpChanges; i++) {
      w.finops.store.insert('CustomersV3', newCustomer(i));
      if (i % 100 === 99) await new Promise((r) => setImmediate(r));
    }
    // Every delivery ends delivered or failed (after the sandbox's retries): a failed one is a
    // lost change, reported rather than waited for.
    await w.finops.delivery.idle();
    const pushedArrived = await w.store.inbox.count({ map: CUSTOMERS_MAP, status: 'pending' });
    const pushedSeconds = (performance.now() - pushedStarted) / 1000;
    const failedDeliveries = w.finops.delivery.log().filter((d) => d.state === 'failed');
    const lostDeliveries = { count: failedDeliveries.length, lastAttempt: failedDeliveries[0]?.attempts.at(-1) ?? null };
    process.stderr.write(`${pushedArrived} of ${httpChanges} data events received in ${pushedSeconds.toFixed(1)} s; failed deliveries: ${JSON.stringify(lostDeliveries)}\n`);

    // 2. The rest of the backlog: the same rows, parsed by the F&O connector from the same data
    //    event bodies and routed as the receiver routes them, appended in bulk. The push path
    //    (one HTTP request and one workflow signal per event) is far slower than the drain, and
    //    would otherwise take the whole benchmark's time to build 100,000 changes.
    for (const reg of w.finops.registrations.list()) w.finops.registrations.remove(reg.id);
    const maps = await w.maps.all();
    const options = { organizationId: '00000000-0000-0000-0000-0000000f0e01', organizationName: 'finops-sandbox', userId: '00000000-0000-0000-0000-0000000f0e02' };
    let pending: ChangeRecord[] = [];
    const flush = async () => {
      if (pending.length > 0) await w.store.inbox.append(routeChanges(maps, pending));
      pending = [];
    };
    const unsubscribe = w.finops.store.onChange((event) => {
      if (event.entitySet === 'CustomersV3') pending.push(...w.connectors.finops.parseEvent(buildRemoteExecutionContext(event, w.finops.store, options)));
    });
    const bulkStarted = performance.now();
    for (let i = httpChanges; i < changes; i++) {
      w.finops.store.insert('CustomersV3', newCustomer(i));
      if (pending.length >= 1000) await flush();
    }
    await flush();
    unsubscribe();
    const backlog = await w.store.inbox.count({ map: CUSTOMERS_MAP, status: 'pending' });
    const bulkSeconds = (performance.now() - bulkStarted) / 1000;
    process.stderr.write(`backlog of ${backlog} (${changes - httpChanges} appended in bulk in ${bulkSeconds.toFixed(1)} s)\n`);
    const captureSeconds = pushedSeconds;

    const rss = rssSampler();
    const load = loadAverage();
    const serverPid = w.temporal.server.process.pid;
    const serverCpuBefore = serverPid === undefined ? undefined : processCpuSeconds(serverPid);
    const cpuBefore = process.cpuUsage();
    const drainStarted = performance.now();
    await handle.signal(resumeSignal, { mode: 'drain', by: 'bench' });
    // The backlog's own direction empties first; echoes of our writes (Dataverse webhooks of the
    // accounts we create) keep the other direction busy a while longer.
    let backlogDrainedAt: number | undefined;
    const watchBacklog = setInterval(() => {
      void w.store.inbox.count({ map: CUSTOMERS_MAP, direction: 'finops-to-dataverse', status: 'pending' }).then((n) => {
        if (n === 0) backlogDrainedAt ??= performance.now();
      });
    }, 250);
    const final = await settled(w, CUSTOMERS_MAP, 3_600_000).finally(() => clearInterval(watchBacklog));
    const drainSeconds = (performance.now() - drainStarted) / 1000;
    const mem = rss.stop();
    const cpu = process.cpuUsage(cpuBefore);
    const serverCpuAfter = serverPid === undefined ? undefined : processCpuSeconds(serverPid);
    const arrived = w.dataverse.store.count('accounts') - accountsBefore;
    const result = {
      changes: backlog,
      pushedChanges: httpChanges,
      pushedSeconds: Math.round(captureSeconds * 10) / 10,
      pushedPerSecond: Math.round(pushedArrived / captureSeconds),
      lostDeliveries,
      drainSeconds: Math.round(drainSeconds * 10) / 10,
      drainPerSecond: Math.round(backlog / drainSeconds),
      backlogDirectionSeconds: backlogDrainedAt === undefined ? null : Math.round(((backlogDrainedAt - drainStarted) / 1000) * 10) / 10,
      backlogDirectionPerSecond: backlogDrainedAt === undefined ? null : Math.round(backlog / ((backlogDrainedAt - drainStarted) / 1000)),
      rowsArrived: arrived,
      cpuSeconds: {
        benchProcess: Math.round((cpu.user + cpu.system) / 1e5) / 10,
        temporalServer: serverCpuBefore === undefined || serverCpuAfter === undefined ? null : Math.round((serverCpuAfter - serverCpuBefore) * 10) / 10,
      },
      counts: final.counts,
      rssStartMiB: mem.startMiB,
      rssPeakMiB: mem.peakMiB,
      loadAtDrainStart: load,
      loadAtDrainEnd: loadAverage(),
      batchSize: batchSize ?? 'default',
    };
    process.stderr.write(`${JSON.stringify(result)}\n`);
    machine.loadAtEnd = loadAverage();
    const markdown = [
      '### Catch-up after a pause (customers-v3-accounts, F&O → Dataverse)',
      '',
      `New F&O organizations are created while the map is paused. The first ${httpChanges} reach the inbox through real data events (HTTP to the API receiver, which also signals the workflow): "Pushed in /s" is that intake rate. The rest are parsed from the same data-event bodies by the F&O connector and appended in bulk. Resume (drain) is timed until the inbox is empty and the map runs live.`,
      '',
      markdownTable(
        ['Backlog', 'Pushed changes', 'Lost deliveries', 'Pushed in /s', 'F&O → DV empty after s', 'Backlog /s', 'Settled (echoes too) s', 'Overall /s', 'Rows arrived', 'Failed', 'CPU s (bench / Temporal)', 'Peak RSS MiB', 'Load (1 min) at drain start / end'],
        [[result.changes, result.pushedChanges, lostDeliveries.count, result.pushedPerSecond, result.backlogDirectionSeconds, result.backlogDirectionPerSecond, result.drainSeconds, result.drainPerSecond, arrived, final.counts.failed, `${result.cpuSeconds.benchProcess} / ${result.cpuSeconds.temporalServer ?? '–'}`, mem.peakMiB, `${load[0]} / ${result.loadAtDrainEnd[0]}`]],
      ),
      '',
      machineLine(machine),
    ].join('\n');
    writeResults('catch-up', { machine, result }, markdown);
    process.stdout.write(`${markdown}\n`);
  } finally {
    await w.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`catch-up benchmark failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
