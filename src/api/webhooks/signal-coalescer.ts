/**
 * Pokes map workflows with `changesAvailable` without sending one signal per webhook: a busy
 * source sends hundreds of events a second, each signal is an event in the map's history, and
 * the workflow only needs to know that there is something to drain. Per map, at most one
 * signal is in flight; events arriving meanwhile cause one more signal after it, and signals
 * are at least `minIntervalMs` apart. A poke may name what it is about (a direction): each
 * signal carries what the pokes since the previous one named.
 */
interface CoalescerState {
  inFlight: boolean;
  again: boolean;
  lastAt: number;
  details: Set<string>;
}

export class SignalCoalescer {
  private readonly maps = new Map<string, CoalescerState>();

  constructor(
    private readonly send: (map: string, details: string[]) => Promise<void>,
    private readonly minIntervalMs = 50,
    private readonly onError: (map: string, err: unknown, details: string[]) => void = () => undefined,
  ) {}

  /** A signal follows every poke: the one in flight if it has not been sent yet, else one more after it. */
  poke(map: string, details: readonly string[] = []): void {
    const state = this.maps.get(map) ?? { inFlight: false, again: false, lastAt: 0, details: new Set<string>() };
    this.maps.set(map, state);
    for (const d of details) state.details.add(d);
    if (state.inFlight) {
      state.again = true;
      return;
    }
    state.inFlight = true;
    void this.run(map, state);
  }

  private async run(map: string, state: CoalescerState): Promise<void> {
    do {
      state.again = false;
      const wait = state.lastAt + this.minIntervalMs - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      state.lastAt = Date.now();
      const details = [...state.details].sort();
      state.details.clear();
      try {
        await this.send(map, details);
      } catch (err) {
        this.onError(map, err, details);
      }
    } while (state.again);
    state.inFlight = false;
  }
}
