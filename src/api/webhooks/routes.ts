import { Hono } from 'hono';
import { errorResponse } from '../errors';
import { receiveChanges, type ReceiverDependencies } from './receive-changes';

/** POST /webhooks/dataverse (service endpoint / webhook) and POST /webhooks/finops (data events). */
export function webhookRoutes(deps: ReceiverDependencies): Hono {
  const app = new Hono();
  for (const system of ['dataverse', 'finops'] as const) {
    app.post(`/${system}`, async (c) => {
      try {
        return c.json(await receiveChanges(c, system, deps));
      } catch (err) {
        return errorResponse(c, err);
      }
    });
  }
  return app;
}
