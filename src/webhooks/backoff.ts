/** When a failed webhook delivery is tried again, and when it is given up. */
export interface RetrySchedule {
  /** The first retry's delay, in ms (default 5 s); each next one doubles, up to `maxDelayMs`. */
  baseDelayMs: number;
  /** The longest delay between two attempts (default 1 h). */
  maxDelayMs: number;
  /** A delivery still failing this long after it was enqueued is marked failed (default 24 h). */
  maxAgeMs: number;
  /** Optionally, give up after this many attempts too (default: none, only `maxAgeMs`). */
  maxAttempts?: number;
}

export const DEFAULT_RETRY: RetrySchedule = { baseDelayMs: 5_000, maxDelayMs: 3_600_000, maxAgeMs: 24 * 3_600_000 };

/**
 * The delay before attempt `attempts + 1`, or null to give up. Exponential with "equal jitter"
 * (half fixed, half random) so receivers coming back after an outage are not hit by every sender at once.
 */
export function nextDelayMs(schedule: RetrySchedule, attempts: number, ageMs: number, random: () => number = Math.random): number | null {
  if (schedule.maxAttempts !== undefined && attempts >= schedule.maxAttempts) return null;
  const exponential = Math.min(schedule.maxDelayMs, schedule.baseDelayMs * 2 ** Math.min(attempts - 1, 40));
  const delay = Math.round(exponential / 2 + (random() * exponential) / 2);
  return ageMs + delay > schedule.maxAgeMs ? null : delay;
}

export function checkRetrySchedule(schedule: RetrySchedule): void {
  for (const [name, value] of Object.entries(schedule)) {
    if (value !== undefined && (!Number.isSafeInteger(value) || value < 1)) throw new TypeError(`webhooks.retry.${name} must be a positive whole number`);
  }
}
