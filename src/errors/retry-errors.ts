import type { Client } from '@temporalio/client';
import type { ErrorRecord, ErrorSelection, InboxChangeInput, Store } from '../store';
import { type ErrorFilterInput, toErrorFilter } from './error-filter';
import { pokeMaps } from './poke-maps';

/** Explicit record ids, or every record matching a filter (open ones unless `status` says otherwise). */
export type ErrorSelectionInput = { ids: readonly number[] } | ErrorFilterInput;

export interface RetryDeps {
  store: Pick<Store, 'errors' | 'inbox' | 'log'>;
  /** Pokes the maps' workflows; without it the changes wait in the inbox for the next poke. */
  client?: Client;
}

export interface RetryOptions {
  /** Who asked, for the activity log; default `cli`. */
  by?: string;
  /** At most this many records; default no limit (a filter naming `retrying` takes one batch). */
  limit?: number;
  now?: Date;
}

export interface RetryResult {
  /** Records claimed and marked `retrying`. */
  retried: number;
  /** Changes appended to the inbox (a change already there is not appended twice). */
  requeued: number;
  /** Records retried per map. */
  byMap: Record<string, number>;
  /** Ids asked for that were not open (resolved, discarded, already retrying or unknown). */
  skippedIds: number[];
  /** Maps whose workflow was told about the changes. */
  poked: string[];
  /** Maps without a running workflow; their changes wait in the inbox. */
  notRunning: string[];
  /** Set when the maps could not be poked (no Temporal connection); the changes are safe in the inbox. */
  pokeError?: string;
}

const BATCH = 1000;

/**
 * The inbox entry that applies a failed change again. The engine keys Dataverse-sourced changes
 * by record id (`id:<guid>`, lower case) and F&O-sourced ones by integration key; the event id
 * is new for every failed attempt, so a retry after a retry is not taken for a duplicate.
 */
export function retryChangeFor(record: ErrorRecord): InboxChangeInput {
  return {
    map: record.map,
    direction: record.direction,
    recordKey: record.direction === 'finops-to-dataverse' ? record.recordKey : `id:${(record.recordId ?? record.recordKey).toLowerCase()}`,
    op: record.change?.op ?? 'upsert',
    payload: record.change?.payload ?? null,
    changedAt: record.change?.changedAt ?? null,
    eventId: `retry:${record.id}:${record.attempts}`,
  };
}

function toSelection(selection: ErrorSelectionInput, now: Date): ErrorSelection {
  if ('ids' in selection) {
    for (const id of selection.ids) if (!Number.isInteger(id) || id < 1) throw new Error(`error id "${String(id)}" is not valid: expected a positive whole number`);
    return { ids: [...selection.ids] };
  }
  return toErrorFilter(selection, now);
}

/**
 * Retries failed records: claims them (`open` -> `retrying`), appends their changes to the
 * inbox, and pokes each map's workflow. The engine resolves a record when its change applies
 * and reopens it when it fails again.
 */
export async function retryErrors(deps: RetryDeps, selectionInput: ErrorSelectionInput, options: RetryOptions = {}): Promise<RetryResult> {
  const now = options.now ?? new Date();
  const selection = toSelection(selectionInput, now);
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  // Records already `retrying` stay selectable by a filter that names that status: one batch then,
  // or the loop would claim the same records again and again.
  const takesOver = !('ids' in selection) && [selection.status ?? []].flat().includes('retrying');
  const taken: ErrorRecord[] = [];
  let requeued = 0;
  const touchedMaps = new Set<string>();
  // Explicit ids are claimed in chunks of BATCH; a filter is claimed BATCH at a time until none is left.
  const idChunks = 'ids' in selection ? Array.from({ length: Math.ceil(selection.ids.length / BATCH) }, (_, i) => selection.ids.slice(i * BATCH, (i + 1) * BATCH)) : [];
  for (let round = 0; taken.length < limit; round++) {
    const batchLimit = Math.min(BATCH, limit - taken.length);
    const chunk = idChunks[round];
    if ('ids' in selection && chunk === undefined) break;
    const batch = await deps.store.errors.takeForRetry(chunk !== undefined ? { ids: chunk, limit: batchLimit } : { ...selection, limit: batchLimit }, now.toISOString());
    if (batch.length === 0) {
      if (chunk === undefined) break;
      continue;
    }
    taken.push(...batch);
    const appended = await deps.store.inbox.append(batch.map(retryChangeFor)).catch((err: unknown) => {
      const ids = batch.map((r) => r.id).join(', ');
      throw new Error(
        `records ${ids} were marked retrying but their changes could not be queued (${err instanceof Error ? err.message : String(err)}); retry them again with the filter status=retrying`,
      );
    });
    requeued += appended.appended;
    for (const r of batch) touchedMaps.add(r.map);
    if (chunk === undefined && (batch.length < batchLimit || takesOver)) break;
  }

  const byMap: Record<string, number> = {};
  for (const r of taken) byMap[r.map] = (byMap[r.map] ?? 0) + 1;
  const takenIds = new Set(taken.map((r) => r.id));
  const skippedIds = 'ids' in selection ? [...new Set(selection.ids)].filter((id) => !takenIds.has(id)) : [];
  const result: RetryResult = { retried: taken.length, requeued, byMap, skippedIds, poked: [], notRunning: [] };

  if (taken.length > 0) {
    await deps.store.log.append(
      Object.entries(byMap).map(([map, count]) => ({
        map,
        type: 'error',
        message: `${count} failed record(s) queued for retry`,
        data: { ids: taken.filter((r) => r.map === map).map((r) => r.id) },
        actor: options.by ?? 'cli',
        at: now.toISOString(),
      })),
    );
  }
  const maps = [...touchedMaps].sort();
  if (maps.length > 0) {
    if (!deps.client) {
      result.pokeError = 'no Temporal connection: the maps were not told; their workflows pick the changes up at the next poke or resume';
    } else {
      try {
        Object.assign(result, await pokeMaps(deps.client, maps));
      } catch (err) {
        result.pokeError = `could not tell the map workflows (${err instanceof Error ? err.message : String(err)}); the changes are safe in the inbox`;
      }
    }
  }
  return result;
}
