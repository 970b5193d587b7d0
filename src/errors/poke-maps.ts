import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import { changesAvailableSignal } from '../contracts/map-messages';
import { mapWorkflowId } from '../contracts/names';

export interface PokeResult {
  /** Maps whose workflow received `changesAvailable`. */
  poked: string[];
  /** Maps without a running workflow: their changes wait in the inbox until the map runs. */
  notRunning: string[];
}

/**
 * Tells each map's workflow that its inbox has new changes. A map that is not running is not an
 * error: the inbox keeps the changes and the workflow reads them when it starts.
 */
export async function pokeMaps(client: Client, maps: readonly string[]): Promise<PokeResult> {
  const result: PokeResult = { poked: [], notRunning: [] };
  for (const map of maps) {
    try {
      await client.workflow.getHandle(mapWorkflowId(map)).signal(changesAvailableSignal, {});
      result.poked.push(map);
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
      result.notRunning.push(map);
    }
  }
  return result;
}
