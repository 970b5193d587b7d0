import { heartbeat } from '@temporalio/activity';
import { routeChanges } from '../../src/capture/route-changes';
import type { SyncDependencies } from './deps';

export const deltaTokenKey = (map: string): string => `delta:${map}`;

/**
 * Polls Dataverse change tracking for the map's entity set and appends what changed to the
 * inbox. The first poll only records where tracking starts: rows that existed before are the
 * initial sync's business, not live sync's.
 */
export function createCaptureChanges(deps: SyncDependencies) {
  return async function captureChanges(input: { map: string }): Promise<{ captured: number; backlog: number }> {
    const map = await deps.maps.get(input.map);
    const connector = deps.connectors.dataverse;
    let captured = 0;
    if (connector.pollChanges) {
      let token = await deps.store.state.get<string>(deltaTokenKey(input.map));
      for (;;) {
        const result = await connector.pollChanges(map.dataverse.entitySet, token);
        // The first listing (possibly over several polls) is the table as it is, not changes.
        const initial = result.initial ?? token === undefined;
        if (!initial && result.changes.length > 0) {
          const appended = await deps.store.inbox.append(routeChanges([map], result.changes));
          captured += appended.appended;
        }
        token = result.deltaToken;
        await deps.store.state.set(deltaTokenKey(input.map), token);
        heartbeat({ captured });
        if (!result.more) break;
      }
    }
    const backlog = await deps.store.inbox.count({ map: input.map, status: 'pending' });
    return { captured, backlog };
  };
}
