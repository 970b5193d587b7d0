import assert from 'node:assert/strict';
import { test } from 'node:test';
import { catalogWith, startSyncWorld } from '../harness/sync-world';
import { enable, settled } from '../sync/helpers';
import { readAll, rowsAppear, SMALL_FINOPS_SEED, write } from './support';

/**
 * A one-way (F&O to Dataverse) map keyed by a lookup in Dataverse: dualwrite's own writes come
 * back as Dataverse changes, which the map never reads; they must not become errors.
 */
test('a one-way map keyed by a lookup does not turn its own Dataverse writes into errors', async () => {
  const oneWay = catalogWith({
    'sales-order-lines': (m) => {
      for (const c of m.columns as Record<string, unknown>[]) {
        c.direction = '->';
        delete c.toFinops;
      }
    },
  });
  const world = await startSyncWorld({ mapsDir: oneWay, companies: ['usmf'], finopsSeed: SMALL_FINOPS_SEED });
  const fo = world.users.finops;
  await world.withWorker(async () => {
    await enable(world, { maps: ['sales-order-lines'], initialSync: { master: 'finops', pageSize: 200 } });
    const [customer] = await readAll(fo, 'CustomersV3', "PartyType eq 'Organization'", 'usmf');
    const [item] = (await readAll(fo, 'ReleasedProductsV2', "ItemNumber ne ''", 'usmf')).filter((p) => p.ProductType === 'Item');
    await write(fo, 'SalesOrderHeadersV2', [
      { id: 'h', kind: 'upsert', mode: 'create', key: { dataAreaId: 'usmf', SalesOrderNumber: 'SO-ZX0001' }, values: { OrderingCustomerAccountNumber: customer!.CustomerAccount, CurrencyCode: 'USD' } },
    ]);
    // Header first, so that no line is ever deferred: the fault is not about ordering.
    const [order] = await rowsAppear(world.users.dataverse, 'salesorders', "ordernumber eq 'SO-ZX0001'");
    await write(fo, 'SalesOrderLines', [
      { id: 'l', kind: 'upsert', mode: 'create', key: { dataAreaId: 'usmf', SalesOrderNumber: 'SO-ZX0001', LineNumber: 1 }, values: { ItemNumber: item!.ItemNumber, OrderedSalesQuantity: 1, SalesUnitSymbol: item!.SalesUnitSymbol, SalesPrice: 10 } },
    ]);
    await rowsAppear(world.users.dataverse, 'salesorderdetails', `_salesorderid_value eq ${String(order!.salesorderid)}`);
    const s = await settled(world, 'sales-order-lines');
    const open = (await world.store.errors.list({ map: 'sales-order-lines', status: 'open' })).items;
    assert.deepEqual(open.map((e) => `${e.direction} ${e.class}: ${e.message}`), [], `counts ${JSON.stringify(s.counts)}`);
  });
});
