import type { ConnectorErrorInfo, KeyValue, KeyValues, Row, WriteOp, WriteResult } from '../../../src/connectors/types';
import { RETRYABLE_CLASSES } from '../../../src/connectors/types';
import { FINOPS_COMPANY_COLUMN, lookupValueColumn } from '../../../src/maps/company';
import { matchesFilter } from '../../../src/maps/filter';
import { contentHash, mappedColumns } from '../../../src/maps/hash';
import { integrationKey, keyLookupColumns } from '../../../src/maps/keys';
import { companyCodeRequest, companyIdRequest, lookupRequests, planLookup, type LookupRequest, type LookupResults } from '../../../src/maps/lookups';
import { effectiveSettings, lookupMapNames, type ColumnMapping, type TableMap, type TransformDirection } from '../../../src/maps/schema';
import { transformRecord } from '../../../src/maps/transform';
import type { EntitySetSchema, SystemName } from '../../../src/schema/entity-schema';
import type { LedgerEntry, LedgerEntryInput } from '../../../src/store/echo-ledger';
import type { ErrorRecordInput } from '../../../src/store/error-queue';
import type { SyncDependencies } from '../deps';
import { sidesOf, type Outcome, type SourceChange } from './change';
import { LookupResolver } from './lookup-resolver';
import { RowIndex } from './row-index';

/**
 * A write refused because the target row changed since we read it: an update of a row deleted
 * meanwhile, a create of a row created meanwhile (F&O has no upsert; Dataverse upserts creates).
 */
function lostRace(updating: boolean, target: SystemName, error: ConnectorErrorInfo): boolean {
  if (updating) return error.class === 'not-found' || error.status === 404 || /does not exist|no record of/i.test(error.message);
  return target === 'finops' && (error.class === 'conflict' || /already exists/i.test(error.message));
}

/**
 * The ledger's mark of a record dualwrite deleted on that side, whose delete event has not come
 * back yet (never a content hash, which is hex). When it comes back it is our echo.
 */
export const TOMBSTONE = 'deleted';
/**
 * The ledger's mark of a record known deleted on that side with no echo of ours to expect: a
 * person's delete we carried, or our delete whose echo came back. A later delete there is news
 * (the record was created again meanwhile, perhaps without the ledger hearing of it).
 */
export const GONE = 'gone';

export function isDeletedMark(hash: string | undefined): boolean {
  return hash === TOMBSTONE || hash === GONE;
}

interface Forgotten {
  recordKey: string;
  sourceId?: string;
  targetId?: string;
}

export interface ApplyOptions {
  /** `live`: echo and conflict checks apply. `initial`: a load from the master; only differences are written. */
  mode: 'live' | 'initial';
  /** Initial sync pass 1 of a self-referencing map: leave lookups to the map itself for pass 2. */
  withoutSelfLookups?: boolean;
  /**
   * Read the source rows again instead of trusting what the capture carried. Live drains do:
   * a captured image may be older than the row (the other side's winning edit may have been
   * written over it meanwhile), and carrying a stale image would undo that write. Write-through
   * does not: its source has not committed yet, so the capture is the only truth.
   */
  refreshSource?: boolean;
  /** Set on the second attempt at records whose target changed between read and write: no third. */
  afterRace?: boolean;
}

interface Prepared {
  change: SourceChange;
  row: Row;
  recordKey: string;
  sourceHash: string;
  sourceRecordId?: string;
}

/**
 * Carries a batch of changes of one map in one direction to the target: the heart of live
 * sync, initial sync and write-through alike. It reads what it needs in bulk (source rows that
 * the capture did not carry, lookups, current target rows, ledger entries), decides per record
 * (echo, filtered, unchanged, conflict, write), writes the rest in one `$batch`, and records
 * the outcome of every record. One bad record never stops the others: its outcome says why.
 */
export class ApplyEngine {
  private readonly resolver: LookupResolver;
  private readonly companies: Set<string>;

  constructor(private readonly deps: SyncDependencies) {
    this.resolver = new LookupResolver(deps.connectors.dataverse, deps.schemas);
    this.companies = new Set(deps.companies.map((c) => c.toLowerCase()));
  }

