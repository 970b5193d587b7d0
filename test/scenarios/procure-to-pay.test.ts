import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startSyncWorld } from '../harness/sync-world';
import { enable, settled } from '../sync/helpers';
import { bind, dataverseId, readAll, rowsAppear, SMALL_FINOPS_SEED, write } from './support';

/**
 * Procure to pay, end to end: purchase orders and their lines, with vendor, currency, products
 * and units resolved, both ways.
 */
test('procure to pay: purchase orders and lines both ways', async (t) => {
  const world = await startSyncWorld({ companies: ['usmf'], finopsSeed: SMALL_FINOPS_SEED });
  const fo = world.users.finops;
  const dv = world.users.dataverse;

  await world.withWorker(async () => {
    const order = (await enable(world, { maps: ['purchase-order-lines'], initialSync: { master: 'finops', pageSize: 200 } })).flat();
    assert.ok(order.indexOf('vendors-v2') < order.indexOf('purchase-order-headers'), `vendors before orders: ${JSON.stringify(order)}`);
    assert.ok(order.indexOf('purchase-order-headers') < order.indexOf('purchase-order-lines'), `headers before lines: ${JSON.stringify(order)}`);

    const [vendor] = await readAll(fo, 'VendorsV2', "VendorAccountNumber ne ''", 'usmf');
    const items = (await readAll(fo, 'ReleasedProductsV2', "ItemNumber ne ''", 'usmf')).filter((p) => p.ProductType === 'Item').slice(0, 2);
    assert.ok(vendor && items.length === 2, 'the seed has a vendor and two items in USMF');
    const vendorAccount = String(vendor.VendorAccountNumber);

    await t.test('a purchase order created in F&O appears in Dataverse with vendor, products and lines', async () => {
      await write(fo, 'PurchaseOrderHeadersV2', [
        { id: 'h', kind: 'upsert', mode: 'create', key: { dataAreaId: 'usmf', PurchaseOrderNumber: 'PO-ZF0001' }, values: { OrderVendorAccountNumber: vendorAccount, CurrencyCode: 'USD', PurchaseOrderName: 'Restock', PurchaseOrderStatus: 'Backorder' } },
      ]);
      await write(fo, 'PurchaseOrderLinesV2', items.map((p, i) => ({
        id: `l${i}`, kind: 'upsert' as const, mode: 'create' as const,
        key: { dataAreaId: 'usmf', PurchaseOrderNumber: 'PO-ZF0001', LineNumber: i + 1 },
        values: { ItemNumber: p.ItemNumber, OrderedPurchaseQuantity: 10 * (i + 1), PurchaseUnitSymbol: p.PurchaseUnitSymbol, PurchasePrice: 4, LineAmount: 40 * (i + 1) },
      })));
      const [header] = await rowsAppear(dv, 'msdyn_purchaseorders', "msdyn_purchaseordernumber eq 'PO-ZF0001'");
      assert.equal(header!._msdyn_vendor_value, await dataverseId(world, 'msdyn_vendors', 'msdyn_vendorid', `msdyn_vendoraccountnumber eq '${vendorAccount}'`));
      assert.equal(header!.msdyn_purchaseorderstatus, 192350001, 'status Backorder mapped to its option');
      const lines = await rowsAppear(dv, 'msdyn_purchaseorderproducts', `_msdyn_purchaseorder_value eq ${String(header!.msdyn_purchaseorderid)}`, 2);
      lines.sort((a, b) => Number(a.msdyn_linenumber) - Number(b.msdyn_linenumber));
      assert.deepEqual(lines.map((l) => [l.msdyn_linenumber, l.msdyn_quantity, l.msdyn_unitcost, l.msdyn_totalcost]), [[1, 10, 4, 40], [2, 20, 4, 80]]);
      for (const [i, line] of lines.entries()) {
        assert.equal(line._msdyn_product_value, await dataverseId(world, 'products', 'productid', `productnumber eq '${String(items[i]!.ItemNumber)}'`));
      }
    });

    await t.test('a purchase order created in Dataverse appears in F&O with its lines in order', async () => {
      const company = await bind(world, 'cdm_companies', { cdm_companycode: 'USMF' });
      await write(dv, 'msdyn_purchaseorders', [{
        id: 'h', kind: 'upsert', key: { msdyn_purchaseordernumber: 'PO-ZD0001', _msdyn_company_value: 'usmf' },
        values: {
          msdyn_name: 'Requested in Dataverse', 'msdyn_company@odata.bind': company, msdyn_purchaseorderstatus: 192350000,
          'msdyn_vendor@odata.bind': await bind(world, 'msdyn_vendors', { msdyn_vendoraccountnumber: vendorAccount, _msdyn_company_value: 'usmf' }),
          'transactioncurrencyid@odata.bind': await bind(world, 'transactioncurrencies', { isocurrencycode: 'USD' }),
        },
      }]);
      const orderId = await dataverseId(world, 'msdyn_purchaseorders', 'msdyn_purchaseorderid', "msdyn_purchaseordernumber eq 'PO-ZD0001'");
      const ops = [];
      for (const [i, p] of items.entries()) {
        ops.push({
          id: `l${i}`, kind: 'upsert' as const, key: { _msdyn_purchaseorder_value: orderId, msdyn_linenumber: i + 1 },
          values: {
            'msdyn_purchaseorder@odata.bind': `/msdyn_purchaseorders(${orderId})`, 'msdyn_company@odata.bind': company,
            'msdyn_product@odata.bind': await bind(world, 'products', { productnumber: String(p.ItemNumber) }),
            'msdyn_unit@odata.bind': await bind(world, 'uoms', { msdyn_symbol: String(p.PurchaseUnitSymbol) }),
            msdyn_quantity: 3 + i, msdyn_unitcost: 9,
          },
        });
      }
      await write(dv, 'msdyn_purchaseorderproducts', ops);
      const [header] = await rowsAppear(fo, 'PurchaseOrderHeadersV2', "PurchaseOrderNumber eq 'PO-ZD0001'", 1, 'usmf');
      assert.equal(header!.OrderVendorAccountNumber, vendorAccount);
      assert.equal(header!.PurchaseOrderStatus, 'None');
      const lines = await rowsAppear(fo, 'PurchaseOrderLinesV2', "PurchaseOrderNumber eq 'PO-ZD0001'", 2, 'usmf');
      lines.sort((a, b) => Number(a.LineNumber) - Number(b.LineNumber));
      assert.deepEqual(lines.map((l) => [l.LineNumber, l.ItemNumber, l.OrderedPurchaseQuantity, l.PurchasePrice, l.PurchaseUnitSymbol]),
        items.map((p, i) => [i + 1, p.ItemNumber, 3 + i, 9, p.PurchaseUnitSymbol]));
    });

    await t.test('nothing is left in the error queue', async () => {
      for (const map of ['vendors-v2', 'purchase-order-headers', 'purchase-order-lines']) {
        await settled(world, map);
        const open = (await world.store.errors.list({ map, status: 'open' })).items;
        assert.deepEqual(open.map((e) => `${e.class}: ${e.message}`), [], `${map} has no open errors`);
      }
    });
  });
});
