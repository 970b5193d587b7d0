import assert from 'node:assert/strict';
import { test } from 'node:test';
import { computeTotals, round } from './price-engine';
import { validateOnHandRequest, validateSalesOrderTotalsRequest } from '../../workflows/on-demand/messages';

test('totals: line amounts in line order, item price for unpriced lines, discount, then tax on the discounted amount', () => {
  const totals = computeTotals({
    company: 'usmf',
    header: { SalesOrderNumber: 'SO-1', CurrencyCode: 'USD', SalesTaxGroupCode: 'AV', TotalDiscountPercentage: 10 },
    lines: [
      { LineNumber: 2, ItemNumber: 'B', OrderedSalesQuantity: 2, SalesPrice: 0 },
      { LineNumber: 1, ItemNumber: 'A', OrderedSalesQuantity: 3, SalesPrice: 19.99 },
    ],
    itemPrices: new Map([['B', 12.5]]),
    taxPercentage: 8.25,
    precision: 2,
  });
  assert.deepEqual(totals.lines.map((l) => [l.lineNumber, l.priceSource, l.unitPrice, l.lineAmount]), [[1, 'line', 19.99, 59.97], [2, 'item', 12.5, 25]]);
  assert.equal(totals.lineAmount, 84.97);
  assert.equal(totals.discountAmount, 8.5); // 8.497 rounds half away from zero
  assert.equal(totals.taxAmount, 6.31); // 76.47 * 8.25 % = 6.308775
  assert.equal(totals.totalAmount, 82.78);
  assert.equal(totals.taxGroup, 'AV');
});

test('rounding follows the currency precision, half away from zero', () => {
  assert.equal(round(2.675, 2), 2.68);
  assert.equal(round(-2.5, 0), -3);
  assert.equal(round(1234.5, 0), 1235);
});

test('malformed requests are refused with what was expected', () => {
  assert.throws(() => validateOnHandRequest({ company: 'contoso', itemNumber: 'A' }), /company must be an F&O company id such as 'usmf', got "contoso"/);
  assert.throws(() => validateOnHandRequest({ company: 'usmf', itemNumber: '' }), /itemNumber must be a non-empty text of at most 20 characters/);
  assert.throws(() => validateSalesOrderTotalsRequest({ company: 'usmf', orderNumber: 'SO-1', writeBack: 'yes' as unknown as boolean }), /writeBack must be true or false/);
  assert.doesNotThrow(() => validateOnHandRequest({ company: 'usmf', itemNumber: 'A', siteId: '1' }));
});
