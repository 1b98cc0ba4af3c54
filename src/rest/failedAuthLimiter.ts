export interface FailedAuthLimit {
  /** Failed attempts one client address may make per window. */
  max: number;
  windowMs: number;
}

export const DEFAULT_FAILED_AUTH_LIMIT: FailedAuthLimit = { max: 20, windowMs: 60_000 };
const MAX_TRACKED_ADDRESSES = 10_000;

/**
 * Counts failed authentications per client address in a fixed window. Past the limit the address
 * is refused (429) until its window ends, before any password hash is computed: guessing is slowed
 * down, and so is the CPU cost an attacker can cause with wrong passwords (each costs a scrypt).
 */
export class FailedAuthLimiter {
  private readonly windows = new Map<string, { failures: number; endsAt: number }>();

  constructor(private readonly limit: FailedAuthLimit = DEFAULT_FAILED_AUTH_LIMIT) {}

  /** Seconds until the address may try again, or 0 when it may try now. */
  blockedFor(address: string, now = Date.now()): number {
    const window = this.windows.get(address);
    if (!window || window.endsAt <= now) return 0;
    return window.failures >= this.limit.max ? Math.ceil((window.endsAt - now) / 1000) : 0;
  }

  recordFailure(address: string, now = Date.now()): void {
    const window = this.windows.get(address);
    if (window && window.endsAt > now) {
      window.failures += 1;
      return;
    }
    if (this.windows.size >= MAX_TRACKED_ADDRESSES) this.evictExpired(now);
    this.windows.set(address, { failures: 1, endsAt: now + this.limit.windowMs });
  }

  private evictExpired(now: number): void {
    for (const [address, window] of this.windows) if (window.endsAt <= now) this.windows.delete(address);
    // Still full: forget the oldest entry (Map keeps insertion order) rather than grow without bound.
    if (this.windows.size >= MAX_TRACKED_ADDRESSES) this.windows.delete(this.windows.keys().next().value as string);
  }
}
