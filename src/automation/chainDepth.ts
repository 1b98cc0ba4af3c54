import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * How many automation handlers enclose the current code. An automation whose handler adds the
 * event that starts it again (with run_multiple) would otherwise recurse until the pool or the
 * stack gives out. Module-level on purpose: on Node 20 every AsyncLocalStorage stays registered
 * for good, so one per runtime would leak.
 */
const depth = new AsyncLocalStorage<number>();

/** Nested automation runs allowed in one chain (A adds an event that starts B, which starts C…). */
export const MAX_CHAIN_DEPTH = 10;

export function currentChainDepth(): number {
  return depth.getStore() ?? 0;
}

/** Runs a handler one level deeper: everything it starts (addEvent, hooks) sees the new depth. */
export function runNested<T>(fn: () => T): T {
  return depth.run(currentChainDepth() + 1, fn);
}
