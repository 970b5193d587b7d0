import { ActivityFailure, allHandlersFinished, ApplicationFailure, condition, continueAsNew, proxyActivities, setHandler, TimeoutFailure, workflowInfo } from '@temporalio/workflow';
import type { OnDemandActivities } from '../../activities/on-demand/contracts';
import {
  onDemandStatsQuery,
  onHandInventoryUpdate,
  salesOrderTotalsUpdate,
  stopOnDemandSignal,
  validateOnHandRequest,
  validateSalesOrderTotalsRequest,
  type OnDemandInput,
} from './messages';

const DEFAULT_BUDGET_MS = 5000;
const DEFAULT_CALLS_PER_RUN = 500;

/**
 * Serves on-demand calls (on-hand inventory, sales order totals) as Temporal updates. One
 * long-running workflow, not one per call: a call then costs one update round trip and one
 * activity, with no workflow start on the hot path. Each call's activity must finish within
 * the budget, retries included; after that the caller gets a timeout instead of waiting on.
 */
export async function onDemandWorkflow(input: OnDemandInput = {}): Promise<void> {
  const budgetMs = input.budgetMs ?? DEFAULT_BUDGET_MS;
  const callsPerRun = input.callsPerRun ?? DEFAULT_CALLS_PER_RUN;
  const calls = proxyActivities<OnDemandActivities>({
    scheduleToCloseTimeout: budgetMs,
    startToCloseTimeout: budgetMs,
    retry: { initialInterval: 100, backoffCoefficient: 2, maximumInterval: 1000, nonRetryableErrorTypes: ['NotFound', 'BadRequest'] },
  });
  let served = 0;
  let failed = 0;
  let stopping = false;
  const counted = async <T>(call: () => Promise<T>): Promise<T> => {
    try {
      const result = await call();
      served += 1;
      return result;
    } catch (err) {
      failed += 1;
      throw callerFailure(err, budgetMs);
    }
  };

  setHandler(onHandInventoryUpdate, (req) => counted(() => calls.onHandInventory(req)), { validator: validateOnHandRequest });
  setHandler(salesOrderTotalsUpdate, (req) => counted(() => calls.salesOrderTotals(req)), { validator: validateSalesOrderTotalsRequest });
  setHandler(onDemandStatsQuery, () => ({ served, failed }));
  setHandler(stopOnDemandSignal, () => {
    stopping = true;
  });

  await condition(() => stopping || served + failed >= callsPerRun || workflowInfo().continueAsNewSuggested);
  // Calls in flight finish in this run; new ones go to the next.
  await condition(allHandlersFinished);
  if (!stopping) await continueAsNew<typeof onDemandWorkflow>(input);
}

/** What the caller sees: the activity's own message (not "Activity task failed"), or the budget it exceeded. */
function callerFailure(err: unknown, budgetMs: number): unknown {
  if (!(err instanceof ActivityFailure)) return err;
  const cause = err.cause;
  if (cause instanceof TimeoutFailure) return ApplicationFailure.create({ message: `F&O did not answer within the ${budgetMs} ms budget`, type: 'BudgetExceeded', nonRetryable: true });
  if (cause instanceof ApplicationFailure) return ApplicationFailure.create({ message: cause.message, type: cause.type ?? 'Failed', nonRetryable: true, details: cause.details ?? [] });
  return ApplicationFailure.create({ message: cause?.message ?? err.message, type: 'Failed', nonRetryable: true });
}