  async apply(map: TableMap, direction: TransformDirection, changes: readonly SourceChange[], opts: ApplyOptions): Promise<Outcome[]> {
    const { source, target } = sidesOf(direction);
    const settings = effectiveSettings(map);
    const outcomes = new Map<string, Outcome>();
    // Local to this call: the engine serves concurrent activities of several maps.
    const ledgerEntries: LedgerEntryInput[] = [];
    const done = (o: Outcome) => outcomes.set(o.ref, o);
    const effectiveMap = opts.withoutSelfLookups ? { ...map, columns: map.columns.filter((c) => !c.lookup || !lookupMapNames(c.lookup).includes(map.name)) } : map;
    const catalog = await this.deps.maps.all();

    // 1. Source rows the capture did not carry (bare notifications) are read now, in one request.
    const rows = await this.fillSourceRows(map, source, changes, opts.refreshSource === true);
    // An upsert whose source row is gone is the record's delete: its delete event may have been
    // drained first (events can arrive out of order), coalesced away behind it, or lost.
    const asDelete = (c: SourceChange) => c.op === 'delete' || !rows.has(c.ref);

    // 2. Lookups of every row at once: companies, references to other maps.
    const requests = new Map<string, LookupRequest>();
    for (const change of changes) {
      const row = rows.get(change.ref);
      if (change.op === 'upsert' && row) for (const r of lookupRequests(effectiveMap, direction, row, catalog)) requests.set(r.id, r);
    }
    // Dataverse keys holding a lookup (order lines keyed by their order) are keyed in the ledger
    // by the referenced record's F&O value, as the F&O side keys them: both sides must agree.
    const keyLookups = source === 'dataverse' ? keyLookupColumns(map) : [];
    const mapsByName = new Map(catalog.map((m) => [m.name, m]));
    // Per change: Dataverse key column -> the id of the request that reads its F&O value.
    const keyRequests = new Map<string, Map<string, string>>();
    for (const change of changes) {
      const row = rows.get(change.ref);
      if (change.op !== 'upsert' || !row || keyLookups.length === 0) continue;
      const ids = new Map<string, string>();
      for (const column of keyLookups) {
        const request = planLookup(map, column, 'dataverse-to-finops', row, mapsByName).request;
        if (!request) continue;
        requests.set(request.id, request);
        ids.set(column.dataverse!, request.id);
      }
      keyRequests.set(change.ref, ids);
    }
    const deleteCompanies = this.companyRequestsForDeletes(map, changes.filter(asDelete).map((c) => c.recordKey));
    for (const r of deleteCompanies) requests.set(r.id, r);
    const lookups = await this.resolver.resolve([...requests.values()]);

    // 3. Integration keys and source hashes.
    const upserts: Prepared[] = [];
    const deletes: { change: SourceChange; recordKey: string }[] = [];
    const convertedToDelete = new Set<string>();
    const dataverseIds = changes.filter((c) => asDelete(c) && !c.recordKey && c.recordId).map((c) => c.recordId!);
    const keysById = dataverseIds.length > 0 ? await this.deps.store.ledger.findByRecordIds(map.name, source, dataverseIds) : new Map<string, LedgerEntry>();
    for (const change of changes) {
      const row = rows.get(change.ref);
      if (change.op === 'delete' || !row) {
        const recordKey = change.recordKey ?? (change.recordId ? keysById.get(change.recordId.toLowerCase())?.recordKey : undefined);
        const gone = change.op === 'delete' ? '' : 'the source row is gone (deleted since); ';
        if (!recordKey) done({ ref: change.ref, kind: 'ignored', message: `${gone}delete of a record dualwrite never synced` });
        else if (settings.deletes === 'ignore') done({ ref: change.ref, kind: 'ignored', recordKey, message: `${gone}the map ignores deletes` });
        else {
          if (change.op !== 'delete') convertedToDelete.add(change.ref);
          deletes.push({ change: { ...change, op: 'delete' }, recordKey });
        }
        continue;
      }
      if (!matchesFilter(map, source, row)) {
        done({ ref: change.ref, kind: 'filtered', recordKey: change.recordKey });
        continue;
      }
      const companyCode = source === 'dataverse' && map.scope === 'company' ? this.companyCodeOf(map, row, lookups) : undefined;
      if (map.scope === 'company' && !this.takesPart(source === 'finops' ? row[FINOPS_COMPANY_COLUMN] : companyCode)) {
        done({ ref: change.ref, kind: 'filtered', recordKey: change.recordKey, message: 'the company does not take part in this environment link' });
        continue;
      }
      const lookupKeyValues = keyLookupValues(keyLookups, keyRequests.get(change.ref), lookups);
      const ik = integrationKey(map, source, row, { ...(companyCode ? { companyCode } : {}), ...(lookupKeyValues ? { lookupKeyValues } : {}) });
      if (ik.missing.length > 0) {
        done({ ref: change.ref, kind: 'failed', recordKey: change.recordKey ?? change.recordId, message: `the ${source} row lacks key columns ${ik.missing.join(', ')}` });
        continue;
      }
      upserts.push({ change, row, recordKey: ik.key, sourceHash: contentHash(map, source, row), sourceRecordId: this.recordIdOf(source, map, row) ?? change.recordId });
    }

    // Several source rows can be one target row (a global map fed by every company, or two
    // changes of one record): only the last of them is written, or their writes would collide.
    const lastOfKey = new Map<string, Prepared>();
    for (const u of upserts) {
      const earlier = lastOfKey.get(u.recordKey);
      if (earlier) done({ ref: earlier.change.ref, kind: 'ignored', recordKey: u.recordKey, message: 'superseded by a later row of the same record in this batch' });
      lastOfKey.set(u.recordKey, u);
    }
    upserts.splice(0, upserts.length, ...lastOfKey.values());

    const allKeys = [...upserts.map((u) => u.recordKey), ...deletes.map((d) => d.recordKey)];
    const [sourceLedger, targetLedger] = await Promise.all([
      this.deps.store.ledger.get(map.name, source, allKeys),
      this.deps.store.ledger.get(map.name, target, allKeys),
    ]);

    // 4. Echo suppression: this exact content of the source row is what we wrote (or already carried).
    const toTransform = upserts.filter((u) => {
      if (opts.mode === 'live' && sourceLedger.get(u.recordKey)?.hash === u.sourceHash) {
        done({ ref: u.change.ref, kind: 'echo', recordKey: u.recordKey });
        return false;
      }
      return true;
    });

    // 5. Transform.
    const dataverseSchema = this.schema('dataverse', map.dataverse.entitySet);
    const errors: ErrorRecordInput[] = [];
    const transformed: (Prepared & { key: KeyValues; values: Row; image: Row })[] = [];
    for (const u of toTransform) {
      const tr = transformRecord(effectiveMap, direction, u.row, { lookups, catalog, dataverseSchema });
      const missing = tr.errors.filter((e) => e.class === 'missing-lookup');
      const broken = tr.errors.filter((e) => e.class === 'transform');
      if (broken.length > 0 || missing.length > 0 || !tr.key) {
        const problems = broken.length > 0 ? broken : missing;
        const message = problems.map((e) => `${e.column}: ${e.message}`).join('; ') || 'the target key could not be built';
        const kind = broken.length === 0 && missing.length > 0 ? 'deferred' : 'failed';
        done({ ref: u.change.ref, kind, recordKey: u.recordKey, message });
        errors.push(this.errorRecord(map, direction, u, kind === 'deferred' ? 'missing-lookup' : 'transform', message, tr.values));
        continue;
      }
      transformed.push({ ...u, key: tr.key, values: tr.values, image: tr.image });
    }

    // 6. Current target rows, to write only differences and to see concurrent edits.
    const targetSchema = this.schema(target, map[target].entitySet);
    const select = this.targetSelect(map, target, targetSchema, transformed.map((t) => t.key));
    const current = new RowIndex(transformed.length > 0 ? await this.deps.connectors[target].readByKeys(map[target].entitySet, transformed.map((t) => t.key), select) : []);

    const ops: WriteOp[] = [];
    const pendingWrites = new Map<string, { prepared: (typeof transformed)[number]; targetHash: string; existing?: Row; op: 'upsert' }>();
    for (const t of transformed) {
      const existing = current.find(t.key);
      const targetHash = contentHash(map, target, { ...(existing ?? {}), ...t.image });
      if (existing && contentHash(map, target, existing) === targetHash) {
        done({ ref: t.change.ref, kind: 'unchanged', recordKey: t.recordKey, recordId: this.recordIdOf(target, map, existing) });
        ledgerEntries.push(
          { map: map.name, side: target, recordKey: t.recordKey, hash: targetHash, recordId: this.recordIdOf(target, map, existing) },
          { map: map.name, side: source, recordKey: t.recordKey, hash: t.sourceHash, recordId: t.sourceRecordId },
        );
        continue;
      }
      if (opts.mode === 'live' && existing) {
        const verdict = this.conflict(map, source, target, t.change, t.row, existing, targetLedger.get(t.recordKey));
        if (verdict) {
          done({ ref: t.change.ref, kind: 'conflict', recordKey: t.recordKey, message: verdict });
          continue;
        }
      }
      if (opts.mode === 'live' && !existing && settings.deletes !== 'ignore') {
        // Gone from the target although we wrote it and no delete of it has reached us: someone
        // deleted it there, and that delete is on its way. An edit meeting a delete goes to the
        // master, as its delete meeting our edit does (below): both directions decide alike.
        const verdict = this.deleteMeetsEdit(map, target, targetLedger.get(t.recordKey));
        if (verdict) {
          done({ ref: t.change.ref, kind: 'conflict', recordKey: t.recordKey, message: verdict });
          continue;
        }
      }
      const id = `w${ops.length}`;
      // The engine has just read the target, so it knows create from update: F&O's OData has no
      // upsert (guessing costs a PATCH that 404s, then a POST). Dataverse's PATCH upserts in one
      // request, which also absorbs a row created by someone else since the read.
      ops.push({ id, kind: 'upsert', key: t.key, values: t.values, mode: existing ? 'update' : target === 'dataverse' ? 'upsert' : 'create' });
      pendingWrites.set(id, { prepared: t, targetHash, existing, op: 'upsert' });
    }

    const deleteOps = new Map<string, { change: SourceChange; recordKey: string }>();
    const toDelete: { change: SourceChange; recordKey: string; key: KeyValues }[] = [];
    // A live delete is news only if the source row is still gone: created again since (by a
    // person, or by us carrying the other side's edit), its delete is stale and its create wins.
    // Not in write-through: there the source's delete has not committed yet.
    const stillThere = opts.mode === 'live' && opts.refreshSource === true ? await this.sourceRowsPresent(map, source, deletes, lookups) : new Set<string>();
    for (const d of deletes) {
      const sourceMark = sourceLedger.get(d.recordKey);
      // The ledger keeps a tombstone where we deleted: a delete of that record coming back is
      // the echo of ours (its key may not even address the other side: lookups in keys). Seen
      // once, it is spent: a later delete on that side is a person's.
      if (sourceMark?.hash === TOMBSTONE) {
        done({ ref: d.change.ref, kind: 'echo', recordKey: d.recordKey });
        // Only the delete event itself spends it: an older upsert found gone is not our echo.
        if (!convertedToDelete.has(d.change.ref)) ledgerEntries.push({ map: map.name, side: source, recordKey: d.recordKey, hash: GONE, ...(sourceMark.recordId ? { recordId: sourceMark.recordId } : {}) });
        continue;
      }
      if (targetLedger.get(d.recordKey)?.hash === TOMBSTONE) {
        // We deleted the target ourselves and its echo is still on its way: nothing is left to delete.
        done({ ref: d.change.ref, kind: 'echo', recordKey: d.recordKey });
        continue;
      }
      if (stillThere.has(d.change.ref)) {
        done({ ref: d.change.ref, kind: 'ignored', recordKey: d.recordKey, message: 'the source row exists again; its change is carried instead' });
        continue;
      }
      const key = this.targetKeyForDelete(map, target, d.recordKey, targetLedger.get(d.recordKey), lookups);
      if (!key) {
        done({ ref: d.change.ref, kind: 'ignored', recordKey: d.recordKey, message: 'the target row is not known' });
        continue;
      }
      toDelete.push({ ...d, key });
    }
    // A delete meeting an edit of the target made since our last write goes to the master.
    const editedTargets = opts.mode === 'live' ? await this.editedSinceWritten(map, target, toDelete, targetLedger) : new Set<string>();
    for (const d of toDelete.filter((d) => editedTargets.has(d.change.ref))) {
      const verdict = this.deleteMeetsEdit(map, source, sourceLedger.get(d.recordKey), true);
      if (verdict) done({ ref: d.change.ref, kind: 'conflict', recordKey: d.recordKey, message: verdict });
    }
    for (const d of toDelete) {
      if (outcomes.has(d.change.ref)) continue;
      const id = `d${deleteOps.size}`;
      ops.push({ id, kind: 'delete', key: d.key });
      deleteOps.set(id, d);
    }
    // Tombstones go in before the deletes: the other side's webhook of our delete may be drained
    // (by the other direction's drain, running at the same time) before this batch ends.
    const tombstonesFirst = [...deleteOps.values()].flatMap(({ recordKey, change }) => {
      const sourceId = change.recordId?.toLowerCase() ?? sourceLedger.get(recordKey)?.recordId;
      const targetId = targetLedger.get(recordKey)?.recordId;
      return [
        { map: map.name, side: source, recordKey, hash: GONE, ...(sourceId ? { recordId: sourceId } : {}) },
        { map: map.name, side: target, recordKey, hash: TOMBSTONE, ...(targetId ? { recordId: targetId } : {}) },
      ];
    });
    if (tombstonesFirst.length > 0) await this.deps.store.ledger.put(tombstonesFirst);

    // 7. Write, then record every outcome.
    const results: WriteResult[] = ops.length > 0 ? await this.deps.connectors[target].writeBatch(map[target].entitySet, ops) : [];
    const resolvedKeys: string[] = [];
    const forgotten: Forgotten[] = [];
    const raced: SourceChange[] = [];
    // Ledger entries to put back where a delete did not happen after all.
    const restore: LedgerEntry[] = [];
    const tombstone = (recordKey: string, change: SourceChange): Forgotten => ({
      recordKey,
      sourceId: change.recordId?.toLowerCase() ?? sourceLedger.get(recordKey)?.recordId,
      targetId: targetLedger.get(recordKey)?.recordId,
    });
    for (const result of results) {
      const write = pendingWrites.get(result.id);
      const del = deleteOps.get(result.id);
      const ref = write?.prepared.change.ref ?? del?.change.ref;
      const recordKey = write?.prepared.recordKey ?? del?.recordKey;
      if (!ref || !recordKey) continue;
      if (result.ok) {
        resolvedKeys.push(recordKey);
        if (write) {
          const recordId = result.recordId ?? (write.existing ? this.recordIdOf(target, map, write.existing) : undefined);
          done({ ref, kind: write.existing ? 'updated' : 'created', recordKey, recordId });
          ledgerEntries.push(
            { map: map.name, side: target, recordKey, hash: write.targetHash, recordId, version: result.version },
            { map: map.name, side: source, recordKey, hash: write.prepared.sourceHash, recordId: write.prepared.sourceRecordId },
          );
        } else {
          done({ ref, kind: 'deleted', recordKey });
          forgotten.push(tombstone(recordKey, del!.change));
        }
        continue;
      }
      const err = result.error;
      if (del && err.class === 'not-found') {
        done({ ref, kind: 'deleted', recordKey, message: 'already gone' });
        forgotten.push(tombstone(recordKey, del.change));
        continue;
      }
      if (write && opts.mode === 'live' && !opts.afterRace && lostRace(write.existing !== undefined, target, err)) {
        // A person changed the target row between our read and our write (deleted the row we
        // updated, created the one we created): decide again on a fresh read, once.
        raced.push(write.prepared.change);
        continue;
      }
      if (RETRYABLE_CLASSES.includes(err.class)) {
        if (del) restore.push(...[sourceLedger.get(recordKey), targetLedger.get(recordKey)].filter((e): e is LedgerEntry => e !== undefined));
        done({ ref, kind: 'retry', recordKey, message: err.message });
        continue;
      }
      if (del) restore.push(...[sourceLedger.get(recordKey), targetLedger.get(recordKey)].filter((e): e is LedgerEntry => e !== undefined));
      const kind = err.class === 'missing-lookup' ? 'deferred' : 'failed';
      done({ ref, kind, recordKey, message: err.message });
      errors.push({
        ...this.errorRecord(map, direction, write?.prepared ?? { change: del!.change, recordKey }, err.class, err.message, write?.prepared.values),
        httpStatus: err.status,
        code: err.code,
      });
    }

    if (restore.length > 0) await this.deps.store.ledger.put(restore);
    await this.flush(map, direction, ledgerEntries, resolvedKeys, forgotten, errors);
    if (raced.length > 0) for (const o of await this.apply(map, direction, raced, { ...opts, afterRace: true })) done(o);
    return changes.map((c) => outcomes.get(c.ref) ?? { ref: c.ref, kind: 'failed', message: 'no outcome recorded (internal error)' });
  }

