export interface HashQueueLimits {
  /** Hashes computed at once (each scrypt takes 32 MiB and one libuv thread). */
  running: number;
  /** Hashes waiting for a turn, all clients together. */
  waiting: number;
  /** Of those, at most this many from one client, so one client can never fill the queue. */
  waitingPerClient: number;
}

export const DEFAULT_HASH_QUEUE_LIMITS: HashQueueLimits = { running: 2, waiting: 64, waitingPerClient: 32 };

/** The queue is full: the server is busy, the client should retry (503 with Retry-After). */
export class HashQueueFullError extends Error {
  readonly code = 'hash_queue_full';
  constructor(readonly retryAfterSeconds = 1) {
    super('Too many password verifications are waiting. Retry in a moment.');
    this.name = 'HashQueueFullError';
  }
}

export interface HashQueueStats {
  running: number;
  waiting: number;
  /** Work started since the queue was made. */
  started: number;
}

/**
 * Bounds the password-hash work in flight: `running` at once, `waiting` more in line, beyond that
 * HashQueueFullError. Waiting work is served round-robin by client, so a flood from one client
 * delays another client's verification by at most one of its own hashes, not by the whole flood.
 */
export class HashWorkQueue {
  private readonly limits: HashQueueLimits;
  private readonly lines = new Map<string, Array<() => void>>();
  private runningCount = 0;
  private waitingCount = 0;
  private startedCount = 0;

  constructor(limits: HashQueueLimits = DEFAULT_HASH_QUEUE_LIMITS) {
    this.limits = {
      running: Math.max(1, limits.running),
      waiting: Math.max(0, limits.waiting),
      waitingPerClient: Math.max(0, Math.min(limits.waitingPerClient, limits.waiting)),
    };
  }

  run<T>(client: string, work: () => Promise<T>): Promise<T> {
    if (this.runningCount < this.limits.running) return this.start(work);
    const line = this.lines.get(client);
    if (this.waitingCount >= this.limits.waiting || (line?.length ?? 0) >= this.limits.waitingPerClient) {
      return Promise.reject(new HashQueueFullError());
    }
    return new Promise<T>((resolve, reject) => {
      const job = () => void this.start(work).then(resolve, reject);
      if (line) line.push(job);
      else this.lines.set(client, [job]);
      this.waitingCount += 1;
    });
  }

  stats(): HashQueueStats {
    return { running: this.runningCount, waiting: this.waitingCount, started: this.startedCount };
  }

  private async start<T>(work: () => Promise<T>): Promise<T> {
    this.runningCount += 1;
    this.startedCount += 1;
    try {
      return await work();
    } finally {
      this.runningCount -= 1;
      this.next();
    }
  }

  /** The first client in line goes next and, with more work waiting, to the back of the line. */
  private next(): void {
    const first = this.lines.entries().next();
    if (first.done || this.runningCount >= this.limits.running) return;
    const [client, line] = first.value;
    this.lines.delete(client);
    const job = line.shift() as () => void;
    if (line.length > 0) this.lines.set(client, line);
    this.waitingCount -= 1;
    job();
  }
}
