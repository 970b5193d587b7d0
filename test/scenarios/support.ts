import type { Connector, Row, WriteOp } from '../../src/connectors/types';
import type { DataverseConnector } from '../../src/connectors/dataverse/dataverse-connector';
import { eventually, type SyncWorld } from '../harness/sync-world';

/**
 * Small helpers shared by the scenario tests: act as a person in one system, then look for the
 * result in the other. Every wait is on a condition (eventually), never a fixed sleep.
 */

/** Small demo data: enough rows for every lookup, few enough for a quick initial sync. */
export const SMALL_FINOPS_SEED = { customers: 9, vendors: 6, products: 24, salesOrders: 3 };

/** Writes through a person's connector and fails with the system's message when a row is refused. */
export async function write(connector: Connector, entitySet: string, ops: WriteOp[]): Promise<void> {
  const results = await connector.writeBatch(entitySet, ops);
  const failed = results.filter((r) => !r.ok);
  if (failed.length > 0) throw new Error(`${entitySet}: ${JSON.stringify(failed)}`);
}

/** `<nav>@odata.bind` value for a Dataverse row addressed by its alternate key. */
export function bind(world: SyncWorld, entitySet: string, key: Record<string, string | number>): Promise<string> {
  return (world.users.dataverse as DataverseConnector).bindPath(entitySet, key);
}

export async function readAll(connector: Connector, entitySet: string, filter: string, company?: string): Promise<Row[]> {
  return (await connector.readPage({ entitySet, filter, pageSize: 5000, ...(company ? { company } : {}) })).rows;
}

/** Waits until `filter` on `entitySet` returns at least `count` rows, and returns them. */
export function rowsAppear(connector: Connector, entitySet: string, filter: string, count = 1, company?: string, timeoutMs = 45_000): Promise<Row[]> {
  return eventually(`${count} row(s) of ${entitySet} where ${filter}`, async () => {
    const rows = await readAll(connector, entitySet, filter, company);
    return rows.length >= count ? rows : undefined;
  }, timeoutMs);
}

/** The GUID of a Dataverse row found by filter (first match). */
export async function dataverseId(world: SyncWorld, entitySet: string, idColumn: string, filter: string): Promise<string> {
  const [row] = await rowsAppear(world.users.dataverse, entitySet, filter);
  return String(row![idColumn]);
}
