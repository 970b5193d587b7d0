import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';

/**
 * On-demand calls from the CRM side, answered by F&O within a time budget: what a caller sends
 * and gets back. The call is a Temporal update on one long-running workflow (ON_DEMAND_WORKFLOW_ID):
 * the caller waits for the answer, and a failure (unknown item, order not found, F&O too slow)
 * comes back as the update's error instead of a row to poll for.
 */

export const ON_DEMAND_WORKFLOW_ID = 'dualwrite-on-demand';

export interface OnDemandInput {
  /** The time budget of one call, in milliseconds (default 5000): every attempt of its activity fits in it. */
  budgetMs?: number;
  /** Calls served before the workflow continues as new (default 500), besides Temporal's own suggestion. */
  callsPerRun?: number;
}

export interface OnHandRequest {
  /** F&O company (dataAreaId), e.g. usmf. */
  company: string;
  itemNumber: string;
  /** Only this site's warehouses; all sites when absent. */
  siteId?: string;
}

export interface OnHandQuantities {
  onHand: number;
  reserved: number;
  available: number;
  ordered: number;
  onOrder: number;
  totalAvailable: number;
}

export interface OnHandEntry extends OnHandQuantities {
  siteId: string;
  warehouseId: string;
}

export interface OnHandResult {
  company: string;
  itemNumber: string;
  siteId?: string;
  entries: OnHandEntry[];
  totals: OnHandQuantities;
}

export interface SalesOrderTotalsRequest {
  company: string;
  orderNumber: string;
  /** Write the totals onto the Dataverse order (default true), as the price engine's results flow back. */
  writeBack?: boolean;
}

export interface PricedLine {
  lineNumber: number;
  itemNumber: string;
  quantity: number;
  unitPrice: number;
  /** Where the unit price came from: the line, or the item's price when the line's is zero. */
  priceSource: 'line' | 'item';
  lineAmount: number;
}

export interface SalesOrderTotals {
  company: string;
  orderNumber: string;
  currency: string;
  lines: PricedLine[];
  /** Sum of the line amounts (Dataverse "Detail Amount"). */
  lineAmount: number;
  discountPercentage: number;
  discountAmount: number;
  taxGroup: string;
  taxPercentage: number;
  taxAmount: number;
  totalAmount: number;
  /** Whether the totals were written onto the Dataverse order. */
  writtenBack: boolean;
}

export interface OnDemandStats {
  served: number;
  failed: number;
}

export const onHandInventoryUpdate = defineUpdate<OnHandResult, [OnHandRequest]>('onHandInventory');
export const salesOrderTotalsUpdate = defineUpdate<SalesOrderTotals, [SalesOrderTotalsRequest]>('salesOrderTotals');
export const onDemandStatsQuery = defineQuery<OnDemandStats>('onDemandStats');
export const stopOnDemandSignal = defineSignal('stopOnDemand');

const COMPANY = /^[A-Za-z0-9]{1,4}$/;

function requireText(value: unknown, what: string, max: number): void {
  if (typeof value !== 'string' || value.trim() === '' || value.length > max) {
    throw new Error(`${what} must be a non-empty text of at most ${max} characters, got ${JSON.stringify(value)}`);
  }
}

/** Rejects a malformed on-hand request before it enters history (update validator). */
export function validateOnHandRequest(req: OnHandRequest): void {
  if (typeof req !== 'object' || req === null) throw new Error('the on-hand request must be an object { company, itemNumber, siteId? }');
  if (typeof req.company !== 'string' || !COMPANY.test(req.company)) throw new Error(`company must be an F&O company id such as 'usmf', got ${JSON.stringify(req.company)}`);
  requireText(req.itemNumber, 'itemNumber', 20);
  if (req.siteId !== undefined) requireText(req.siteId, 'siteId', 10);
}

/** Rejects a malformed totals request before it enters history (update validator). */
export function validateSalesOrderTotalsRequest(req: SalesOrderTotalsRequest): void {
  if (typeof req !== 'object' || req === null) throw new Error('the totals request must be an object { company, orderNumber, writeBack? }');
  if (typeof req.company !== 'string' || !COMPANY.test(req.company)) throw new Error(`company must be an F&O company id such as 'usmf', got ${JSON.stringify(req.company)}`);
  requireText(req.orderNumber, 'orderNumber', 20);
  if (req.writeBack !== undefined && typeof req.writeBack !== 'boolean') throw new Error(`writeBack must be true or false, got ${JSON.stringify(req.writeBack)}`);
}
