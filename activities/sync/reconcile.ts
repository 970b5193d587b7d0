import { heartbeat } from '@temporalio/activity';
import { contentHash } from '../../src/maps/hash';
import { integrationKey } from '../../src/maps/keys';
import { matchesFilter } from '../../src/maps/filter';
import type { InboxChangeInput } from '../../src/store/inbox';
import type { SyncDependencies } from './deps';
import { isDeletedMark } from './apply/engine';

/**
 * F&O has no change tracking over OData, and data events can be lost while we are down. The
 * reconciliation scan reads the F&O side, compares each row's content hash with what the echo
 * ledger says was last in sync, and enqueues what drifted; keys the ledger knows but F&O no
 * longer has are deletes we missed.
 */
export function createReconcile(deps: SyncDependencies) {
  return async function reconcile(input: { map: string }): Promise<{ scanned: number; enqueued: number; backlog: number }> {
    const map = await deps.maps.get(input.map);
    const connector = deps.connectors.finops;
    const companies = map.scope === 'company' ? deps.companies : [undefined];
    const seen = new Set<string>();
    const drift: InboxChangeInput[] = [];
    let scanned = 0;
    const capturedAt = new Date().toISOString();
    for (const company of companies) {
      let continuation: string | undefined;
      do {
        const page = await connector.readPage({ entitySet: map.finops.entitySet, company, continuation, pageSize: 5000 });
        continuation = page.continuation;
        const keys = page.rows.map((row) => integrationKey(map, 'finops', row));
        const ledger = await deps.store.ledger.get(map.name, 'finops', keys.map((k) => k.key));
        page.rows.forEach((row, i) => {
          const ik = keys[i]!;
          if (ik.missing.length > 0) return;
          // A row outside the map's filter is not a missed delete, only not ours to carry.
          seen.add(ik.key);
          if (!matchesFilter(map, 'finops', row)) return;
          const hash = contentHash(map, 'finops', row);
          if (ledger.get(ik.key)?.hash === hash) return;
          drift.push({ map: map.name, direction: 'finops-to-dataverse', recordKey: ik.key, op: 'upsert', payload: { values: row, key: ik.values }, eventId: `reconcile:${ik.key}:${hash}`, capturedAt });
        });
        scanned += page.rows.length;
        heartbeat({ scanned });
      } while (continuation);
    }
    const unseen = (await deps.store.ledger.keys(map.name, 'finops')).filter((k) => !seen.has(k));
    const unseenEntries = await deps.store.ledger.get(map.name, 'finops', unseen);
    for (const recordKey of unseen) {
      // A tombstone is a delete we carried already, not one we missed.
      if (!isDeletedMark(unseenEntries.get(recordKey)?.hash)) drift.push({ map: map.name, direction: 'finops-to-dataverse', recordKey, op: 'delete', payload: null, eventId: `reconcile-delete:${recordKey}:${capturedAt}`, capturedAt });
    }
    const appended = drift.length > 0 ? (await deps.store.inbox.append(drift)).appended : 0;
    const backlog = await deps.store.inbox.count({ map: map.name, status: 'pending' });
    return { scanned, enqueued: appended, backlog };
  };
}
