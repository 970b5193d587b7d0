import type { SystemName } from '../schema/entity-schema';
import type { StoreContext } from './context';
import { chunk, fromStoredTimestamp, requireOneOf, requireText, toIsoTimestamp } from './values';

const SIDES: readonly SystemName[] = ['finops', 'dataverse'];

/** What dualwrite last wrote to one record of one side (design.md §4.4). */
export interface LedgerEntry {
  map: string;
  /** The side that was written. */
  side: SystemName;
  recordKey: string;
  /** Content hash of the mapped columns as written. */
  hash: string;
  recordId?: string;
  /** The version (etag / versionnumber / modified time) the write produced, when known. */
  version?: string;
  writtenAt: string;
}

export type LedgerEntryInput = Omit<LedgerEntry, 'writtenAt'> & { writtenAt?: string };

export interface EchoLedger {
  /** Entries for the given keys; keys never written are absent from the result. */
  get(map: string, side: SystemName, recordKeys: readonly string[]): Promise<Map<string, LedgerEntry>>;
  /** Inserts or replaces; with one key given twice, the later entry wins. */
  put(entries: readonly LedgerEntryInput[]): Promise<void>;
  delete(map: string, side: SystemName, recordKeys: readonly string[]): Promise<number>;
  /** Entries by the record id written, keyed by that id in lowercase (GUIDs compare case-insensitively). */
  findByRecordIds(map: string, side: SystemName, recordIds: readonly string[]): Promise<Map<string, LedgerEntry>>;
  /** Every record key of one side of a map, in key order: what a reconciliation scan is compared with. */
  keys(map: string, side: SystemName): Promise<string[]>;
  /** Forgets every entry of a map (e.g. when it is removed or re-initialised). */
  clear(map: string): Promise<number>;
}

const KEY_CHUNK = 1000;
/** 7 parameters a row. */
const WRITE_CHUNK = 1000;

export function createEchoLedger(ctx: StoreContext): EchoLedger {
  const { db } = ctx;
  type Row = { map: string; side: string; record_key: string; hash: string; record_id: string | null; version: string | null; written_at: unknown };
  const toEntry = (r: Row): LedgerEntry => ({
    map: r.map,
    side: r.side as SystemName,
    recordKey: r.record_key,
    hash: r.hash,
    ...(r.record_id !== null ? { recordId: r.record_id } : {}),
    ...(r.version !== null ? { version: r.version } : {}),
    writtenAt: fromStoredTimestamp(r.written_at as Parameters<typeof fromStoredTimestamp>[0]),
  });
  return {
    async get(map, side, recordKeys) {
      const found = new Map<string, LedgerEntry>();
      for (const part of chunk([...new Set(recordKeys)], KEY_CHUNK)) {
        const rows = await db.selectFrom('echo_ledger').selectAll().where('map', '=', map).where('side', '=', side).where('record_key', 'in', part).execute();
        for (const r of rows) found.set(r.record_key, toEntry(r));
      }
      return found;
    },

    async findByRecordIds(map, side, recordIds) {
      const found = new Map<string, LedgerEntry>();
      // Ids are stored as written; callers may hold them in either case.
      const wanted = [...new Set(recordIds.flatMap((id) => [id, id.toLowerCase(), id.toUpperCase()]))];
      for (const part of chunk(wanted, KEY_CHUNK)) {
        const rows = await db.selectFrom('echo_ledger').selectAll().where('map', '=', map).where('side', '=', side).where('record_id', 'in', part).execute();
        for (const r of rows) if (r.record_id !== null) found.set(r.record_id.toLowerCase(), toEntry(r));
      }
      return found;
    },

    async keys(map, side) {
      const rows = await db.selectFrom('echo_ledger').select('record_key').where('map', '=', map).where('side', '=', side).orderBy('record_key').execute();
      return rows.map((r) => r.record_key);
    },

    async put(entries) {
      if (entries.length === 0) return;
      const now = new Date().toISOString();
      // PostgreSQL refuses an upsert that touches one row twice, so keep only the last per key.
      const latest = new Map<string, LedgerEntryInput>();
      for (const e of entries) latest.set(JSON.stringify([e.map, e.side, e.recordKey]), e);
      const rows = [...latest.values()].map((e, i) => ({
        map: requireText(e.map, `ledger entry #${i}: map`),
        side: requireOneOf(e.side, SIDES, `ledger entry #${i}: side`),
        record_key: requireText(e.recordKey, `ledger entry #${i}: recordKey`),
        hash: requireText(e.hash, `ledger entry #${i}: hash`),
        record_id: e.recordId ?? null,
        version: e.version ?? null,
        written_at: e.writtenAt === undefined ? now : toIsoTimestamp(e.writtenAt, `ledger entry #${i}: writtenAt`),
      }));
      await ctx.writeTransaction(async (trx) => {
        for (const part of chunk(rows, WRITE_CHUNK)) {
          await trx
            .insertInto('echo_ledger')
            .values(part)
            .onConflict((oc) =>
              oc.columns(['map', 'side', 'record_key']).doUpdateSet((eb) => ({
                hash: eb.ref('excluded.hash'),
                record_id: eb.ref('excluded.record_id'),
                version: eb.ref('excluded.version'),
                written_at: eb.ref('excluded.written_at'),
              })),
            )
            .execute();
        }
      });
    },

    async delete(map, side, recordKeys) {
      let deleted = 0;
      for (const part of chunk([...new Set(recordKeys)], KEY_CHUNK)) {
        const result = await db.deleteFrom('echo_ledger').where('map', '=', map).where('side', '=', side).where('record_key', 'in', part).executeTakeFirst();
        deleted += Number(result.numDeletedRows);
      }
      return deleted;
    },

    async clear(map) {
      const result = await db.deleteFrom('echo_ledger').where('map', '=', map).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
