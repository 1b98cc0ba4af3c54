/**
 * Remembers work that was started but not awaited (a sync `doAction` starts tracking and returns),
 * so `drain()` can wait for it, including work that finishing work starts. A count, not a set of
 * promises: a loop of 20,000 doAction calls keeps 20,000 of these in flight, and each entry of a set
 * (and its own callback) was one more object for the garbage collector to carry.
 */
export class InFlight {
  private count = 0;
  /** Resolves the current drain() waiters when the count drops to zero. */
  private idle: { promise: Promise<void>; resolve: () => void } | undefined;
  private readonly settled = (): void => {
    this.count -= 1;
    if (this.count === 0 && this.idle) {
      this.idle.resolve();
      this.idle = undefined;
    }
  };

  run<T>(work: () => Promise<T>): Promise<T> {
    const promise = work();
    this.count += 1;
    promise.then(this.settled, this.settled);
    return promise;
  }

  get size(): number {
    return this.count;
  }

  drain(): Promise<void> {
    if (this.count === 0) return Promise.resolve();
    if (!this.idle) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => (resolve = r));
      this.idle = { promise, resolve };
    }
    return this.idle.promise;
  }
}
