import { clientAddressKey } from './clientAddressKey';

export interface FailedAuthLimit {
  /** Failed attempts one client address may make per window. */
  max: number;
  windowMs: number;
}

export const DEFAULT_FAILED_AUTH_LIMIT: FailedAuthLimit = { max: 20, windowMs: 60_000 };
export const MAX_TRACKED_ADDRESSES = 10_000;

export interface FailedAuthLimiterOptions {
  /** The clock (ms); tests move it instead of sleeping. */
  now?: () => number;
  /** At most this many addresses are tracked at once (default 10,000). */
  maxTracked?: number;
}

interface Window {
  /** Failures plus attempts reserved and not yet released. */
  attempts: number;
  endsAt: number;
}

/** One attempt counted before its hash; `release` takes it back when the password was right. */
export interface AttemptReservation {
  readonly window: Window;
}

export type Reserve = { reserved: true; reservation: AttemptReservation } | { reserved: false; retryAfter: number };

/**
 * Counts failed authentications per client address (an IPv6 address by its /64) in a fixed window.
 * An attempt is reserved BEFORE its password hash is computed and released when the password was
 * right, so however many wrong passwords arrive at once, at most `max` hashes per address and window
 * are computed; past that the address is refused (429) until its window ends.
 *
 * The table is bounded: when it is full, expired entries go first, then entries that are not
 * blocked (oldest first); a blocked entry is never evicted, or forgetting it would unblock it. When
 * every tracked entry is blocked, addresses not yet tracked share ONE overflow window with the same
 * limit: together they get `max` attempts until it ends (a credential already verified and cached
 * needs no attempt, so its users are not affected).
 */
export class FailedAuthLimiter {
  private readonly windows = new Map<string, Window>();
  private readonly now: () => number;
  private readonly maxTracked: number;
  private overflow: Window | null = null;
  /** Set when a scan found every entry blocked: no new scan is worth it before this time. */
  private allBlockedUntil = 0;

  constructor(
    private readonly limit: FailedAuthLimit = DEFAULT_FAILED_AUTH_LIMIT,
    options: FailedAuthLimiterOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.maxTracked = Math.max(1, options.maxTracked ?? MAX_TRACKED_ADDRESSES);
  }

  /** Seconds until the address may try again, or 0 when it may try now. */
  blockedFor(address: string): number {
    const window = this.windows.get(clientAddressKey(address));
    return window ? this.secondsBlocked(window, this.now()) : 0;
  }

  /** Counts an attempt now, before any hash; refused when the address has no attempt left in its window. */
  reserve(address: string): Reserve {
    const now = this.now();
    const window = this.windowFor(clientAddressKey(address), now);
    const wait = this.secondsBlocked(window, now);
    if (wait > 0) return { reserved: false, retryAfter: wait };
    window.attempts += 1;
    return { reserved: true, reservation: { window } };
  }

  /** The reserved attempt was a right password (or no hash was computed): it does not count. */
  release(reservation: AttemptReservation): void {
    // A window is a new object each time, so a reservation from an ended window changes nothing now.
    if (reservation.window.attempts > 0) reservation.window.attempts -= 1;
    this.allBlockedUntil = 0;
  }

  /** Addresses tracked now (for tests and diagnostics). */
  get size(): number {
    return this.windows.size;
  }

  private secondsBlocked(window: Window, now: number): number {
    if (window.endsAt <= now || window.attempts < this.limit.max) return 0;
    return Math.max(1, Math.ceil((window.endsAt - now) / 1000));
  }

  private windowFor(key: string, now: number): Window {
    const current = this.windows.get(key);
    if (current && current.endsAt > now) return current;
    if (current) this.windows.delete(key);
    const fresh: Window = { attempts: 0, endsAt: now + this.limit.windowMs };
    if (this.makeRoom(now)) {
      this.windows.set(key, fresh);
      return fresh;
    }
    if (!this.overflow || this.overflow.endsAt <= now) this.overflow = fresh;
    return this.overflow;
  }

  /** True when one more entry fits; never frees a place by forgetting a blocked address. */
  private makeRoom(now: number): boolean {
    if (this.windows.size < this.maxTracked) return true;
    if (now < this.allBlockedUntil) return false;
    for (const [key, window] of this.windows) if (window.endsAt <= now) this.windows.delete(key);
    if (this.windows.size < this.maxTracked) return true;
    for (const [key, window] of this.windows) {
      if (window.attempts < this.limit.max) {
        this.windows.delete(key); // Map order is insertion order: the oldest unblocked entry
        return true;
      }
    }
    let earliestEnd = Infinity;
    for (const window of this.windows.values()) earliestEnd = Math.min(earliestEnd, window.endsAt);
    this.allBlockedUntil = earliestEnd;
    return false;
  }
}
