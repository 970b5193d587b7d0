import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { performance } from 'node:perf_hooks';
import type { Connector, Row } from '../src/connectors/types';
import type { SystemName } from '../src/schema/entity-schema';
import { arg, loadAverage, processCpuSeconds, machineFacts, type MachineFacts, machineLine, markdownTable, numberList, summarize, writeResults, type LatencySummary } from './support/report';
import { mapWorkflowId } from '../src/contracts/names';
import { CUSTOMER_MAPS, CUSTOMERS_MAP, enableMaps, settled, workflowCost } from './support/sync-control';
import { MarkerWatch } from './support/visibility';
import { createConnectors } from '../src/runtime/sync-dependencies';
import { DEFAULT_SANDBOX_CLIENT } from '../src/sandbox/shared/auth';
import { startBenchWorld, type BenchWorld } from './support/world';

/**
 * Live sync latency, from a committed write in one sandbox to the row committed in the other,
 * at fixed offered rates (open loop: writes start on schedule whether or not earlier ones are
 * through), for pushed capture (F&O data events, Dataverse webhooks) and polled capture
 * (Dataverse change tracking, F&O reconciliation scans).
 *
 *   npx tsx bench/live-latency.ts [--rates 10,50,200] [--seconds 60] [--max-changes N] [--capture pushed,polled] [--directions finops,dataverse] [--poll-ms 1000] [--customers 6000] [--name live-latency] [--cpu-profile file.cpuprofile]
 *
 * --cpu-profile samples this process during the scenarios only (not the seeding and initial
 * sync), for bench/support/cpu-profile-summary.ts.
 */
