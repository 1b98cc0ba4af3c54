/** What `tryEnter` hands back: call it once when the work is done (extra calls do nothing). */
export type Release = () => void;

export interface AdmissionLimits {
  /** Holders at once (at least 1). */
  maxActive: number;
  /** Callers that may wait for a place (0: refuse at once when full). */
  maxQueued: number;
  /** How long a queued caller waits before it is refused (ms). */
  maxWaitMs: number;
}

/**
 * A counting semaphore with a bounded, FIFO wait queue: at most `maxActive` holders, at most
 * `maxQueued` waiters, each waiting at most `maxWaitMs`. Beyond that a caller is refused (null)
 * instead of queued, so overload turns into quick "busy" answers rather than unbounded memory or
 * latency. Releases are idempotent, so a release wired to several events (response sent, socket
 * closed, error) frees the place exactly once.
 */
export class AdmissionGate {
  private active = 0;
  private readonly waiting: Array<{ admit: (release: Release) => void; timer: NodeJS.Timeout }> = [];

  constructor(readonly limits: AdmissionLimits) {
    if (!Number.isSafeInteger(limits.maxActive) || limits.maxActive < 1) throw new TypeError('maxActive must be a positive integer');
    if (!Number.isSafeInteger(limits.maxQueued) || limits.maxQueued < 0) throw new TypeError('maxQueued must be a whole number');
    if (!Number.isFinite(limits.maxWaitMs) || limits.maxWaitMs < 0) throw new TypeError('maxWaitMs must be a number of milliseconds');
  }

  /** A place now (a release function), or null when full and no wait is allowed. */
  tryEnter(): Release | null {
    if (this.active >= this.limits.maxActive) return null;
    this.active += 1;
    return this.releaser();
  }

  /** A place, waiting in line if needed; null when the line is full or the wait ran out. */
  enter(): Promise<Release | null> {
    const now = this.tryEnter();
    if (now) return Promise.resolve(now);
    if (this.waiting.length >= this.limits.maxQueued) return Promise.resolve(null);
    return new Promise((resolve) => {
      const waiter = {
        admit: (release: Release) => {
          clearTimeout(waiter.timer);
          resolve(release);
        },
        timer: setTimeout(() => {
          const index = this.waiting.indexOf(waiter);
          if (index >= 0) this.waiting.splice(index, 1);
          resolve(null);
        }, this.limits.maxWaitMs),
      };
      this.waiting.push(waiter);
    });
  }

  /** Runs `work` holding a place; `onRefused` builds the error thrown when there is none. */
  async run<T>(work: () => Promise<T>, onRefused: () => Error): Promise<T> {
    const release = await this.enter();
    if (!release) throw onRefused();
    try {
      return await work();
    } finally {
      release();
    }
  }

  get inUse(): number {
    return this.active;
  }

  get queued(): number {
    return this.waiting.length;
  }

  private releaser(): Release {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next.admit(this.releaser()); // the place passes straight on: `active` stays the same
      else this.active -= 1;
    };
  }
}
