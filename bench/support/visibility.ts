import { performance } from 'node:perf_hooks';
import type { DataverseStore, Row } from '../../src/sandbox/dataverse/store';
import type { BenchWorld } from './world';

/**
 * Sees marked values land in either sandbox's store, in process, the moment they commit: F&O
 * through its store's change listener, Dataverse by wrapping its store's insert and update (it
 * has no listener). A marker is a unique customer name; a write stamps it in one sandbox and the
 * sync carries it to the other, so commit-to-commit latency needs no polling of either side.
 */
export class MarkerWatch {
  private readonly seen = new Map<string, { finops?: number; dataverse?: number }>();
  private readonly waiters = new Map<string, () => void>();
  private readonly undo: (() => void)[] = [];

  constructor(
    world: BenchWorld,
    private readonly prefix: string,
  ) {
    this.undo.push(
      world.finops.store.onChange((e) => {
        if (e.entitySet === 'CustomersV3') this.note('finops', e.row.OrganizationName);
      }),
    );
    this.undo.push(wrapDataverse(world.dataverse.store, (row) => this.note('dataverse', row.name)));
  }

  private note(side: 'finops' | 'dataverse', value: unknown): void {
    if (typeof value !== 'string' || !value.startsWith(this.prefix)) return;
    const entry = this.seen.get(value) ?? {};
    entry[side] ??= performance.now();
    this.seen.set(value, entry);
    if (entry.finops !== undefined && entry.dataverse !== undefined) this.waiters.get(value)?.();
  }

  /** When the marker committed on each side (performance.now() ms). */
  times(marker: string): { finops?: number; dataverse?: number } {
    return this.seen.get(marker) ?? {};
  }

  stop(): void {
    for (const u of this.undo.splice(0)) u();
  }
}

function wrapDataverse(store: DataverseStore, onRow: (row: Row) => void): () => void {
  const insert = store.insert.bind(store);
  const update = store.update.bind(store);
  store.insert = (entitySet, row, now) => {
    const stored = insert(entitySet, row, now);
    if (entitySet === 'accounts') onRow(stored);
    return stored;
  };
  store.update = (entitySet, id, changes, now, existing) => {
    const stored = update(entitySet, id, changes, now, existing);
    if (entitySet === 'accounts') onRow({ ...changes });
    return stored;
  };
  return () => {
    store.insert = insert;
    store.update = update;
  };
}