interface Scenario {
  capture: 'pushed' | 'polled';
  source: SystemName;
  rate: number;
  seconds: number;
  offered: number;
  /** Writes the source sandbox refused or that failed in flight. */
  writeErrors: number;
  visible: number;
  /** Committed at the source but not at the target 30 s after the last write: late (the next settle drains them), not lost. */
  unseenAfter30s: number;
  latencyMs: LatencySummary;
  achievedPerSecond: number;
  /** CPU milliseconds per change: this process (sandboxes, API, worker) and the Temporal dev server. */
  cpuMsPerChange: { benchProcess: number; temporalServer: number | null };
  /** History events the map workflow gained during the scenario, per change carried. */
  historyEventsPerChange: number | null;
  load: number[];
  samples: number[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The users' clients, apart from dualwrite's connectors: sharing them, the offered writes took
 * slots of dualwrite's own concurrency limit (before 26 Nov 15:00 runs did).
 */
function userClients(w: BenchWorld): Record<SystemName, Connector> {
  const endpoint = (s: { url: string; tokenUrl: string }) => ({ url: s.url, tokenUrl: s.tokenUrl, tenantId: 'sandbox', clientId: DEFAULT_SANDBOX_CLIENT.clientId, clientSecret: DEFAULT_SANDBOX_CLIENT.clientSecret });
  return createConnectors({ finops: endpoint(w.finops), dataverse: endpoint(w.dataverse) }, w.deps.companies);
}

async function customerPool(w: BenchWorld, source: SystemName): Promise<{ key: Record<string, string> }[]> {
  const pool: { key: Record<string, string> }[] = [];
  if (source === 'finops') {
    for (const company of w.deps.companies) {
      const page = await w.connectors.finops.readPage({ entitySet: 'CustomersV3', company, filter: "PartyType eq 'Organization'", pageSize: 100_000, select: ['dataAreaId', 'CustomerAccount'] });
      for (const r of page.rows) pool.push({ key: { dataAreaId: String(r.dataAreaId), CustomerAccount: String(r.CustomerAccount) } });
    }
  } else {
    let continuation: string | undefined;
    do {
      const page = await w.connectors.dataverse.readPage({ entitySet: 'accounts', select: ['accountid'], pageSize: 5000, continuation });
      for (const r of page.rows as Row[]) pool.push({ key: { accountid: String(r.accountid) } });
      continuation = page.continuation;
    } while (continuation);
  }
  return pool;
}

/** History events of the customers map workflow over all its runs (null when visibility lags). */
async function mapHistoryEvents(w: BenchWorld): Promise<number | null> {
  try {
    return (await workflowCost(w.client, mapWorkflowId(CUSTOMERS_MAP))).historyEvents;
  } catch {
    return null;
  }
}

async function runScenario(w: BenchWorld, capture: Scenario['capture'], source: SystemName, rate: number, seconds: number, graceMs: number): Promise<Scenario> {
  const prefix = `bench-${capture}-${source}-${rate}-`;
  const watch = new MarkerWatch(w, prefix);
  const pool = await customerPool(w, source);
  if (pool.length < rate * 5) process.stderr.write(`warning: only ${pool.length} rows for ${rate}/s: a row is rewritten every ${(pool.length / rate).toFixed(1)} s\n`);
  const markers: string[] = [];
  const inFlight = new Set<Promise<void>>();
  let writeErrors = 0;
  const entitySet = source === 'finops' ? 'CustomersV3' : 'accounts';
  const column = source === 'finops' ? 'OrganizationName' : 'name';
  const historyBefore = await mapHistoryEvents(w);
  const serverPid = w.temporal.server.process.pid;
  const serverCpuBefore = serverPid === undefined ? undefined : processCpuSeconds(serverPid);
  const cpuBefore = process.cpuUsage();
  const users = userClients(w);
  const started = performance.now();
  const total = Math.round(rate * seconds);
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    const marker = `${prefix}${i}`;
    markers.push(marker);
    const target = pool[i % pool.length]!;
    const p = users[source]
      .writeBatch(entitySet, [{ id: 'w', kind: 'upsert', mode: 'update', key: target.key, values: { [column]: marker } }])
      .then(([r]) => {
        if (!r?.ok) writeErrors++;
      })
      .catch(() => {
        writeErrors++;
      })
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
  }
  await Promise.all(inFlight);
  const targetSide: SystemName = source === 'finops' ? 'dataverse' : 'finops';
  // Give the tail time to land; a marker overwritten at the source before it synced never shows up and counts as lost.
  const deadline = performance.now() + graceMs;
  const pending = () => markers.filter((m) => watch.times(m)[source] !== undefined && watch.times(m)[targetSide] === undefined).length;
  while (pending() > 0 && performance.now() < deadline) await sleep(100);
  watch.stop();
  const latencies: number[] = [];
  let firstCommit = Infinity;
  let lastVisible = 0;
  for (const m of markers) {
    const t = watch.times(m);
    if (t[source] === undefined || t[targetSide] === undefined) continue;
    latencies.push(t[targetSide] - t[source]);
    firstCommit = Math.min(firstCommit, t[source]);
    lastVisible = Math.max(lastVisible, t[targetSide]);
  }
  await settled(w, CUSTOMERS_MAP, 300_000);
  const cpu = process.cpuUsage(cpuBefore);
  const serverCpuAfter = serverPid === undefined ? undefined : processCpuSeconds(serverPid);
  const historyAfter = await mapHistoryEvents(w);
  const committed = markers.filter((m) => watch.times(m)[source] !== undefined).length;
  const summary = summarize(latencies);
  const result: Scenario = {
    capture,
    source,
    rate,
    seconds,
    offered: total,
    writeErrors,
    visible: latencies.length,
    unseenAfter30s: committed - latencies.length,
    latencyMs: summary,
    achievedPerSecond: latencies.length > 0 ? Math.round((latencies.length / ((lastVisible - firstCommit) / 1000)) * 10) / 10 : 0,
    cpuMsPerChange: {
      benchProcess: Math.round(((cpu.user + cpu.system) / 1000 / Math.max(1, committed)) * 10) / 10,
      temporalServer: serverCpuBefore === undefined || serverCpuAfter === undefined ? null : Math.round((((serverCpuAfter - serverCpuBefore) * 1000) / Math.max(1, committed)) * 10) / 10,
    },
    historyEventsPerChange: historyBefore === null || historyAfter === null ? null : Math.round(((historyAfter - historyBefore) / Math.max(1, committed)) * 100) / 100,
    load: loadAverage(),
    samples: latencies.map((l) => Math.round(l)),
  };
  process.stderr.write(`${capture} ${source} ${rate}/s: p50 ${summary.p50} p90 ${summary.p90} p99 ${summary.p99} max ${summary.max} ms; ${result.visible}/${total} visible, ${result.unseenAfter30s} unseen after 30 s, ${writeErrors} write errors, ${result.achievedPerSecond}/s, ${result.historyEventsPerChange} history events/change, CPU ms/change ${JSON.stringify(result.cpuMsPerChange)}\n`);
  return result;
}

async function main(): Promise<void> {
  const rates = numberList('rates', [10, 50, 200]);
  const seconds = Number(arg('seconds') ?? 60);
  const captures = (arg('capture') ?? 'pushed,polled').split(',') as Scenario['capture'][];
  const sources = (arg('directions') ?? 'finops,dataverse').split(',') as SystemName[];
  const pollMs = Number(arg('poll-ms') ?? 1000);
  const customers = Number(arg('customers') ?? 6000);
  // Past saturation a long run only grows the queue: cap the changes per scenario.
  const maxChanges = Number(arg('max-changes') ?? Infinity);
  const machine = machineFacts();
  const scenarios: Scenario[] = [];
  for (const capture of captures) {
    const w = await startBenchWorld({
      finopsSeed: { customers, vendors: 0, products: 0, salesOrders: 0 },
      dataverseSeed: { accounts: 0, contacts: 0, vendors: 0, products: 0, salesOrders: 0 },
      webhooks: capture === 'pushed',
    });
    try {
      await w.startWorker();
      const options = capture === 'polled' ? { pollEveryMs: pollMs, reconcileEveryMs: pollMs } : {};
      await enableMaps(w, { maps: CUSTOMER_MAPS, initialSync: { master: 'finops' }, options });
      await settled(w, CUSTOMERS_MAP);
      const profiler = await startProfile(arg('cpu-profile'));
      for (const source of sources) {
        for (const rate of rates) {
          scenarios.push(await runScenario(w, capture, source, rate, Math.min(seconds, maxChanges / rate), 30_000));
          report(machine, pollMs, customers, scenarios);
        }
      }
      await profiler?.stop(`${capture}`);
    } finally {
      await w.stop();
    }
  }
}

/** The V8 sampling profiler of this process (sandboxes, API, activities; workflows run in worker threads). */
async function startProfile(file: string | undefined): Promise<{ stop(label: string): Promise<void> } | undefined> {
  if (!file) return undefined;
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return {
    async stop(label) {
      const { profile } = await session.post('Profiler.stop');
      const out = file.replace(/(\.cpuprofile)?$/, `-${label}.cpuprofile`);
      writeFileSync(out, JSON.stringify(profile));
      session.disconnect();
      process.stderr.write(`wrote ${out}\n`);
    },
  };
}

/** Written after every scenario, so a run cut short still leaves its figures. */
function report(machine: MachineFacts, pollMs: number, customers: number, scenarios: Scenario[]): void {
  machine.loadAtEnd = loadAverage();
  const label = (s: SystemName) => (s === 'finops' ? 'F&O → Dataverse' : 'Dataverse → F&O');
  const table = markdownTable(
    ['Capture', 'Direction', 'Offered /s', 'Seconds', 'Visible', 'Unseen after 30 s', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'Achieved /s', 'History events / change', 'CPU ms / change (bench process / Temporal server)', 'Load (1 min)'],
    scenarios.map((s) => [s.capture, label(s.source), s.rate, s.seconds, s.visible, s.unseenAfter30s, s.latencyMs.p50, s.latencyMs.p90, s.latencyMs.p99, s.latencyMs.max, s.achievedPerSecond, s.historyEventsPerChange, `${s.cpuMsPerChange.benchProcess} / ${s.cpuMsPerChange.temporalServer ?? '–'}`, s.load[0]]),
  );
  const markdown = [
    '### Live sync latency (customers-v3-accounts)',
    '',
    `From the commit of a changed customer name in one sandbox to its commit in the other, ${customers} F&O customers (70% organizations, synced first). pushed = F&O data events and Dataverse webhooks; polled = no push, Dataverse change tracking and F&O reconciliation every ${pollMs} ms. Unseen after 30 s = committed at the source but not yet at the target 30 s after the last write (the map is then drained to empty before the next scenario, so these are late, not lost).`,
    '',
    table,
    '',
    machineLine(machine),
  ].join('\n');
  writeResults(arg('name') ?? 'live-latency', { machine, pollMs, customers, scenarios }, markdown);
}

main().catch((err: unknown) => {
  process.stderr.write(`live-latency benchmark failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
