import type { ChangeRecord } from '../connectors/types';
import { integrationKey } from '../maps/keys';
import type { TableMap } from '../maps/schema';
import type { InboxChangeInput } from '../store/inbox';

/**
 * Turns captured changes (webhooks, data events, delta polls, reconciliation) into inbox
 * entries for every map that reads the changed entity set. The inbox key of an F&O change is
 * its integration key (F&O rows carry dataAreaId and key columns); a Dataverse change is keyed
 * by its record id, which both its updates and its deletes carry, so they stay in order.
 */
export function routeChanges(maps: readonly TableMap[], records: readonly ChangeRecord[], capturedAt = new Date().toISOString()): InboxChangeInput[] {
  const out: InboxChangeInput[] = [];
  for (const record of records) {
    for (const map of maps) {
      if (map[record.system].entitySet !== record.entitySet) continue;
      // A one-way map never reads this side: its changes (our own writes included) are not its business.
      if (!readsFrom(map, record.system)) continue;
      const change = toInboxChange(map, record, capturedAt);
      if (change) out.push(change);
    }
  }
  return out;
}

/** Whether any column of the map flows from this side to the other. */
export function readsFrom(map: TableMap, side: 'finops' | 'dataverse'): boolean {
  const oneWay = side === 'finops' ? '->' : '<-';
  return map.columns.some((c) => c.direction === '<->' || c.direction === oneWay);
}

export function toInboxChange(map: TableMap, record: ChangeRecord, capturedAt: string): InboxChangeInput | undefined {
  const direction = record.system === 'finops' ? 'finops-to-dataverse' : 'dataverse-to-finops';
  let recordKey: string | undefined;
  if (record.system === 'dataverse') {
    recordKey = record.recordId ? `id:${record.recordId.toLowerCase()}` : undefined;
  } else {
    const ik = integrationKey(map, 'finops', { ...record.key, ...record.values });
    recordKey = ik.missing.length === 0 ? ik.key : undefined;
  }
  if (!recordKey) return undefined;
  return {
    map: map.name,
    direction,
    recordKey,
    op: record.op,
    payload: { values: record.values, key: record.key, recordId: record.recordId },
    sourceVersion: record.version ?? null,
    changedAt: record.changedAt ?? null,
    eventId: record.eventId,
    capturedAt,
  };
}
