/**
 * Runs many small requests as few large ones. With fewer than `maxConcurrent` runs in flight a
 * request starts at once (no added latency when idle); otherwise it waits, and the next free slot
 * runs every waiting request together (up to `maxItems` keys). `run` receives the distinct keys
 * and returns a value per key; each request gets the values of its own keys.
 */
export class GroupCommit<K, V> {
  private waiting: Array<{ keys: K[]; resolve: (values: Map<K, V>) => void; reject: (error: unknown) => void }> = [];
  private inFlight = 0;

  constructor(
    private readonly run: (keys: K[]) => Promise<Map<K, V>>,
    private readonly maxConcurrent: number,
    private readonly maxItems: number,
  ) {}

  request(keys: K[]): Promise<Map<K, V>> {
    if (keys.length === 0) return Promise.resolve(new Map());
    return new Promise((resolve, reject) => {
      this.waiting.push({ keys, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.maxConcurrent && this.waiting.length > 0) {
      // One splice per batch: shift() per request is linear on a queue of thousands.
      const keys = new Set(this.waiting[0].keys);
      let count = 1;
      while (count < this.waiting.length && keys.size + this.waiting[count].keys.length <= this.maxItems) {
        for (const key of this.waiting[count].keys) keys.add(key);
        count += 1;
      }
      const batch = this.waiting.splice(0, count);
      this.inFlight += 1;
      this.run([...keys])
        .then(
          (values) => batch.forEach((request) => request.resolve(values)),
          (error: unknown) => batch.forEach((request) => request.reject(error)),
        )
        .finally(() => {
          this.inFlight -= 1;
          this.pump();
        });
    }
  }
}
