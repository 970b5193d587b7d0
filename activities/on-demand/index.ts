import { ApplicationFailure } from '@temporalio/common';
import type { Connector, Row } from '../../src/connectors/types';
import type { SyncDependencies } from '../sync/deps';
import type { OnHandEntry, OnHandQuantities, OnHandRequest, OnHandResult, SalesOrderTotals, SalesOrderTotalsRequest } from '../../workflows/on-demand/messages';
import type { OnDemandActivities } from './contracts';
import { computeTotals } from './price-engine';

/** OData text literal: a quote inside is doubled. */
const text = (value: string) => `'${value.replace(/'/g, "''")}'`;
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : Number(v) || 0);

async function readAll(connector: Connector, entitySet: string, filter: string, company?: string): Promise<Row[]> {
  const rows: Row[] = [];
  let continuation: string | undefined;
  do {
    const page = await connector.readPage({ entitySet, filter, pageSize: 1000, ...(company ? { company } : {}), ...(continuation ? { continuation } : {}) });
    rows.push(...page.rows);
    continuation = page.continuation;
  } while (continuation);
  return rows;
}

function notFound(message: string): ApplicationFailure {
  return ApplicationFailure.create({ message, type: 'NotFound', nonRetryable: true });
}

function takesPart(deps: Pick<SyncDependencies, 'companies'>, company: string): string {
  const id = company.toLowerCase();
  if (!deps.companies.includes(id)) throw ApplicationFailure.create({ message: `company '${company}' does not take part in this environment link (expected one of ${deps.companies.join(', ')})`, type: 'BadRequest', nonRetryable: true });
  return id;
}

/** The on-demand activities: F&O answers, read through dualwrite's own connectors. */
export function createOnDemandActivities(deps: Pick<SyncDependencies, 'connectors' | 'companies'>): OnDemandActivities {
  const finops = deps.connectors.finops;
  return {
    async onHandInventory(req: OnHandRequest): Promise<OnHandResult> {
      const company = takesPart(deps, req.company);
      const filter = `ItemNumber eq ${text(req.itemNumber)}${req.siteId ? ` and InventorySiteId eq ${text(req.siteId)}` : ''}`;
      const rows = await readAll(finops, 'WarehousesOnHandV2', filter, company);
      if (rows.length === 0) {
        const item = await finops.readPage({ entitySet: 'ReleasedProductsV2', company, filter: `ItemNumber eq ${text(req.itemNumber)}`, pageSize: 1 });
        if (item.rows.length === 0) throw notFound(`item '${req.itemNumber}' is not a released product of company ${company}`);
      }
      const entries: OnHandEntry[] = rows
        .map((r) => ({
          siteId: String(r.InventorySiteId),
          warehouseId: String(r.InventoryWarehouseId),
          onHand: num(r.OnHandQuantity),
          reserved: num(r.ReservedOnHandQuantity),
          available: num(r.AvailableOnHandQuantity),
          ordered: num(r.OrderedQuantity),
          onOrder: num(r.OnOrderQuantity),
          totalAvailable: num(r.TotalAvailableQuantity),
        }))
        .sort((a, b) => a.siteId.localeCompare(b.siteId) || a.warehouseId.localeCompare(b.warehouseId));
      const totals: OnHandQuantities = { onHand: 0, reserved: 0, available: 0, ordered: 0, onOrder: 0, totalAvailable: 0 };
      for (const e of entries) for (const k of Object.keys(totals) as (keyof OnHandQuantities)[]) totals[k] += e[k];
      return { company, itemNumber: req.itemNumber, ...(req.siteId ? { siteId: req.siteId } : {}), entries, totals };
    },

    async salesOrderTotals(req: SalesOrderTotalsRequest): Promise<SalesOrderTotals> {
      const company = takesPart(deps, req.company);
      const byNumber = `SalesOrderNumber eq ${text(req.orderNumber)}`;
      const [headers, lines] = await Promise.all([readAll(finops, 'SalesOrderHeadersV2', byNumber, company), readAll(finops, 'SalesOrderLines', byNumber, company)]);
      const header = headers[0];
      if (!header) throw notFound(`sales order '${req.orderNumber}' is not in F&O company ${company} (yet): its header has not been dual-written`);
      const unpriced = [...new Set(lines.filter((l) => num(l.SalesPrice) === 0).map((l) => String(l.ItemNumber)))];
      const taxGroup = String(header.SalesTaxGroupCode ?? '');
      const [items, taxes, currencies] = await Promise.all([
        unpriced.length > 0 ? readAll(finops, 'ReleasedProductsV2', unpriced.map((i) => `ItemNumber eq ${text(i)}`).join(' or '), company) : Promise.resolve([]),
        taxGroup ? readAll(finops, 'SalesTaxGroups', `TaxGroupCode eq ${text(taxGroup)}`, company) : Promise.resolve([]),
        header.CurrencyCode ? readAll(finops, 'Currencies', `CurrencyCode eq ${text(String(header.CurrencyCode))}`) : Promise.resolve([]),
      ]);
      const totals = computeTotals({
        company,
        header,
        lines,
        itemPrices: new Map(items.map((i) => [String(i.ItemNumber), num(i.SalesPrice)])),
        taxPercentage: num(taxes[0]?.TaxPercentage),
        precision: currencies[0] ? num(currencies[0].RoundOffPrecision) : 2,
      });
      let writtenBack = false;
      if (req.writeBack !== false) {
        const [result] = await deps.connectors.dataverse.writeBatch('salesorders', [{
          id: 'totals',
          kind: 'upsert',
          mode: 'update',
          key: { ordernumber: totals.orderNumber, _msdyn_company_value: company },
          values: { totallineitemamount: totals.lineAmount, discountpercentage: totals.discountPercentage, totaldiscountamount: totals.discountAmount, totaltax: totals.taxAmount, totalamount: totals.totalAmount },
        }]);
        if (result && !result.ok) {
          if (result.error.class === 'not-found') throw notFound(`sales order '${req.orderNumber}' of ${company} is not in Dataverse: ${result.error.message}`);
          throw ApplicationFailure.create({ message: `writing the totals onto the Dataverse order failed: ${result.error.message}`, type: result.error.class, nonRetryable: !['throttled', 'unavailable', 'network', 'timeout'].includes(result.error.class) });
        }
        writtenBack = true;
      }
      return { ...totals, writtenBack };
    },
  };
}
