import type { Client } from '@temporalio/client';
import type { Store } from '../../store';

export interface Readiness {
  ready: boolean;
  checks: { store: 'ok' | 'unreachable'; temporal: 'ok' | 'unreachable' };
}

/**
 * Whether the API can do its work: the control store answers a read and the Temporal frontend
 * answers a call. /ready needs no token, so the reasons go to the log, not to the caller.
 */
export async function checkReadiness(store: Store, client: Client, timeoutMs = 3000): Promise<Readiness> {
  const probe = async (what: string, fn: () => Promise<unknown>): Promise<'ok' | 'unreachable'> => {
    try {
      await fn();
      return 'ok';
    } catch (err) {
      console.error(JSON.stringify({ level: 'warn', msg: `readiness: ${what} unreachable`, error: err instanceof Error ? err.message : String(err) }));
      return 'unreachable';
    }
  };
  const [storeCheck, temporalCheck] = await Promise.all([
    probe('control store', () => store.state.list('__readiness__')),
    probe('Temporal', () => client.withDeadline(Date.now() + timeoutMs, () => client.workflowService.getSystemInfo({}))),
  ]);
  return { ready: storeCheck === 'ok' && temporalCheck === 'ok', checks: { store: storeCheck, temporal: temporalCheck } };
}
