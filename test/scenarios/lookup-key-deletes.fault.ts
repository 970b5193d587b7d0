import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eventually, startSyncWorld } from '../harness/sync-world';
import { enable, settled } from '../sync/helpers';
import { readAll, rowsAppear, SMALL_FINOPS_SEED, write } from './support';

/**
 * ENGINE FAULT (kept out of `npm test`; run with
 * `node --import tsx --test test/scenarios/lookup-key-deletes.fault.ts`).
 *
 * Maps whose Dataverse key contains a lookup (sales-order-lines: salesorderid + lineitemnumber;
 * likewise quote, invoice and purchase order lines, party addresses and contacts, customer
 * attachments) mishandle the echo of a delete. The delete itself reaches the other side, but
 * its echo is not recognised as ours: it is applied back as a delete addressed by a key the
 * target cannot resolve, and files an open error:
 *  - here (Dataverse delete -> F&O delete -> F&O data event): a Dataverse delete of
 *    salesorderdetails keyed by the F&O form of the key, ["usmf","SO-ZX0001",2]: "The key in the
 *    request URI is not valid for resource 'Microsoft.Dynamics.CRM.salesorderdetail'";
 *  - customer-attachments (F&O delete -> Dataverse delete -> webhook): the Dataverse-side ledger
 *    key holds the lookup as `id:<guid>` (["usmf","id:8be6...","FILE-1"]), so the F&O delete is
 *    sent with CustomerAccount = "id:8be6..." and F&O answers "is 39 characters long; the
 *    maximum length is 20".
 * Expected: a delete whose target is already gone (or that the ledger says we made) is dropped
 * like an upsert echo, and a delete addresses the target with the target's own key (the record
 * id from the ledger, or lookup key columns resolved through the referenced map).
 */
test('deleting order lines on either side deletes them on the other, with no errors', async () => {
  const world = await startSyncWorld({ companies: ['usmf'], finopsSeed: SMALL_FINOPS_SEED });
  const fo = world.users.finops;
  const dv = world.users.dataverse;
  await world.withWorker(async () => {
    await enable(world, { maps: ['sales-order-lines'], initialSync: { master: 'finops', pageSize: 200 } });
    const [customer] = await readAll(fo, 'CustomersV3', "PartyType eq 'Organization'", 'usmf');
    const [item] = (await readAll(fo, 'ReleasedProductsV2', "ItemNumber ne ''", 'usmf')).filter((p) => p.ProductType === 'Item');
    await write(fo, 'SalesOrderHeadersV2', [{ id: 'h', kind: 'upsert', mode: 'create', key: { dataAreaId: 'usmf', SalesOrderNumber: 'SO-ZX0001' }, values: { OrderingCustomerAccountNumber: customer!.CustomerAccount, CurrencyCode: 'USD' } }]);
    const [order] = await rowsAppear(dv, 'salesorders', "ordernumber eq 'SO-ZX0001'");
    await write(fo, 'SalesOrderLines', [1, 2].map((n) => ({ id: `l${n}`, kind: 'upsert' as const, mode: 'create' as const, key: { dataAreaId: 'usmf', SalesOrderNumber: 'SO-ZX0001', LineNumber: n }, values: { ItemNumber: item!.ItemNumber, OrderedSalesQuantity: 1, SalesUnitSymbol: item!.SalesUnitSymbol, SalesPrice: 5 } })));
    const lines = await rowsAppear(dv, 'salesorderdetails', `_salesorderid_value eq ${String(order!.salesorderid)}`, 2);

    // 1. Delete line 2 in Dataverse: it should disappear from F&O.
    const line2 = lines.find((l) => l.lineitemnumber === 2)!;
    await write(dv, 'salesorderdetails', [{ id: 'd', kind: 'delete', key: { salesorderdetailid: String(line2.salesorderdetailid) } }]);
    // 2. Delete line 1 in F&O: it disappears from Dataverse (this part works), and its echo must not fail.
    await write(fo, 'SalesOrderLines', [{ id: 'd', kind: 'delete', key: { dataAreaId: 'usmf', SalesOrderNumber: 'SO-ZX0001', LineNumber: 1 } }]);
    await eventually('line 1 gone from Dataverse', async () => (await readAll(dv, 'salesorderdetails', `_salesorderid_value eq ${String(order!.salesorderid)}`)).length === 0);
    await settled(world, 'sales-order-lines');
    const open = (await world.store.errors.list({ map: 'sales-order-lines', status: 'open' })).items;
    assert.deepEqual(open.map((e) => `${e.direction} ${e.change?.op ?? ''} ${e.recordKey}: ${e.message}`), [], 'no open errors');
    assert.deepEqual((await readAll(fo, 'SalesOrderLines', "SalesOrderNumber eq 'SO-ZX0001'", 'usmf')).map((l) => l.LineNumber), [], 'line 2, deleted in Dataverse, is gone from F&O');
  });
});
