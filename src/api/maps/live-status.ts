import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import { statusQuery, type MapStatus } from '../../contracts/map-messages';
import { mapWorkflowId, type MapState } from '../../contracts/names';

/** What the API reports about a map's workflow. `Unknown`: Temporal could not be asked (see `statusError`). */
export interface LiveStatus {
  map: string;
  state: MapState | 'Unknown';
  workflowId: string;
  /** Temporal's execution status (RUNNING, COMPLETED, ...); absent when there is no workflow. */
  workflowStatus?: string;
  /** The workflow's own answer to the `status` query, when running and answering. */
  status?: MapStatus;
  statusError?: string;
}

const DEFAULT_TIMEOUT_MS = 5000;

/**
 * The state of `dualwrite-map-<map>`. Never throws for a missing workflow (NotRunning) or an
 * unreachable one (Unknown): a listing of many maps must not fail because of one of them. A
 * query needs a worker; the deadline keeps a listing from hanging when none polls.
 */
export async function liveStatus(client: Client, map: string, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<LiveStatus> {
  const workflowId = mapWorkflowId(map);
  const handle = client.workflow.getHandle(workflowId);
  let workflowStatus: string;
  try {
    const description = await client.withDeadline(Date.now() + timeoutMs, () => handle.describe());
    workflowStatus = description.status.name;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return { map, state: 'NotRunning', workflowId };
    return { map, state: 'Unknown', workflowId, statusError: `cannot describe ${workflowId}: ${messageOf(err)}` };
  }
  switch (workflowStatus) {
    case 'RUNNING':
      break;
    case 'COMPLETED':
    case 'CANCELLED':
      return { map, state: 'Stopped', workflowId, workflowStatus };
    case 'FAILED':
    case 'TERMINATED':
    case 'TIMED_OUT':
      return { map, state: 'Failed', workflowId, workflowStatus };
    default:
      return { map, state: 'Unknown', workflowId, workflowStatus };
  }
  try {
    const status = await client.withDeadline(Date.now() + timeoutMs, () => handle.query(statusQuery));
    return { map, state: status.state, workflowId, workflowStatus, status };
  } catch (err) {
    return { map, state: 'Unknown', workflowId, workflowStatus, statusError: `the workflow runs but did not answer the status query (is a worker polling?): ${messageOf(err)}` };
  }
}

const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

const LISTING_CONCURRENCY = 16;

/** Live status of many maps, at most 16 Temporal calls in flight: a catalog of hundreds must not flood the frontend. */
export async function liveStatuses(client: Client, maps: readonly string[], timeoutMs = DEFAULT_TIMEOUT_MS): Promise<LiveStatus[]> {
  const out: LiveStatus[] = new Array<LiveStatus>(maps.length);
  let next = 0;
  const lane = async () => {
    while (next < maps.length) {
      const i = next++;
      out[i] = await liveStatus(client, maps[i]!, timeoutMs);
    }
  };
  await Promise.all(Array.from({ length: Math.min(LISTING_CONCURRENCY, maps.length) }, lane));
  return out;
}