  private async flush(map: TableMap, direction: TransformDirection, entries: LedgerEntryInput[], resolvedKeys: string[], forgotten: Forgotten[], errors: ErrorRecordInput[]): Promise<void> {
    if (entries.length > 0) await this.deps.store.ledger.put(entries);
    const { source, target } = sidesOf(direction);
    if (forgotten.length > 0) {
      await this.deps.store.ledger.put(forgotten.flatMap(({ recordKey, sourceId, targetId }) => [
        { map: map.name, side: source, recordKey, hash: GONE, ...(sourceId ? { recordId: sourceId } : {}) },
        { map: map.name, side: target, recordKey, hash: TOMBSTONE, ...(targetId ? { recordId: targetId } : {}) },
      ]));
    }
    const unchangedKeys = entries.filter((e) => e.side === target).map((e) => e.recordKey);
    const settled = [...new Set([...resolvedKeys, ...unchangedKeys, ...forgotten.map((f) => f.recordKey)])];
    if (settled.length > 0) await this.deps.store.errors.markResolved(map.name, direction, settled);
    if (errors.length > 0) await this.deps.store.errors.record(errors);
  }

  /**
   * Both sides changed since our last write of the target: who wins? Returns why the source
   * change loses, or undefined when it should be written. The loser's side then receives the
   * winner's version through the winner's own change, so both converge.
   */
  private conflict(map: TableMap, source: SystemName, target: SystemName, change: SourceChange, row: Row, existing: Row, targetLedger: LedgerEntry | undefined): string | undefined {
    if (!targetLedger || contentHash(map, target, existing) === targetLedger.hash) return undefined;
    const { conflict } = effectiveSettings(map);
    if (conflict.policy === 'masterWins') {
      return source === conflict.master ? undefined : `both sides changed; ${conflict.master} is master`;
    }
    const sourceTime = timeOf(change.changedAt ?? row[this.schema(source, map[source].entitySet)?.modifiedColumn ?? '']);
    const targetTime = timeOf(existing[this.schema(target, map[target].entitySet)?.modifiedColumn ?? '']);
    if (sourceTime === undefined || targetTime === undefined) return source === conflict.master ? undefined : `both sides changed and times are unknown; ${conflict.master} is master`;
    if (targetTime > sourceTime) return `both sides changed; the ${target} edit is newer`;
    if (targetTime === sourceTime && source !== conflict.master) return `both sides changed at the same time; ${conflict.master} is master`;
    return undefined;
  }

