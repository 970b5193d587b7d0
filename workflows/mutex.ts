/**
 * Serialises async sections of workflow code. The write-through update and the inbox drain
 * both write records of the same map: running them one at a time keeps changes of one key in
 * capture order. Plain promises are deterministic inside the workflow sandbox.
 */
export class Mutex {
  private tail: Promise<void> = Promise.resolve();
  private holders = 0;

  /** True while a section runs or waits: callers that must not wait can take another path. */
  get locked(): boolean {
    return this.holders > 0;
  }

  runExclusive<T>(fn: () => Promise<T>): Promise<T> {
    this.holders++;
    const run = this.tail.then(fn);
    this.tail = run.then(
      () => {
        this.holders--;
      },
      () => {
        this.holders--;
      },
    );
    return run;
  }
}
