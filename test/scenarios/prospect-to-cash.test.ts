import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startSyncWorld } from '../harness/sync-world';
import { enable, settled } from '../sync/helpers';
import { bind, dataverseId, readAll, rowsAppear, SMALL_FINOPS_SEED, write } from './support';

/**
 * Prospect to cash, end to end: an order taken in one app shows up in the other with its
 * customer, currency, products and units resolved, and with every line, in line order.
 */
test('prospect to cash: quotes, orders and invoices with their lines', async (t) => {
  const world = await startSyncWorld({ companies: ['usmf'], finopsSeed: SMALL_FINOPS_SEED });
  const fo = world.users.finops;
  const dv = world.users.dataverse;

  await world.withWorker(async () => {
    const order = await enable(world, { maps: ['sales-quotation-lines', 'sales-order-lines', 'sales-invoice-lines'], initialSync: { master: 'finops', pageSize: 200 } });
    const flat = order.flat();
    assert.ok(flat.indexOf('sales-order-headers') < flat.indexOf('sales-order-lines'), `headers before lines: ${JSON.stringify(order)}`);
    assert.ok(flat.indexOf('sales-quotation-headers') < flat.indexOf('sales-quotation-lines'), `quote headers before lines: ${JSON.stringify(order)}`);
    assert.ok(flat.indexOf('sales-order-headers') < flat.indexOf('sales-invoice-headers'), `orders before invoices: ${JSON.stringify(order)}`);

    const [customer] = await readAll(fo, 'CustomersV3', "PartyType eq 'Organization'", 'usmf');
    const products = (await readAll(fo, 'ReleasedProductsV2', "ItemNumber ne ''", 'usmf')).filter((p) => p.ProductType === 'Item').slice(0, 3);
    assert.ok(customer && products.length === 3, `the seed has an organization customer and three items in USMF: ${JSON.stringify({ customer, products })}`);
    const account = String(customer.CustomerAccount);

    await t.test('an order created in F&O appears in Dataverse with its lookups and lines', async () => {
      await write(fo, 'SalesOrderHeadersV2', [
        { id: 'h', kind: 'upsert', mode: 'create', key: { dataAreaId: 'usmf', SalesOrderNumber: 'SO-ZF0001' }, values: { OrderingCustomerAccountNumber: account, CurrencyCode: 'USD', SalesOrderName: 'Taken in F&O' } },
      ]);
      await write(fo, 'SalesOrderLines', products.map((p, i) => ({
        id: `l${i}`, kind: 'upsert' as const, mode: 'create' as const,
        key: { dataAreaId: 'usmf', SalesOrderNumber: 'SO-ZF0001', LineNumber: i + 1 },
        values: { ItemNumber: p.ItemNumber, OrderedSalesQuantity: i + 2, SalesUnitSymbol: p.SalesUnitSymbol, SalesPrice: 10 * (i + 1), LineAmount: 10 * (i + 1) * (i + 2) },
      })));
      const [header] = await rowsAppear(dv, 'salesorders', "ordernumber eq 'SO-ZF0001'");
      const accountId = await dataverseId(world, 'accounts', 'accountid', `accountnumber eq '${account}'`);
      assert.equal(header!._customerid_value, accountId, 'customer lookup resolved to the synced account');
      const usd = await dataverseId(world, 'transactioncurrencies', 'transactioncurrencyid', "isocurrencycode eq 'USD'");
      assert.equal(header!._transactioncurrencyid_value, usd, 'currency lookup resolved');
      const lines = await rowsAppear(dv, 'salesorderdetails', `_salesorderid_value eq ${String(header!.salesorderid)}`, 3);
      lines.sort((a, b) => Number(a.lineitemnumber) - Number(b.lineitemnumber));
      assert.deepEqual(lines.map((l) => [l.lineitemnumber, l.quantity, l.priceperunit, l.extendedamount]), [[1, 2, 10, 20], [2, 3, 20, 60], [3, 4, 30, 120]]);
      for (const [i, line] of lines.entries()) {
        const productId = await dataverseId(world, 'products', 'productid', `productnumber eq '${String(products[i]!.ItemNumber)}'`);
        assert.equal(line._productid_value, productId, `line ${i + 1} product resolved`);
        assert.ok(typeof line._uomid_value === 'string', `line ${i + 1} unit resolved`);
      }
    });

    await t.test('an order created in Dataverse appears in F&O with its lines, in order', async () => {
      const company = await bind(world, 'cdm_companies', { cdm_companycode: 'USMF' });
      await write(dv, 'salesorders', [{
        id: 'h', kind: 'upsert', key: { ordernumber: 'SO-ZD0001', _msdyn_company_value: 'usmf' },
        values: {
          name: 'Taken in Sales', 'msdyn_company@odata.bind': company,
          'customerid_account@odata.bind': await bind(world, 'accounts', { accountnumber: account, _msdyn_company_value: 'usmf' }),
          'transactioncurrencyid@odata.bind': await bind(world, 'transactioncurrencies', { isocurrencycode: 'USD' }),
        },
      }]);
      const orderId = await dataverseId(world, 'salesorders', 'salesorderid', "ordernumber eq 'SO-ZD0001'");
            const lineOps = [];
      for (const [i, p] of products.entries()) {
        lineOps.push({
          id: `l${i}`, kind: 'upsert' as const, key: { _salesorderid_value: orderId, lineitemnumber: i + 1 },
          values: {
            'salesorderid@odata.bind': `/salesorders(${orderId})`, 'msdyn_company@odata.bind': company, 'uomid@odata.bind': await bind(world, 'uoms', { msdyn_symbol: String(p.SalesUnitSymbol) }),
            'productid@odata.bind': await bind(world, 'products', { productnumber: String(p.ItemNumber) }),
            quantity: 5 - i, priceperunit: 7 + i,
          },
        });
      }
      await write(dv, 'salesorderdetails', lineOps);

      const [header] = await rowsAppear(fo, 'SalesOrderHeadersV2', "SalesOrderNumber eq 'SO-ZD0001'", 1, 'usmf');
      assert.equal(header!.OrderingCustomerAccountNumber, account, 'customer account resolved from the account lookup');
      assert.equal(header!.CurrencyCode, 'USD');
      const lines = await rowsAppear(fo, 'SalesOrderLines', "SalesOrderNumber eq 'SO-ZD0001'", 3, 'usmf');
      lines.sort((a, b) => Number(a.LineNumber) - Number(b.LineNumber));
      assert.deepEqual(lines.map((l) => [l.LineNumber, l.ItemNumber, l.OrderedSalesQuantity, l.SalesPrice, l.SalesUnitSymbol]),
        products.map((p, i) => [i + 1, p.ItemNumber, 5 - i, 7 + i, p.SalesUnitSymbol]));
    });

    await t.test('a quote created in Dataverse appears in F&O with its lines', async () => {
      const company = await bind(world, 'cdm_companies', { cdm_companycode: 'USMF' });
      await write(dv, 'quotes', [{
        id: 'q', kind: 'upsert', key: { msdyn_quotenumber: 'QT-ZD0001', _msdyn_company_value: 'usmf' },
        values: {
          name: 'Quoted in Sales', 'msdyn_company@odata.bind': company,
          'customerid_account@odata.bind': await bind(world, 'accounts', { accountnumber: account, _msdyn_company_value: 'usmf' }),
          'transactioncurrencyid@odata.bind': await bind(world, 'transactioncurrencies', { isocurrencycode: 'USD' }),
        },
      }]);
      const quoteId = await dataverseId(world, 'quotes', 'quoteid', "msdyn_quotenumber eq 'QT-ZD0001'");
      const ops = [];
      for (const [i, p] of products.slice(0, 2).entries()) {
        ops.push({
          id: `q${i}`, kind: 'upsert' as const, key: { _quoteid_value: quoteId, sequencenumber: i + 1 },
          values: {
            'quoteid@odata.bind': `/quotes(${quoteId})`, 'msdyn_company@odata.bind': company,
            'productid@odata.bind': await bind(world, 'products', { productnumber: String(p.ItemNumber) }),
            'uomid@odata.bind': await bind(world, 'uoms', { msdyn_symbol: String(p.SalesUnitSymbol) }),
            quantity: i + 1, priceperunit: 100,
          },
        });
      }
      await write(dv, 'quotedetails', ops);
      const [header] = await rowsAppear(fo, 'SalesQuotationHeadersV2', "SalesQuotationNumber eq 'QT-ZD0001'", 1, 'usmf');
      assert.equal(header!.RequestingCustomerAccountNumber, account);
      assert.equal(header!.SalesQuotationName, 'Quoted in Sales');
      const lines = await rowsAppear(fo, 'SalesQuotationLines', "SalesQuotationNumber eq 'QT-ZD0001'", 2, 'usmf');
      lines.sort((a, b) => Number(a.LineCreationSequenceNumber) - Number(b.LineCreationSequenceNumber));
      assert.deepEqual(lines.map((l) => [l.LineCreationSequenceNumber, l.ItemNumber, l.RequestedSalesQuantity, l.SalesPrice]),
        products.slice(0, 2).map((p, i) => [i + 1, p.ItemNumber, i + 1, 100]));
    });

    await t.test('an invoice posted in F&O appears in Dataverse linked to its order', async () => {
      await write(fo, 'SalesInvoiceHeadersV2', [
        { id: 'i', kind: 'upsert', mode: 'create', key: { dataAreaId: 'usmf', InvoiceNumber: 'CIV-ZF0001' }, values: { InvoiceDate: '2026-03-01T00:00:00Z', SalesOrderNumber: 'SO-ZF0001', InvoiceCustomerAccountNumber: account, CurrencyCode: 'USD', TotalTaxAmount: 20, TotalInvoiceAmount: 220 } },
      ]);
      await write(fo, 'SalesInvoiceLinesV2', products.slice(0, 2).map((p, i) => ({
        id: `i${i}`, kind: 'upsert' as const, mode: 'create' as const,
        key: { dataAreaId: 'usmf', InvoiceNumber: 'CIV-ZF0001', InvoiceLineNumber: i + 1 },
        values: { ItemNumber: p.ItemNumber, InvoicedQuantity: 1, SalesUnitSymbol: p.SalesUnitSymbol, SalesPrice: 100, LineAmount: 100 },
      })));
      const [invoice] = await rowsAppear(dv, 'invoices', "invoicenumber eq 'CIV-ZF0001'");
      const orderId = await dataverseId(world, 'salesorders', 'salesorderid', "ordernumber eq 'SO-ZF0001'");
      assert.equal(invoice!._salesorderid_value, orderId, 'invoice linked to its order');
      assert.equal(invoice!.msdyn_invoicedate, '2026-03-01');
      assert.equal(invoice!.totalamount, 220);
      assert.equal(invoice!.totaltax, 20);
      const lines = await rowsAppear(dv, 'invoicedetails', `_invoiceid_value eq ${String(invoice!.invoiceid)}`, 2);
      assert.deepEqual(lines.map((l) => l.lineitemnumber).sort(), [1, 2]);
    });

    await t.test('nothing is left in the error queue (lines that beat their header were retried)', async () => {
      for (const map of ['sales-quotation-headers', 'sales-quotation-lines', 'sales-order-headers', 'sales-order-lines', 'sales-invoice-headers', 'sales-invoice-lines']) {
        await settled(world, map);
        const open = (await world.store.errors.list({ map, status: 'open' })).items;
        assert.deepEqual(open.map((e) => `${e.class}: ${e.message}`), [], `${map} has no open errors`);
      }
    });
  });
});
