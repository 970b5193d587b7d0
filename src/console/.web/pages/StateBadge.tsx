import type { MapState } from '../api';

const TONE: Record<MapState, string> = {
  Running: 'ok',
  CatchingUp: 'ok',
  InitialSync: 'busy',
  Paused: 'warn',
  Stopped: 'off',
  NotRunning: 'off',
  Failed: 'bad',
  Unknown: 'bad',
};

/** The state as text (never colour alone), tinted by how much it needs attention. */
export function StateBadge({ state }: { state: MapState }) {
  return <span className={`badge ${TONE[state]}`}>{state}</span>;
}
