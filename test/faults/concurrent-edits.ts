import assert from 'node:assert/strict';
import type { WriteOp } from '../../src/connectors/types';
import { eventually, type SyncWorld } from '../harness/sync-world';
import { settled, status } from '../sync/helpers';
import { captureReport, describeDifferences, differences, isEqual, randomUUID, seededRandom, type SideDifferences } from './support';

/**
 * Random concurrent creates, updates and deletes of customer groups from both sides at once,
 * many on the same rows (conflicts), as a person would make them. Shared by the fast test (300
 * operations) and the long suite (2,000 per conflict policy).
 */
export interface ConcurrentRun {
  attempted: number;
  succeeded: number;
  bySide: Record<'finops' | 'dataverse', number>;
  ms: number;
}

const MAP = 'customer-groups';

export async function randomConcurrentEdits(world: SyncWorld, options: { operations: number; seed: number; parallel?: number; ids?: number }): Promise<ConcurrentRun> {
  const random = seededRandom(options.seed);
  const fo = world.users.finops;
  const dv = world.users.dataverse;
  const usmf = String((await dv.readPage({ entitySet: 'cdm_companies', filter: "cdm_companycode eq 'USMF'" })).rows[0]!.cdm_companyid);
  // A small id space so that edits keep meeting on the same rows.
  const ids = Array.from({ length: options.ids ?? 25 }, (_, i) => `RND${String(i).padStart(3, '0')}`);
  const dvGuid = async (id: string) => (await dv.readPage({ entitySet: 'msdyn_customergroups', filter: `msdyn_groupid eq '${id}' and _msdyn_company_value eq ${usmf}`, select: ['msdyn_customergroupid'] })).rows[0]?.msdyn_customergroupid as string | undefined;

  const run: ConcurrentRun = { attempted: 0, succeeded: 0, bySide: { finops: 0, dataverse: 0 }, ms: 0 };
  const one = async (n: number): Promise<void> => {
    const id = random.pick(ids);
    const side = random.next() < 0.5 ? 'finops' : 'dataverse';
    const roll = random.next();
    const kind = roll < 0.15 ? 'delete' : roll < 0.4 ? 'create' : 'update';
    const description = `${side} op ${n} ${kind}`;
    run.attempted++;
    let ok = false;
    if (side === 'finops') {
      const op: WriteOp = kind === 'delete'
        ? { id: String(n), kind: 'delete', key: { dataAreaId: 'usmf', CustomerGroupId: id } }
        : { id: String(n), kind: 'upsert', ...(kind === 'update' ? { mode: 'update' as const } : {}), key: { dataAreaId: 'usmf', CustomerGroupId: id }, values: { Description: description } };
      ok = (await fo.writeBatch('CustomerGroups', [op]))[0]?.ok === true;
    } else {
      const guid = await dvGuid(id);
      let op: WriteOp | undefined;
      if (kind === 'delete') op = guid ? { id: String(n), kind: 'delete', key: { msdyn_customergroupid: guid } } : undefined;
      else if (guid) op = { id: String(n), kind: 'upsert', mode: 'update', key: { msdyn_customergroupid: guid }, values: { msdyn_description: description } };
      else if (kind === 'create') op = { id: String(n), kind: 'upsert', mode: 'create', key: { msdyn_customergroupid: randomUUID() }, values: { msdyn_groupid: id, msdyn_description: description, 'msdyn_company@odata.bind': `/cdm_companies(${usmf})` } };
      if (op) ok = (await dv.writeBatch('msdyn_customergroups', [op]))[0]?.ok === true;
    }
    // A person's write can fail on its own (updating a row the other side just deleted): fine, not dualwrite's.
    if (ok) {
      run.succeeded++;
      run.bySide[side]++;
    }
  };

  const started = Date.now();
  const parallel = options.parallel ?? 8;
  let next = 0;
  await Promise.all(Array.from({ length: parallel }, async () => {
    while (next < options.operations) await one(next++);
  }));
  run.ms = Date.now() - started;
  return run;
}

/**
 * Waits until the map is settled and both sides are equal under it (no key missing, different or
 * twice; equal row counts and content checksums); returns the comparison that found them equal.
 */
export async function convergence(world: SyncWorld, map = MAP, timeoutMs = 120_000): Promise<SideDifferences> {
  return eventually(`${map} to settle and both sides to be equal`, async () => {
    await settled(world, map);
    const d = await differences(world, map);
    return isEqual(d) ? d : undefined;
  }, timeoutMs).catch(async (err: Error) => {
    throw new Error(`${err.message}: ${describeDifferences(await differences(world, map))}; ${await captureReport(world, map)}`);
  });
}

/**
 * No echo loop: once converged, one more edit costs exactly one write to the other side, and
 * the applied count then stays put (checked after a further, unrelated change has been carried).
 */
export async function assertNoEchoLoop(world: SyncWorld, map = MAP): Promise<void> {
  const before = (await status(world, map)).counts;
  const [r] = await world.users.finops.writeBatch('CustomerGroups', [{ id: 'probe', kind: 'upsert', key: { dataAreaId: 'usmf', CustomerGroupId: 'PROBE1' }, values: { Description: `probe ${Date.now()}` } }]);
  assert.ok(r?.ok, JSON.stringify(r));
  await convergence(world, map);
  const after = (await status(world, map)).counts;
  assert.equal(after.applied - before.applied, 1, `one edit, one write: ${JSON.stringify({ before, after })}`);
}
