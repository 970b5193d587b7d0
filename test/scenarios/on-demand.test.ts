import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { onDemandWorkflow } from '../../workflows';
import { ON_DEMAND_WORKFLOW_ID, onDemandStatsQuery, onHandInventoryUpdate, salesOrderTotalsUpdate, stopOnDemandSignal } from '../../workflows/on-demand/messages';
import { startSyncWorld } from '../harness/sync-world';
import { enable } from '../sync/helpers';
import { bind, dataverseId, readAll, rowsAppear, SMALL_FINOPS_SEED, write } from './support';

const BUDGET_MS = 3000;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Times `calls` sequential calls; returns p50 and p99 in milliseconds. */
async function measure(calls: number, call: () => Promise<unknown>): Promise<{ p50: number; p99: number }> {
  const times: number[] = [];
  for (let i = 0; i < calls; i++) {
    const started = performance.now();
    await call();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { p50: Math.round(percentile(times, 50) * 10) / 10, p99: Math.round(percentile(times, 99) * 10) / 10 };
}

/**
 * On-demand calls from the CRM side answered by F&O: on-hand inventory for an item and site, and
 * the price engine's totals for an order taken in Dataverse, as Temporal updates within a budget.
 */
test('on demand: on-hand inventory and sales order totals as updates, with p50/p99 latency', async (t) => {
  const world = await startSyncWorld({ companies: ['usmf'], finopsSeed: SMALL_FINOPS_SEED });
  const fo = world.users.finops;
  const dv = world.users.dataverse;

  await world.withWorker(async () => {
    await enable(world, { maps: ['sales-order-lines'], initialSync: { master: 'finops', pageSize: 200 } });
    const handle = await world.env.client.workflow.start(onDemandWorkflow, { taskQueue: world.taskQueue, workflowId: ON_DEMAND_WORKFLOW_ID, args: [{ budgetMs: BUDGET_MS }] });
    const items = (await readAll(fo, 'ReleasedProductsV2', "ItemNumber ne ''", 'usmf')).filter((p) => p.ProductType === 'Item');
    const item = String(items[0]!.ItemNumber);

    await t.test('on-hand inventory of an item, per warehouse and for one site, matches F&O', async () => {
      const stock = await readAll(fo, 'WarehousesOnHandV2', `ItemNumber eq '${item}'`, 'usmf');
      assert.equal(stock.length, 3, 'the seed stocks every item in three warehouses');
      const all = await handle.executeUpdate(onHandInventoryUpdate, { args: [{ company: 'usmf', itemNumber: item }] });
      assert.deepEqual(all.entries.map((e) => `${e.siteId}/${e.warehouseId}`), ['1/11', '1/12', '2/21']);
      assert.equal(all.totals.available, stock.reduce((s, r) => s + Number(r.AvailableOnHandQuantity), 0));
      assert.equal(all.totals.onHand, stock.reduce((s, r) => s + Number(r.OnHandQuantity), 0));
      const site = await handle.executeUpdate(onHandInventoryUpdate, { args: [{ company: 'usmf', itemNumber: item, siteId: '2' }] });
      assert.deepEqual(site.entries.map((e) => e.warehouseId), ['21']);
      assert.equal(site.totals.totalAvailable, Number(stock.find((r) => r.InventorySiteId === '2')!.TotalAvailableQuantity));
    });

    await t.test('an unknown item and a malformed request come back as clear errors', async () => {
      await assert.rejects(handle.executeUpdate(onHandInventoryUpdate, { args: [{ company: 'usmf', itemNumber: 'NO-SUCH-ITEM' }] }), (err: unknown) => {
        assert.ok(err instanceof WorkflowUpdateFailedError);
        assert.match(String((err.cause as Error).message), /item 'NO-SUCH-ITEM' is not a released product of company usmf/);
        assert.equal((err.cause as { type?: string }).type, 'NotFound');
        return true;
      });
      await assert.rejects(handle.executeUpdate(onHandInventoryUpdate, { args: [{ company: 'contoso', itemNumber: item }] }), (err: unknown) => {
        assert.match(String(((err as Error).cause as Error | undefined)?.message ?? (err as Error).message), /company must be an F&O company id/);
        return true;
      });
    });

    const account = String((await readAll(fo, 'CustomersV3', "PartyType eq 'Organization'", 'usmf'))[0]!.CustomerAccount);
    await t.test('the price engine totals an order taken in Dataverse and the totals flow back onto it', async () => {
      const company = await bind(world, 'cdm_companies', { cdm_companycode: 'USMF' });
      await write(dv, 'salesorders', [{
        id: 'h', kind: 'upsert', key: { ordernumber: 'SO-ZP0001', _msdyn_company_value: 'usmf' },
        values: {
          name: 'Priced on demand', 'msdyn_company@odata.bind': company,
          'customerid_account@odata.bind': await bind(world, 'accounts', { accountnumber: account, _msdyn_company_value: 'usmf' }),
          'transactioncurrencyid@odata.bind': await bind(world, 'transactioncurrencies', { isocurrencycode: 'USD' }),
        },
      }]);
      const orderId = await dataverseId(world, 'salesorders', 'salesorderid', "ordernumber eq 'SO-ZP0001'");
      const [a, b] = [items[0]!, items[1]!];
      const line = async (n: number, p: typeof a, quantity: number, price: number) => ({
        id: `l${n}`, kind: 'upsert' as const, key: { _salesorderid_value: orderId, lineitemnumber: n },
        values: {
          'salesorderid@odata.bind': `/salesorders(${orderId})`, 'msdyn_company@odata.bind': company,
          'productid@odata.bind': await bind(world, 'products', { productnumber: String(p.ItemNumber) }),
          'uomid@odata.bind': await bind(world, 'uoms', { msdyn_symbol: String(p.SalesUnitSymbol) }),
          quantity, priceperunit: price,
        },
      });
      // Line 2 has no price: the engine takes the item's price, as F&O's trade agreement would.
      await write(dv, 'salesorderdetails', [await line(1, a, 3, 19.99), await line(2, b, 2, 0)]);
      await rowsAppear(fo, 'SalesOrderLines', "SalesOrderNumber eq 'SO-ZP0001'", 2, 'usmf');
      // F&O fills in what only it knows: the tax group and the customer's discount.
      await write(fo, 'SalesOrderHeadersV2', [{ id: 'h', kind: 'upsert', mode: 'update', key: { dataAreaId: 'usmf', SalesOrderNumber: 'SO-ZP0001' }, values: { SalesTaxGroupCode: 'AV', TotalDiscountPercentage: 10 } }]);

      const totals = await handle.executeUpdate(salesOrderTotalsUpdate, { args: [{ company: 'usmf', orderNumber: 'SO-ZP0001' }] });
      const second = Math.round(2 * Number(b.SalesPrice) * 100) / 100;
      const lineAmount = Math.round((59.97 + second) * 100) / 100;
      const discount = Math.round(lineAmount * 10) / 100;
      const tax = Math.round((lineAmount - discount) * 8.25) / 100;
      assert.deepEqual(totals.lines.map((l) => [l.lineNumber, l.priceSource, l.lineAmount]), [[1, 'line', 59.97], [2, 'item', second]]);
      assert.equal(totals.lineAmount, lineAmount);
      assert.equal(totals.discountAmount, discount);
      assert.ok(Math.abs(totals.taxAmount - tax) <= 0.01, `tax ${totals.taxAmount} ~ ${tax}`);
      assert.equal(totals.totalAmount, Math.round((lineAmount - totals.discountAmount + totals.taxAmount) * 100) / 100);
      assert.equal(totals.writtenBack, true);
      const [order] = await readAll(dv, 'salesorders', "ordernumber eq 'SO-ZP0001'");
      assert.deepEqual([order!.totallineitemamount, order!.totaldiscountamount, order!.totaltax, order!.totalamount], [totals.lineAmount, totals.discountAmount, totals.taxAmount, totals.totalAmount]);
    });

    await t.test('latency within the budget: p50 and p99 of sequential calls', async () => {
      const onHand = await measure(200, () => handle.executeUpdate(onHandInventoryUpdate, { args: [{ company: 'usmf', itemNumber: String(items[200 % items.length]!.ItemNumber), siteId: '1' }] }));
      const totals = await measure(100, () => handle.executeUpdate(salesOrderTotalsUpdate, { args: [{ company: 'usmf', orderNumber: 'SO-ZP0001' }] }));
      t.diagnostic(`on-hand inventory: p50 ${onHand.p50} ms, p99 ${onHand.p99} ms (200 calls)`);
      t.diagnostic(`sales order totals (with write-back): p50 ${totals.p50} ms, p99 ${totals.p99} ms (100 calls)`);
      assert.ok(onHand.p99 < BUDGET_MS && totals.p99 < BUDGET_MS, JSON.stringify({ onHand, totals }));
      const stats = await handle.query(onDemandStatsQuery);
      assert.ok(stats.served >= 303, JSON.stringify(stats));
    });

    await handle.signal(stopOnDemandSignal);
    await handle.result();
  });
});
