import { performance } from 'node:perf_hooks';
import type { Row } from '../src/connectors/types';
import { arg, loadAverage, machineFacts, machineLine, markdownTable, summarize, writeResults, type LatencySummary } from './support/report';
import { CUSTOMER_MAPS, CUSTOMERS_MAP, enableMaps, settled } from './support/sync-control';
import { MarkerWatch } from './support/visibility';
import { createConnectors } from '../src/runtime/sync-dependencies';
import { DEFAULT_SANDBOX_CLIENT } from '../src/sandbox/shared/auth';
import { catalogWith, startBenchWorld, type BenchWorld } from './support/world';

/**
 * Write-through (syncMode "sync"): Dataverse calls our webhook inside its transaction and the
 * change must be in F&O before Dataverse answers. Measured as the client's round trip of a
 * Dataverse update at a fixed rate, beside the same updates with the map in async mode (the
 * cost of writing through), and checked: F&O committed before Dataverse did.
 *
 *   npx tsx bench/write-through.ts [--rate 20] [--seconds 60] [--customers 3000] [--name write-through]
 */
interface Phase {
  mode: 'sync' | 'async';
  rate: number;
  seconds: number;
  requests: number;
  failed: number;
  roundTripMs: LatencySummary;
  /**
   * Updates already committed in F&O when Dataverse answered its client (what write-through
   * promises). The Dataverse row is written before its synchronous step runs and committed
   * after, so the answer, not the row write, is the moment to compare with.
   */
  finopsFirst: number;
  load: number[];
  samples: number[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const endpoint = (s: { url: string; tokenUrl: string }) => ({ url: s.url, tokenUrl: s.tokenUrl, tenantId: 'sandbox', clientId: DEFAULT_SANDBOX_CLIENT.clientId, clientSecret: DEFAULT_SANDBOX_CLIENT.clientSecret });

async function phase(w: BenchWorld, mode: Phase['mode'], rate: number, seconds: number): Promise<Phase> {
  const ids: string[] = [];
  let continuation: string | undefined;
  do {
    const page = await w.connectors.dataverse.readPage({ entitySet: 'accounts', select: ['accountid'], pageSize: 5000, continuation });
    for (const r of page.rows as Row[]) ids.push(String(r.accountid));
    continuation = page.continuation;
  } while (continuation);
  const prefix = `bench-wt-${mode}-`;
  const watch = new MarkerWatch(w, prefix);
  const total = Math.round(rate * seconds);
  const latencies: number[] = [];
  const markers: string[] = [];
  const answeredAt = new Map<string, number>();
  let failed = 0;
  const inFlight = new Set<Promise<void>>();
  // The Dataverse user's client is not dualwrite's connector: sharing it, the user's writes
  // (each held open by the synchronous step) took every slot of its concurrency limit, and the
  // write-through's own lookup reads queued behind them until they timed out (a deadlock of the
  // benchmark, not of the system).
  const user = createConnectors({ finops: endpoint(w.finops), dataverse: endpoint(w.dataverse) }, ['usmf']).dataverse;
  const started = performance.now();
  for (let i = 0; i < total; i++) {
    const wait = started + (i * 1000) / rate - performance.now();
    if (wait > 1) await sleep(wait);
    const marker = `${prefix}${i}`;
    markers.push(marker);
    const sent = performance.now();
    const p = user
      .writeBatch('accounts', [{ id: 'w', kind: 'upsert', mode: 'update', key: { accountid: ids[i % ids.length]! }, values: { name: marker } }])
      .then(([r]) => {
        answeredAt.set(marker, performance.now());
        if (r?.ok) latencies.push(performance.now() - sent);
        else failed++;
      })
      .catch(() => {
        failed++;
      })
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
  }
  await Promise.all(inFlight);
  if (mode === 'async') await settled(w, CUSTOMERS_MAP, 300_000);
  watch.stop();
  const finopsFirst = markers.filter((m) => {
    const t = watch.times(m);
    const answered = answeredAt.get(m);
    return t.finops !== undefined && answered !== undefined && t.finops <= answered;
  }).length;
  const summary = summarize(latencies);
  process.stderr.write(`${mode} ${rate}/s: p50 ${summary.p50} p99 ${summary.p99} max ${summary.max} ms; ${failed} failed; F&O first ${finopsFirst}/${total}\n`);
  return { mode, rate, seconds, requests: total, failed, roundTripMs: summary, finopsFirst, load: loadAverage(), samples: latencies.map((l) => Math.round(l)) };
}

async function main(): Promise<void> {
  const rate = Number(arg('rate') ?? 20);
  const seconds = Number(arg('seconds') ?? 60);
  const machine = machineFacts();
  const phases: Phase[] = [];
  for (const mode of ['sync', 'async'] as const) {
    const catalog = catalogWith({ [CUSTOMERS_MAP]: (m) => (m.syncMode = mode) });
    const w = await startBenchWorld({
      mapsDir: catalog.dir,
      finopsSeed: { customers: Number(arg('customers') ?? 3000), vendors: 0, products: 0, salesOrders: 0 },
      dataverseSeed: { accounts: 0, contacts: 0, vendors: 0, products: 0, salesOrders: 0 },
      syncEntitySets: mode === 'sync' ? ['accounts'] : [],
    });
    try {
      // The synchronous step goes in after the initial sync: otherwise every account the
      // initial sync creates would call back into a map that is still loading.
      const accounts = w.dataverse.registrations.list().filter((r) => r.entitySet === 'accounts');
      for (const r of accounts) w.dataverse.registrations.remove(r.id);
      await w.startWorker();
      await enableMaps(w, { maps: CUSTOMER_MAPS, initialSync: { master: 'finops' } });
      await settled(w, CUSTOMERS_MAP);
      for (const { id: _id, createdAt: _createdAt, ...r } of accounts) w.dataverse.registrations.add(r);
      phases.push(await phase(w, mode, rate, seconds));
    } finally {
      await w.stop();
      catalog.remove();
    }
  }
  machine.loadAtEnd = loadAverage();
  const markdown = [
    '### Write-through (syncMode "sync", Dataverse → F&O)',
    '',
    `Round trip of a Dataverse account update as its client sees it, ${rate} requests/s for ${seconds} s; "async" is the same load with the map in async mode, for comparison. F&O first = updates already committed in F&O when Dataverse answered the client.`,
    '',
    markdownTable(
      ['Map mode', 'Requests', 'Failed', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'F&O first', 'Load (1 min)'],
      phases.map((p) => [p.mode, p.requests, p.failed, p.roundTripMs.p50, p.roundTripMs.p90, p.roundTripMs.p99, p.roundTripMs.max, p.mode === 'sync' ? p.finopsFirst : null, p.load[0]]),
    ),
    '',
    machineLine(machine),
  ].join('\n');
  writeResults(arg('name') ?? 'write-through', { machine, phases }, markdown);
  process.stdout.write(`${markdown}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`write-through benchmark failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