  /**
   * A delete meets an edit: the master's side wins, whatever the policy (a delete has no
   * modification time to compare). `deletedSide` is where the row was deleted; returns why the
   * change at hand loses, or undefined. `deleting`: the change at hand is the delete.
   */
  private deleteMeetsEdit(map: TableMap, deletedSide: SystemName, written: LedgerEntry | undefined, deleting = false): string | undefined {
    const { master } = effectiveSettings(map).conflict;
    if (deleting) return deletedSide === master ? undefined : `deleted in ${deletedSide} while edited in the other system since dualwrite's last write; ${master} is master, so the edit wins`;
    if (!written || isDeletedMark(written.hash)) return undefined;
    return deletedSide === master ? `the ${deletedSide} row was deleted since dualwrite last wrote it; ${master} is master, so the delete wins` : undefined;
  }

  /** The refs of deletes whose target row was edited since dualwrite last wrote it (one read). */
  private async editedSinceWritten(map: TableMap, target: SystemName, deletes: readonly { change: SourceChange; recordKey: string; key: KeyValues }[], ledger: Map<string, LedgerEntry>): Promise<Set<string>> {
    const known = deletes.filter((d) => {
      const hash = ledger.get(d.recordKey)?.hash;
      return hash !== undefined && !isDeletedMark(hash);
    });
    if (known.length === 0) return new Set();
    const schema = this.schema(target, map[target].entitySet);
    const rows = new RowIndex(await this.deps.connectors[target].readByKeys(map[target].entitySet, known.map((d) => d.key), this.targetSelect(map, target, schema, known.map((d) => d.key))));
    return new Set(
      known
        .filter((d) => {
          const row = rows.find(d.key);
          return row !== undefined && contentHash(map, target, row) !== ledger.get(d.recordKey)!.hash;
        })
        .map((d) => d.change.ref),
    );
  }

