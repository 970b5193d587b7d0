import type { Store } from '../store';
import { toErrorFilter } from './error-filter';
import type { ErrorSelectionInput } from './retry-errors';

/**
 * Closes open and retrying records for good (their changes are dropped); returns how many. An
 * empty filter discards every open record, so callers that expose "all" should ask first.
 */
export async function discardErrors(store: Pick<Store, 'errors' | 'log'>, selection: ErrorSelectionInput, options: { by?: string; now?: Date } = {}): Promise<{ discarded: number }> {
  const now = options.now ?? new Date();
  let discarded: number;
  if ('ids' in selection) {
    for (const id of selection.ids) if (!Number.isInteger(id) || id < 1) throw new Error(`error id "${String(id)}" is not valid: expected a positive whole number`);
    discarded = await store.errors.discard({ ids: [...selection.ids] }, now.toISOString());
  } else {
    const filter = toErrorFilter(selection, now);
    discarded = await store.errors.discard(filter, now.toISOString());
  }
  if (discarded > 0) {
    const map = 'ids' in selection ? undefined : selection.map;
    await store.log.append({
      ...(map ? { map } : {}),
      type: 'error',
      message: `${discarded} failed record(s) discarded`,
      data: 'ids' in selection ? { ids: selection.ids } : { filter: selection },
      actor: options.by ?? 'cli',
      at: now.toISOString(),
    });
  }
  return { discarded };
}
