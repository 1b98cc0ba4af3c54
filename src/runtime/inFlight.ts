/**
 * Remembers work that was started but not awaited (a sync `doAction` starts tracking and returns),
 * so `drain()` can wait for it, including work that finishing work starts.
 */
export class InFlight {
  private readonly pending = new Set<Promise<unknown>>();

  run<T>(work: () => Promise<T>): Promise<T> {
    const promise = work();
    this.pending.add(promise);
    const forget = () => this.pending.delete(promise);
    promise.then(forget, forget);
    return promise;
  }

  get size(): number {
    return this.pending.size;
  }

  async drain(): Promise<void> {
    while (this.pending.size > 0) {
      await Promise.allSettled([...this.pending]);
    }
  }
}
