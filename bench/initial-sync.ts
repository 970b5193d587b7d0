import { performance } from 'node:perf_hooks';
import type { SystemName } from '../src/schema/entity-schema';
import { countSourceRows, directCopy } from './support/direct-copy';
import { arg, formatNumber, loadAverage, machineFacts, machineLine, markdownTable, numberList, processCpuSeconds, rssSampler, writeResults } from './support/report';
import { CUSTOMER_MAPS, CUSTOMERS_MAP, enableMaps, initialSyncCost, mapStatus } from './support/sync-control';
import { startBenchWorld, type BenchWorld } from './support/world';

/**
 * Initial sync of customers (customers-v3-accounts) at several sizes, both directions, beside
 * a raw copy with the same connectors and sandboxes in the same run (design.md §9: >= 80%).
 * Each variant gets fresh sandboxes, so every copy writes into an empty target.
 *
 *   npx tsx bench/initial-sync.ts [--sizes 10000,100000] [--directions finops,dataverse] [--variants raw,engine,temporal[,raw-create]] [--page-size 1000] [--name initial-sync]
 *
 * Sizes count source customers: F&O seeds 70% organizations (the map's filter), Dataverse
 * seeds accounts that all pass it.
 */
type Variant = 'raw' | 'raw-create' | 'engine' | 'temporal';

interface Row {
  master: SystemName;
  size: number;
  variant: Variant;
  rowsRead: number;
  rowsWritten: number;
  /** Rows of the target's entity set after the copy (each source row exactly once, into an empty target). */
  targetRows: number;
  /**
   * CPU seconds of the copy: this process (sandboxes, connectors, engine, worker) plus the
   * Temporal server. Far less sensitive than wall time to other jobs on a shared machine.
   */
  cpuSeconds: number;
  rowsPerCpuSecond: number;
  cpuRatioToRaw: number | null;
  failed: number;
  seconds: number;
  rowsPerSecond: number;
  ratioToRaw: number | null;
  rssStartMiB: number;
  rssPeakMiB: number;
  historyEvents: number | null;
  historyEventsPer1000Rows: number | null;
  runs: number | null;
  seedSeconds: number;
  load: number[];
}

const ZERO_EXTRAS = { vendors: 0, products: 0, salesOrders: 0 };

async function world(master: SystemName, size: number): Promise<{ world: BenchWorld; seedSeconds: number }> {
  const started = performance.now();
  const w = await startBenchWorld({
    finopsSeed: { ...ZERO_EXTRAS, customers: master === 'finops' ? size : 0 },
    dataverseSeed: { ...ZERO_EXTRAS, contacts: 0, accounts: master === 'dataverse' ? size : 0 },
    // Initial sync is what is measured: live capture would only add noise.
    webhooks: false,
  });
  return { world: w, seedSeconds: (performance.now() - started) / 1000 };
}

async function runVariant(master: SystemName, size: number, variant: Variant, pageSize: number, pagesPerActivity: number): Promise<Row> {
  const { world: w, seedSeconds } = await world(master, size);
  try {
    if (variant === 'temporal') await w.startWorker();
    else {
      // The sync run carries the reference data first (enabling the prerequisite maps); so do
      // the direct copies, untimed, or rows whose lookups exist on one side only would fail.
      for (const prerequisite of CUSTOMER_MAPS.filter((m) => m !== CUSTOMERS_MAP)) await directCopy(w, prerequisite, master, 'raw', pageSize);
    }
    const rss = rssSampler();
    const serverPid = w.temporal.server.process.pid;
    const serverCpuBefore = serverPid === undefined ? 0 : (processCpuSeconds(serverPid) ?? 0);
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    let rowsRead: number;
    let rowsWritten: number;
    let failed: number;
    let seconds: number;
    let history: { events: number; runs: number } | null = null;
    if (variant === 'temporal') {
      await enableMaps(w, { maps: CUSTOMER_MAPS, initialSync: { master, pageSize, pagesPerActivity } });
      const status = await mapStatus(w, CUSTOMERS_MAP);
      const result = status.initialSync.result;
      if (!result) throw new Error(`${CUSTOMERS_MAP} finished enabling without an initial sync result: ${JSON.stringify(status)}`);
      const cost = await initialSyncCost(w.client, CUSTOMERS_MAP);
      // A self-referencing map reads again, in pass 2, the rows holding a self reference: the
      // rate counts each source row once (counted afterwards, untimed).
      rowsRead = await countSourceRows(w, CUSTOMERS_MAP, master);
      rowsWritten = result.created + result.updated;
      failed = result.failed;
      // The child workflow's own span, from the server's clock: prerequisite maps are not counted.
      seconds = (cost.closedAt!.getTime() - cost.startedAt.getTime()) / 1000;
      history = { events: cost.historyEvents, runs: cost.runs };
    } else {
      const counts = await directCopy(w, CUSTOMERS_MAP, master, variant, pageSize);
      seconds = (performance.now() - started) / 1000;
      rowsRead = counts.read;
      rowsWritten = counts.written;
      failed = counts.failed;
    }
    const mem = rss.stop();
    const cpu = process.cpuUsage(cpuBefore);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6 + (serverPid === undefined ? 0 : (processCpuSeconds(serverPid) ?? 0) - serverCpuBefore);
    const targetSet = (await w.maps.get(CUSTOMERS_MAP))[master === 'finops' ? 'dataverse' : 'finops'].entitySet;
    const targetRows = master === 'finops' ? w.dataverse.store.count(targetSet) : w.finops.store.count(targetSet);
    const row: Row = {
      master,
      size,
      variant,
      rowsRead,
      rowsWritten,
      targetRows,
      cpuSeconds: Math.round(cpuSeconds * 10) / 10,
      rowsPerCpuSecond: Math.round(rowsRead / cpuSeconds),
      cpuRatioToRaw: null,
      failed,
      seconds: Math.round(seconds * 100) / 100,
      rowsPerSecond: Math.round(rowsRead / seconds),
      ratioToRaw: null,
      rssStartMiB: mem.startMiB,
      rssPeakMiB: mem.peakMiB,
      historyEvents: history?.events ?? null,
      historyEventsPer1000Rows: history ? Math.round((history.events / Math.max(1, rowsRead)) * 1000 * 10) / 10 : null,
      runs: history?.runs ?? null,
      seedSeconds: Math.round(seedSeconds),
      load: loadAverage(),
    };
    process.stderr.write(`${master} ${size} ${variant}: ${formatNumber(row.rowsPerSecond)} rows/s (${rowsRead} read, ${rowsWritten} written, ${targetRows} in the target, ${failed} failed, ${row.seconds} s)\n`);
    return row;
  } finally {
    await w.stop();
  }
}

