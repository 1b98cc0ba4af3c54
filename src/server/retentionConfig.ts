import type { RetentionOptions } from '../retention/retentionSettings';
import { wholeNumber } from './envNumber';

/**
 * The server's retention settings from the environment (README "Operations → Retention"):
 * FCRM_HISTORY_RETENTION_DAYS (unset or empty: the history is kept for ever),
 * FCRM_AUTOMATION_RUN_RETENTION_DAYS (unset: finished runs are kept), FCRM_RETENTION_INTERVAL_SECONDS
 * (default 3600) and FCRM_RETENTION_BATCH_SIZE (default 1000).
 */
export function readRetentionConfig(env: NodeJS.ProcessEnv, onError: (message: string) => Error): RetentionOptions {
  const days = (name: string): number | null => {
    const value = wholeNumber(env, name, 0, 1, onError);
    if (value > 36_500) throw onError(`${name} must be a whole number of days from 1 to 36500; got ${JSON.stringify(env[name])}`);
    return value === 0 ? null : value;
  };
  return {
    historyDays: days('FCRM_HISTORY_RETENTION_DAYS'),
    automationRunDays: days('FCRM_AUTOMATION_RUN_RETENTION_DAYS'),
    intervalMs: wholeNumber(env, 'FCRM_RETENTION_INTERVAL_SECONDS', 3600, 1, onError) * 1000,
    batchSize: wholeNumber(env, 'FCRM_RETENTION_BATCH_SIZE', 1000, 1, onError),
  };
}
