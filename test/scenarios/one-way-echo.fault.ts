import assert from 'node:assert/strict';
import { test } from 'node:test';
import { catalogWith, startSyncWorld } from '../harness/sync-world';
import { enable, settled } from '../sync/helpers';
import { readAll, rowsAppear, SMALL_FINOPS_SEED, write } from './support';

/**
 * ENGINE FAULT (kept out of `npm test`; run with
 * `node --import tsx --test test/scenarios/one-way-echo.fault.ts`).
 *
 * A one-way map (every column F&O -> Dataverse) whose Dataverse key holds a lookup still routes
 * the Dataverse webhooks of the rows dualwrite itself wrote back into the map as
 * dataverse-to-finops changes. The echo check does not recognise them (the lookup in the key,
 * here salesorderid, is only resolved for '<-'/'<->' columns), so the engine transforms them
 * towards F&O, builds no F&O key and files an open 'transform' error per row: "SalesOrderNumber:
 * key column SalesOrderNumber has no value; LineNumber: key column LineNumber has no value".
 * The same maps with '<->' columns, or one-way maps keyed by plain columns, are fine; the
 * standard maps sales-invoice-lines, exchange-rates and fiscal-periods are keyed by plain
 * columns in Dataverse for this reason. Expected: a change captured on a side the map never
 * reads from is ignored (or filtered) before the echo and transform steps.
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