  private async fillSourceRows(map: TableMap, source: SystemName, changes: readonly SourceChange[], refresh: boolean): Promise<Map<string, Row>> {
    const rows = new Map<string, Row>();
    const missing: SourceChange[] = [];
    for (const c of changes) {
      if (c.op !== 'upsert') continue;
      if (c.values && !(refresh && (c.key || c.recordId))) rows.set(c.ref, c.values);
      else if (c.key || c.recordId) missing.push(c);
    }
    if (missing.length === 0) return rows;
    const schema = this.schema(source, map[source].entitySet);
    const pk = schema?.primaryKey[0];
    const keyOf = (c: SourceChange): KeyValues => c.key ?? { [pk ?? 'id']: c.recordId! };
    const found = new RowIndex(await this.deps.connectors[source].readByKeys(map[source].entitySet, missing.map(keyOf)));
    for (const c of missing) {
      const row = found.find(keyOf(c));
      if (row) rows.set(c.ref, row);
    }
    return rows;
  }

  /**
   * The refs of deletes whose record exists in the source: its row (by key or id), or, on
   * Dataverse, another row with the same integration key (the record deleted and created again
   * under a new id; the delete of the old id must not take the new row's copy with it).
   */
  private async sourceRowsPresent(map: TableMap, source: SystemName, deletes: readonly { change: SourceChange; recordKey: string }[], lookups: LookupResults): Promise<Set<string>> {
    const pk = this.schema(source, map[source].entitySet)?.primaryKey[0];
    const byId = (c: SourceChange): KeyValues | undefined => c.key ?? (c.recordId && pk ? { [pk]: c.recordId } : undefined);
    // A Dataverse key holding a lookup is kept with the referenced F&O value: it does not address the row.
    const byIntegrationKey = (recordKey: string): KeyValues | undefined =>
      source === 'dataverse' && keyLookupColumns(map).length === 0 ? this.targetKeyForDelete(map, source, recordKey, undefined, lookups) : undefined;
    // Dataverse deletes learnt their integration key from the ledger after the batch's lookups.
    const companies = source === 'dataverse' ? this.companyRequestsForDeletes(map, deletes.map((d) => d.recordKey)).filter((r) => !(r.id in lookups)) : [];
    if (companies.length > 0) lookups = { ...lookups, ...(await this.resolver.resolve(companies)) };
    const present = new Set<string>();
    for (const keyOf of [(d: (typeof deletes)[number]) => byId(d.change), (d: (typeof deletes)[number]) => byIntegrationKey(d.recordKey)]) {
      const addressable = deletes.filter((d) => !present.has(d.change.ref) && keyOf(d) !== undefined);
      if (addressable.length === 0) continue;
      const found = new RowIndex(await this.deps.connectors[source].readByKeys(map[source].entitySet, addressable.map((d) => keyOf(d)!)));
      for (const d of addressable) if (found.find(keyOf(d)!) !== undefined) present.add(d.change.ref);
    }
    return present;
  }

