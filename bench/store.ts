import { performance } from 'node:perf_hooks';
import type { InboxChangeInput, Store } from '../src/store';
import { storeTargets } from '../src/store/test-support';

/**
 * Control-store throughput: appends/s and drain (readBatch + ack)/s of the change inbox on every
 * dialect the tests use (a temp SQLite file; a throw-away schema on the PostgreSQL of
 * DUALWRITE_TEST_POSTGRES_URL). Usage: tsx bench/store.ts [changes=100000] [batch=1000]
 * The design target (§9) is draining a 100,000-change backlog at 2,000 changes/s or more.
 */
async function main(): Promise<void> {
  const total = Number(process.argv[2] ?? 100_000);
  const batch = Number(process.argv[3] ?? 1000);
  const results = [];
  for (const target of storeTargets()) {
    const store = await target.open();
    try {
      const map = 'bench-map';
      let start = performance.now();
      await appendAll(store, map, total, batch);
      const appendSeconds = (performance.now() - start) / 1000;

      // Re-delivering the last batch must be fully absorbed by de-duplication.
      start = performance.now();
      const redelivered = await store.inbox.append(
        Array.from({ length: batch }, (_, j) => ({ map, direction: 'finops-to-dataverse' as const, recordKey: 'k', op: 'upsert' as const, eventId: `evt-${total - 1 - j}` })),
      );
      const dedupMs = performance.now() - start;

      start = performance.now();
      let drained = 0;
      let afterSeq: number | undefined;
      for (;;) {
        const rows = await store.inbox.readBatch({ map, limit: batch, ...(afterSeq !== undefined ? { afterSeq } : {}) });
        if (rows.length === 0) break;
        drained += await store.inbox.ack(rows.map((r) => r.seq));
        afterSeq = rows[rows.length - 1]?.seq;
      }
      const drainSeconds = (performance.now() - start) / 1000;

      // Resume mode "park" on a full backlog: everything moves to the error queue in one go.
      await appendAll(store, 'bench-park', total, batch);
      start = performance.now();
      const parked = await store.inbox.park('bench-park');
      const parkSeconds = (performance.now() - start) / 1000;
      results.push({
        dialect: target.name,
        changes: total,
        batch,
        appendPerSecond: Math.round(total / appendSeconds),
        drainPerSecond: Math.round(drained / drainSeconds),
        duplicateBatchMs: Math.round(dedupMs),
        duplicatesAbsorbed: redelivered.duplicates,
        drained,
        parkPerSecond: Math.round(parked.parked / parkSeconds),
        parkedErrorRecords: parked.errorRecords,
      });
    } finally {
      await target.cleanup();
    }
  }
  console.log(JSON.stringify({ bench: 'store-inbox', node: process.version, at: new Date().toISOString(), results }, null, 2));
}

async function appendAll(store: Store, map: string, total: number, batch: number): Promise<void> {
  for (let offset = 0; offset < total; offset += batch) {
    const changes: InboxChangeInput[] = [];
    for (let i = offset; i < Math.min(total, offset + batch); i++) {
      changes.push({
        map,
        direction: 'finops-to-dataverse',
        recordKey: `usmf|C${i % 20_000}`,
        op: 'upsert',
        payload: { CustomerAccount: `C${i}`, dataAreaId: 'usmf', Name: `Customer ${i}`, CreditLimit: i * 10, Blocked: false },
        sourceVersion: String(i),
        changedAt: new Date(1_700_000_000_000 + i).toISOString(),
        eventId: `evt-${i}`,
      });
    }
    await store.inbox.append(changes);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
