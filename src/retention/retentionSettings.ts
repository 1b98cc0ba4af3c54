/** The runtime's `retention` option: what the background pruner removes, and how gently. */
export interface RetentionOptions {
  /**
   * Days an occurrence (fc_event_occurrences) is kept; null/undefined (default): for ever. Per event
   * key overrides (PUT /event-retention/{event_key}) take precedence. Env FCRM_HISTORY_RETENTION_DAYS.
   */
  historyDays?: number | null;
  /** Days a finished run_multiple automation run is kept; null/undefined (default): for ever. Run-once runs are always kept. */
  automationRunDays?: number | null;
  /** Between passes (default 1 hour; env FCRM_RETENTION_INTERVAL_SECONDS). */
  intervalMs?: number;
  /** Start-up to the first pass (default 30 s). */
  firstPassDelayMs?: number;
  /** Rows one batch examines at most (default 1000; env FCRM_RETENTION_BATCH_SIZE). */
  batchSize?: number;
  /** After a batch that took t ms the pruner waits pauseRatio × t ms (default 4: at most a fifth of the time pruning). */
  pauseRatio?: number;
  /** false: no background passes (rt.retention.prune() still works). Default true in a process that delivers done actions. */
  background?: boolean;
}

export interface RetentionSettings {
  historyDays: number | null;
  automationRunDays: number | null;
  /** Delivered outbox rows and idempotency claims: the idempotency window (idempotencyRetentionHours). */
  deliveredMs: number;
  intervalMs: number;
  firstPassDelayMs: number;
  batchSize: number;
  pauseRatio: number;
  background: boolean;
}

/** Checked at start-up: a bad setting fails there, not in the background. */
export function retentionSettings(options: RetentionOptions = {}, deliveredMs: number, deliver: boolean): RetentionSettings {
  const days = (value: number | null | undefined, name: string): number | null => {
    if (value === undefined || value === null) return null;
    if (!Number.isSafeInteger(value) || value < 1 || value > 36_500) throw new TypeError(`retention.${name} must be a whole number of days from 1 to 36500, or null`);
    return value;
  };
  const whole = (value: number | undefined, fallback: number, min: number, name: string): number => {
    const result = value ?? fallback;
    if (!Number.isSafeInteger(result) || result < min) throw new TypeError(`retention.${name} must be a whole number, at least ${min}`);
    return result;
  };
  const pauseRatio = options.pauseRatio ?? 4;
  if (!Number.isFinite(pauseRatio) || pauseRatio < 0) throw new TypeError('retention.pauseRatio must be a number, at least 0');
  return {
    historyDays: days(options.historyDays, 'historyDays'),
    automationRunDays: days(options.automationRunDays, 'automationRunDays'),
    deliveredMs,
    intervalMs: whole(options.intervalMs, 3_600_000, 1000, 'intervalMs'),
    firstPassDelayMs: whole(options.firstPassDelayMs, 30_000, 0, 'firstPassDelayMs'),
    batchSize: whole(options.batchSize, 1000, 1, 'batchSize'),
    pauseRatio,
    background: (options.background ?? true) && deliver,
  };
}
