import type { Store } from '../store';
import type { Caller } from './auth/roles';

/**
 * Every state-changing call is written to the activity log with the caller as actor, so
 * "who paused this map?" has an answer even when the workflow never saw the signal.
 */
export async function recordAction(store: Store, caller: Caller, entry: { map?: string; type?: string; message: string; data?: unknown }): Promise<void> {
  await store.log.append({ map: entry.map, type: entry.type ?? 'command', message: entry.message, data: entry.data, actor: caller.name });
}