async function main(): Promise<void> {
  const sizes = numberList('sizes', [10_000, 100_000]);
  const masters = (arg('directions') ?? 'finops,dataverse').split(',') as SystemName[];
  const variants = (arg('variants') ?? 'raw,engine,temporal').split(',') as Variant[];
  const pageSize = Number(arg('page-size') ?? 1000);
  const pagesPerActivity = Number(arg('pages-per-activity') ?? 50);
  const machine = machineFacts();
  const rows: Row[] = [];
  {
    for (const size of sizes) {
      for (const master of masters) {
        const group: Row[] = [];
        for (const variant of variants) group.push(await runVariant(master, size, variant, pageSize, pagesPerActivity));
        const raw = group.find((r) => r.variant === 'raw');
        for (const r of group) r.ratioToRaw = raw ? Math.round((r.rowsPerSecond / raw.rowsPerSecond) * 100) / 100 : null;
        for (const r of group) r.cpuRatioToRaw = raw ? Math.round((r.rowsPerCpuSecond / raw.rowsPerCpuSecond) * 100) / 100 : null;
        rows.push(...group);
      }
    }
  }
  machine.loadAtEnd = loadAverage();
  const label = (m: SystemName) => (m === 'finops' ? 'F&O → Dataverse' : 'Dataverse → F&O');
  const table = markdownTable(
    ['Direction', 'Customers', 'Variant', 'Rows read', 'Written', 'Target rows', 'Failed', 'Seconds', 'Rows/s', 'vs raw', 'CPU s', 'Rows / CPU s', 'vs raw (CPU)', 'Peak RSS MiB', 'History events', 'Events / 1,000 rows', 'Load (1 min)'],
    rows.map((r) => [label(r.master), r.size, r.variant, r.rowsRead, r.rowsWritten, r.targetRows, r.failed, r.seconds, r.rowsPerSecond, r.ratioToRaw === null ? null : `${Math.round(r.ratioToRaw * 100)}%`, r.cpuSeconds, r.rowsPerCpuSecond, r.cpuRatioToRaw === null ? null : `${Math.round(r.cpuRatioToRaw * 100)}%`, r.rssPeakMiB, r.historyEvents, r.historyEventsPer1000Rows, r.load[0]]),
  );
  const markdown = [
    '### Initial sync (customers-v3-accounts)',
    '',
    `Page size ${pageSize}, ${pagesPerActivity} pages per activity. raw = read page, map, one $batch of upserts, no Temporal; raw-create = the same with plain creates (no PATCH-then-POST); engine = the same loop through the apply engine (diffing, ledger), no Temporal; temporal = the real initial-sync child workflow (its own span, prerequisite maps excluded). Written = created + updated as counted by the copy (a page replayed after a retried activity counts as unchanged); Target rows = rows in the target's entity set afterwards (each source row exactly once). Peak RSS is the benchmark process, which also hosts both sandboxes and the worker. CPU s = CPU seconds of that process plus the Temporal server during the copy (raw and engine leave the server idle), the fairer comparison when other jobs load the machine.`,
    '',
    table,
    '',
    machineLine(machine),
  ].join('\n');
  writeResults(arg('name') ?? 'initial-sync', { machine, pageSize, pagesPerActivity, rows }, markdown);
  process.stdout.write(`${markdown}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`initial-sync benchmark failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
