import type { Client } from '@temporalio/client';
import { createNotifier, notifierOptionsFromEnv, startAlertLoop } from '../alerts';
import { purgeExpired } from '../errors';
import type { Store } from '../store';
import type { MapProvider } from './map-provider';

export interface Housekeeping {
  stop(): Promise<void>;
}

const DAY = 24 * 60 * 60 * 1000;

/**
 * What a long-running dualwrite process does besides serving: evaluating alert rules (and
 * acting on them), and retention (settled inbox rows, resolved errors and old log entries),
 * so the control store does not grow without bound.
 */
export function startHousekeeping(deps: { store: Store; client: Client; maps: MapProvider; log: (line: string) => void; alertIntervalMs?: number; purgeEveryMs?: number }): Housekeeping {
  const alerts = startAlertLoop({
    store: deps.store,
    client: deps.client,
    notifier: createNotifier(notifierOptionsFromEnv()),
    maps: async () => (await deps.maps.all()).map((m) => m.name),
    intervalMs: deps.alertIntervalMs,
    onError: (m) => deps.log(`dualwrite alerts: ${m}`),
  });
  const purge = async () => {
    try {
      const purged = await purgeExpired(deps.store);
      if (purged.errors + purged.logs + purged.inbox > 0) deps.log(`dualwrite: retention removed ${purged.inbox} settled changes, ${purged.errors} closed errors, ${purged.logs} log entries`);
    } catch (err) {
      deps.log(`dualwrite: retention purge failed: ${(err as Error).message}`);
    }
  };
  const timer = setInterval(() => void purge(), deps.purgeEveryMs ?? DAY);
  timer.unref();
  void purge();
  return {
    async stop() {
      clearInterval(timer);
      await alerts.stop();
    },
  };
}
