import type { OnHandRequest, OnHandResult, SalesOrderTotals, SalesOrderTotalsRequest } from '../../workflows/on-demand/messages';

/** The activities behind the on-demand calls (workflows/on-demand). */
export interface OnDemandActivities {
  onHandInventory(req: OnHandRequest): Promise<OnHandResult>;
  salesOrderTotals(req: SalesOrderTotalsRequest): Promise<SalesOrderTotals>;
}