  /** Only the companies of the environment link are synced (as Microsoft's dual-write links legal entities). */
  private takesPart(company: unknown): boolean {
    return typeof company === 'string' && this.companies.has(company.toLowerCase());
  }

  private companyCodeOf(map: TableMap, row: Row, lookups: LookupResults): string | undefined {
    const guid = row[lookupValueColumn(effectiveSettings(map).companyColumn)];
    if (typeof guid !== 'string') return undefined;
    const code = lookups[companyCodeRequest(guid).id];
    return typeof code === 'string' ? code : undefined;
  }

  /** Company ids the deletes need: Dataverse addresses rows by company id, whether it is the target or (checking a delete) the source. */
  private companyRequestsForDeletes(map: TableMap, recordKeys: readonly (string | undefined)[]): LookupRequest[] {
    if (map.scope !== 'company') return [];
    const out: LookupRequest[] = [];
    for (const recordKey of recordKeys) {
      const company = recordKey === undefined ? undefined : parseKeyText(recordKey)[0];
      if (typeof company === 'string') out.push(companyIdRequest(company));
    }
    return out;
  }

  /** The target row to delete: by the id we last wrote (unless we know that row gone), else by its integration key. */
  private targetKeyForDelete(map: TableMap, target: SystemName, recordKey: string, ledger: LedgerEntry | undefined, lookups: LookupResults): KeyValues | undefined {
    const schema = this.schema(target, map[target].entitySet);
    // The id of a row we know deleted is stale: a row created again since has a new one.
    if (target === 'dataverse' && ledger?.recordId && !isDeletedMark(ledger.hash) && schema?.primaryKey[0]) return { [schema.primaryKey[0]]: ledger.recordId };
    const parts = parseKeyText(recordKey);
    const keyColumns = map[target].key;
    const key: KeyValues = {};
    let offset = 0;
    if (map.scope === 'company') {
      const company = parts[0];
      if (typeof company !== 'string') return undefined;
      offset = 1;
      if (target === 'finops') key[FINOPS_COMPANY_COLUMN] = company;
      else {
        const companyId = lookups[companyIdRequest(company).id];
        if (typeof companyId !== 'string') return undefined;
        key[lookupValueColumn(effectiveSettings(map).companyColumn)] = companyId;
      }
    }
    for (let i = 0; i < keyColumns.length; i++) {
      const v = parts[i + offset];
      if (v === undefined || v === null || typeof v === 'object') return undefined;
      // A Dataverse-side key holding a lookup's GUID ("id:...") does not address an F&O row.
      if (target === 'finops' && typeof v === 'string' && v.startsWith('id:')) return undefined;
      key[keyColumns[i]!] = v as string | number | boolean;
    }
    return key;
  }

