/**
 * Runs `work` over every item with exactly `concurrency` async loops, each taking the next item as
 * soon as its previous call finished: a bounded-concurrency client, timed per call.
 * Returns each call's latency in milliseconds, in item order.
 */
export async function runLoops<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<unknown>): Promise<Float64Array> {
  const latencies = new Float64Array(items.length);
  let next = 0;
  const loop = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      const started = performance.now();
      await work(items[index]);
      latencies[index] = performance.now() - started;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, loop));
  return latencies;
}
