import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import type { Context } from 'hono';
import { routeChanges } from '../../capture/route-changes';
import type { ChangeRecord } from '../../connectors/types';
import { applyChangeUpdate, changesAvailableSignal } from '../../contracts/map-messages';
import { mapWorkflowId } from '../../contracts/names';
import type { TableMap, TransformDirection } from '../../maps/schema';
import { effectiveSettings } from '../../maps/schema';
import type { SystemName } from '../../schema/entity-schema';
import type { ChangeInbox } from '../../store/inbox';
import { ApiError } from '../errors';
import { SignalCoalescer } from './signal-coalescer';

export interface ReceiverDependencies {
  inbox: Pick<ChangeInbox, 'append'>;
  maps: { all(): Promise<TableMap[]> };
  parsers: Record<SystemName, (body: unknown) => ChangeRecord[]>;
  client: Client;
  /** Shared secrets per system: the sender must present it in `header`. Unset: no check (local use only). */
  secrets?: Partial<Record<SystemName, { header: string; value: string }>>;
  /**
   * Security: HMAC-SHA256 keys per system. When set, the sender must sign the raw body:
   * `X-DualWrite-Signature: sha256=<hex>`. Checked in addition to the shared secret, if both are set.
   */
  signingKeys?: Partial<Record<SystemName, string>>;
  /** Largest body accepted, in bytes. */
  maxBodyBytes?: number;
  /** Who dualwrite writes as, per system (Dataverse WhoAmI), to recognise its own changes. */
  identities?: Partial<Record<SystemName, () => Promise<string>>>;
  /** Time a write-through may take before the source is told to roll back. */
  writeThroughBudgetMs?: number;
}

export interface ReceiveResult {
  accepted: number;
  duplicates: number;
  applied: number;
  maps: string[];
}

const DEFAULT_MAX_BODY = 1 << 20;

/**
 * Receives a webhook (Dataverse) or data event (F&O): checks the secret, parses the body,
 * applies write-through maps at once (an error answer makes the source roll back) and queues
 * the rest in the inbox, then pokes the workflows of the maps that received changes.
 */
