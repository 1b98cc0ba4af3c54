import { ServerBusyError } from '../errors';
import { AdmissionGate } from './admissionGate';

export interface ReadBudgetOptions {
  /** Scanning reads (listings, event pages, option lists) running at once (default 2). */
  maxConcurrent?: number;
  /** Reads waiting for a place (default 32); beyond it a read is refused with ServerBusyError. */
  maxQueued?: number;
  /** How long a read waits for a place before it is refused (ms, default 10,000: the pool's connect timeout). */
  maxWaitMs?: number;
}

export const DEFAULT_MAX_CONCURRENT_READS = 2;
export const DEFAULT_READ_QUEUE = 32;

/**
 * The share of the connection pool that reads may hold. A filtered listing runs its page and its count
 * side by side (two connections) and may run for seconds; without a limit, ten of them from one
 * read-only credential held every connection and writes timed out waiting. Reads beyond the budget
 * wait in a bounded line, then are refused (503 over REST), so the writer always finds connections.
 */
export class ReadBudget {
  private readonly gate: AdmissionGate;

  constructor(options: ReadBudgetOptions = {}) {
    this.gate = new AdmissionGate({
      maxActive: options.maxConcurrent ?? DEFAULT_MAX_CONCURRENT_READS,
      maxQueued: options.maxQueued ?? DEFAULT_READ_QUEUE,
      maxWaitMs: options.maxWaitMs ?? 10_000,
    });
  }

  /** Runs `read` within the budget; rejects with ServerBusyError when no place came free in time. */
  run<T>(read: () => Promise<T>): Promise<T> {
    return this.gate.run(read, () => {
      const { maxActive, maxQueued } = this.gate.limits;
      return new ServerBusyError(
        `Too many listings and event pages are being read at once (${maxActive} at a time, ${maxQueued} waiting); nothing was done: retry in a moment.`,
      );
    });
  }

  /** The same object with the named methods running within the budget. */
  limit<T extends object, K extends keyof T>(target: T, methods: readonly K[]): T {
    const limited = { ...target };
    for (const method of methods) {
      const original = target[method];
      if (typeof original !== 'function') throw new TypeError(`${String(method)} is not a method`);
      limited[method] = ((...args: unknown[]) => this.run(() => (original as (...a: unknown[]) => Promise<unknown>).apply(target, args))) as T[K];
    }
    return limited;
  }

  get inUse(): number {
    return this.gate.inUse;
  }

  get queued(): number {
    return this.gate.queued;
  }
}
