import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import { type MapStatus, statusQuery } from '../contracts/map-messages';
import { mapWorkflowId } from '../contracts/names';

export type MapStatusReading = { kind: 'running'; status: MapStatus } | { kind: 'not-running' } | { kind: 'unknown'; reason: string };

/**
 * The map workflow's own view (state, backlog, lag). A query needs a worker: with none polling
 * it would wait for a long time, so it is bounded, and a slow answer counts as unknown (the
 * evaluator then leaves the rule's state as it is rather than fire or clear on a guess).
 */
export async function readMapStatus(client: Client, map: string, timeoutMs: number): Promise<MapStatusReading> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<MapStatusReading>((resolve) => {
    timer = setTimeout(() => resolve({ kind: 'unknown', reason: `status query got no answer within ${timeoutMs} ms (is a worker running?)` }), timeoutMs);
  });
  const query = client.workflow
    .getHandle(mapWorkflowId(map))
    .query(statusQuery)
    .then((status): MapStatusReading => ({ kind: 'running', status }))
    .catch((err: unknown): MapStatusReading => {
      if (err instanceof WorkflowNotFoundError) return { kind: 'not-running' };
      return { kind: 'unknown', reason: `status query failed: ${err instanceof Error ? err.message : String(err)}` };
    });
  try {
    return await Promise.race([query, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