  private targetSelect(map: TableMap, target: SystemName, schema: EntitySetSchema | undefined, keys: KeyValues[]): string[] {
    const columns = new Set(mappedColumns(map, target));
    for (const k of keys) for (const c of Object.keys(k)) columns.add(c);
    for (const c of schema?.primaryKey ?? []) columns.add(c);
    if (schema?.modifiedColumn) columns.add(schema.modifiedColumn);
    return [...columns];
  }

  private recordIdOf(side: SystemName, map: TableMap, row: Row): string | undefined {
    if (side !== 'dataverse') return undefined;
    const pk = this.schema('dataverse', map.dataverse.entitySet)?.primaryKey[0];
    const v = pk ? row[pk] : undefined;
    return typeof v === 'string' ? v.toLowerCase() : undefined;
  }

  private schema(system: SystemName, entitySet: string): EntitySetSchema | undefined {
    return this.deps.schemas.find((s) => s.system === system && s.entitySet === entitySet);
  }

  private errorRecord(
    map: TableMap,
    direction: TransformDirection,
    p: { change: SourceChange; recordKey: string },
    errorClass: ErrorRecordInput['class'],
    message: string,
    payload: unknown,
  ): ErrorRecordInput {
    return {
      map: map.name,
      direction,
      recordKey: p.recordKey,
      recordId: p.change.recordId,
      class: errorClass,
      message,
      payload,
      change: {
        op: p.change.op,
        payload: { values: p.change.values, key: p.change.key, recordId: p.change.recordId },
        changedAt: p.change.changedAt,
        inboxSeq: /^\d+$/.test(p.change.ref) ? Number(p.change.ref) : undefined,
      },
    };
  }
}

/** The F&O values of a Dataverse row's key lookups, by Dataverse column; undefined when one is unresolved (the key then holds the GUID). */
function keyLookupValues(columns: readonly ColumnMapping[], requestIds: ReadonlyMap<string, string> | undefined, lookups: LookupResults): Record<string, KeyValue> | undefined {
  if (columns.length === 0) return undefined;
  const out: Record<string, KeyValue> = {};
  for (const column of columns) {
    const id = requestIds?.get(column.dataverse!);
    const value = id ? lookups[id] : undefined;
    if (value === undefined || value === null) return undefined;
    out[column.dataverse!] = value;
  }
  return out;
}

function timeOf(v: unknown): number | undefined {
  if (typeof v !== 'string') return undefined;
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : t;
}

/** Integration key text is a JSON array (company first for company-specific maps). */
export function parseKeyText(text: string): unknown[] {
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) ? parsed : [];
  } catch {
    return [];
  }
}
