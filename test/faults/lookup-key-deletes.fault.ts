import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eventually, startSyncWorld } from '../harness/sync-world';
import { enable, settled } from '../sync/helpers';
import { readAll, rowsAppear, SMALL_FINOPS_SEED, write } from '../scenarios/support';

/**
 * Maps whose Dataverse key contains a lookup (sales-order-lines: salesorderid + lineitemnumber;
 * likewise quote and purchase order lines, party addresses and contacts, customer attachments).
 * Both sides must key the echo ledger alike (the engine resolves the lookup part of a Dataverse
 * key to the referenced row's F&O value), or the delete of a line on one side is not known as
 * ours when it comes back, and a stale echo of an earlier upsert could re-create the line.
 * In the long suite: it still failed once in CI (line 1, deleted in F&O, stayed in Dataverse),
 * a timing-dependent delete race not yet understood (docs/reliability.md, "Known problems").
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
