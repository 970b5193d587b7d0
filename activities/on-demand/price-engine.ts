import type { Row } from '../../src/connectors/types';
import type { PricedLine, SalesOrderTotals } from '../../workflows/on-demand/messages';

/**
 * The sandbox's stand-in for the F&O price engine's Totals: line amounts (a zero line price
 * takes the item's price, as a zero price in Sales gets the trade-agreement price), the order's
 * total discount percentage, then the sales tax group's rate on the discounted amount. Amounts
 * are rounded to the currency's precision, half away from zero, as F&O rounds.
 */
export interface PriceInputs {
  company: string;
  header: Row;
  lines: Row[];
  /** Item number -> the released product's sales price. */
  itemPrices: Map<string, number>;
  taxPercentage: number;
  /** Decimals of the order's currency. */
  precision: number;
}

export function round(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return (Math.sign(value) * Math.round(Math.abs(value) * factor + Number.EPSILON)) / factor;
}

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : Number(v) || 0);

export function computeTotals(inputs: PriceInputs): Omit<SalesOrderTotals, 'writtenBack'> {
  const { header, precision } = inputs;
  const lines: PricedLine[] = [...inputs.lines]
    .sort((a, b) => num(a.LineNumber) - num(b.LineNumber))
    .map((line) => {
      const itemNumber = String(line.ItemNumber ?? '');
      const linePrice = num(line.SalesPrice);
      const unitPrice = linePrice !== 0 ? linePrice : (inputs.itemPrices.get(itemNumber) ?? 0);
      const quantity = num(line.OrderedSalesQuantity);
      return { lineNumber: num(line.LineNumber), itemNumber, quantity, unitPrice, priceSource: linePrice !== 0 ? 'line' : 'item', lineAmount: round(quantity * unitPrice, precision) };
    });
  const lineAmount = round(lines.reduce((sum, l) => sum + l.lineAmount, 0), precision);
  const discountPercentage = num(header.TotalDiscountPercentage);
  const discountAmount = round((lineAmount * discountPercentage) / 100, precision);
  const taxAmount = round(((lineAmount - discountAmount) * inputs.taxPercentage) / 100, precision);
  return {
    company: inputs.company,
    orderNumber: String(header.SalesOrderNumber),
    currency: String(header.CurrencyCode ?? ''),
    lines,
    lineAmount,
    discountPercentage,
    discountAmount,
    taxGroup: String(header.SalesTaxGroupCode ?? ''),
    taxPercentage: inputs.taxPercentage,
    taxAmount,
    totalAmount: round(lineAmount - discountAmount + taxAmount, precision),
  };
}