export async function receiveChanges(c: Context, system: SystemName, deps: ReceiverDependencies): Promise<ReceiveResult> {
  const secret = deps.secrets?.[system];
  if (secret && !sameSecret(c.req.header(secret.header), secret.value)) {
    throw new ApiError(401, 'unauthorized', `missing or wrong ${secret.header} header`);
  }
  const raw = await c.req.text();
  if (Buffer.byteLength(raw) > (deps.maxBodyBytes ?? DEFAULT_MAX_BODY)) {
    throw new ApiError(413, 'payload-too-large', `body larger than ${deps.maxBodyBytes ?? DEFAULT_MAX_BODY} bytes`);
  }
  const signingKey = deps.signingKeys?.[system];
  if (signingKey !== undefined && !validSignature(c.req.header(SIGNATURE_HEADER), raw, signingKey)) {
    throw new ApiError(401, 'bad-signature', `missing or wrong ${SIGNATURE_HEADER} header: expected "sha256=<hex HMAC-SHA256 of the raw body>"`);
  }
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch (err) {
    throw new ApiError(400, 'invalid-json', `the body is not JSON: ${(err as Error).message}`);
  }
  let records: ChangeRecord[];
  try {
    records = deps.parsers[system](body);
  } catch (err) {
    throw new ApiError(400, 'invalid-event', `not a ${system === 'dataverse' ? 'Dataverse RemoteExecutionContext' : 'F&O data event'}: ${(err as Error).message}`);
  }

  const maps = await deps.maps.all();
  const syncMaps = new Set(maps.filter((m) => effectiveSettings(m).syncMode === 'sync').map((m) => m.name));
  // A synchronous step also fires for the writes dualwrite itself makes to that system; those
  // need no write-through back (they came from the other side), so they are answered at once.
  const self = await identityOf(deps, system);
  const ours = (r: ChangeRecord) => self !== undefined && r.changedBy?.toLowerCase() === self;
  const changes = [
    ...routeChanges(maps.filter((m) => !syncMaps.has(m.name)), records),
    ...routeChanges(maps.filter((m) => syncMaps.has(m.name)), records.filter((r) => !ours(r))),
  ];
  let applied = 0;
  const queued = [];
  for (const change of changes) {
    if (!syncMaps.has(change.map)) {
      queued.push(change);
      continue;
    }
    const payload = change.payload as { values?: Record<string, unknown>; key?: Record<string, string | number | boolean>; recordId?: string };
    try {
      const result = await deps.client.workflow.getHandle(mapWorkflowId(change.map)).executeUpdate(applyChangeUpdate, {
        args: [{ direction: change.direction, op: change.op, recordId: payload.recordId, key: payload.key, values: payload.values, eventId: change.eventId, changedAt: change.changedAt ?? undefined }],
        updateId: `${change.map}:${change.eventId}`,
      });
      if (result.status !== 'queued') applied++;
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) {
        queued.push(change);
        continue;
      }
      const reason = err instanceof WorkflowUpdateFailedError && err.cause ? err.cause.message : (err as Error).message;
      throw new ApiError(409, 'write-through-failed', `dualwrite could not write ${change.recordKey} to the other side of ${change.map}: ${reason}`);
    }
  }
  const appended = queued.length > 0 ? await deps.inbox.append(queued) : { appended: 0, duplicates: 0, maps: [] };
  // The changes are durable in the inbox now: the poke need not hold up the sender's answer.
  // Each map is told which directions got changes, so it does not start an empty drain of the
  // other one (a drain holds its direction's lock, which write-through waits for).
  for (const map of appended.maps) coalescerFor(deps.client).poke(map, [...new Set(queued.filter((c) => c.map === map).map((c) => c.direction))]);
  return { accepted: appended.appended, duplicates: appended.duplicates, applied, maps: appended.maps };
}

/** Security: the HMAC header, and how a sender computes it (tests and senders use this). */
export const SIGNATURE_HEADER = 'X-DualWrite-Signature';

export function signBody(body: string, key: string): string {
  return `sha256=${createHmac('sha256', key).update(body, 'utf8').digest('hex')}`;
}

function validSignature(given: string | undefined, raw: string, key: string): boolean {
  const hex = given === undefined ? undefined : /^sha256=([0-9a-fA-F]{64})$/.exec(given.trim())?.[1];
  if (hex === undefined) return false;
  const expected = createHmac('sha256', key).update(raw, 'utf8').digest();
  return timingSafeEqual(Buffer.from(hex, 'hex'), expected);
}

async function identityOf(deps: ReceiverDependencies, system: SystemName): Promise<string | undefined> {
  const lookup = deps.identities?.[system];
  if (!lookup) return undefined;
  try {
    return (await lookup()).toLowerCase();
  } catch {
    return undefined; // unknown identity: every change is treated as someone else's (safe, slower)
  }
}

const coalescers = new WeakMap<Client, SignalCoalescer>();

function coalescerFor(client: Client): SignalCoalescer {
  let coalescer = coalescers.get(client);
  if (!coalescer) {
    const created: SignalCoalescer = new SignalCoalescer(
      (map, directions) => client.workflow.getHandle(mapWorkflowId(map)).signal(changesAvailableSignal, directions.length > 0 ? { directions: directions as TransformDirection[] } : {}),
      50,
      (map, err, directions) => {
        // A map that is not running keeps its changes in the inbox until it starts.
        if (err instanceof WorkflowNotFoundError) return;
        console.error(JSON.stringify({ level: 'warn', msg: 'could not poke map workflow; trying again in 1 s', map, error: err instanceof Error ? err.message : String(err) }));
        setTimeout(() => created.poke(map, directions), 1000).unref();
      },
    );
    coalescer = created;
    coalescers.set(client, coalescer);
  }
  return coalescer;
}

function sameSecret(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
