import type { Pool } from 'pg';
import { BoundedCheck } from './boundedCheck';

export interface OutboxBacklog {
  /** Undelivered done actions, counted up to PENDING_CAP. */
  pending: number;
  /** Age in seconds of the oldest undelivered one (0 when none); NaN when unknown (database down). */
  oldestAgeSeconds: number;
}

/** Counting stops here: a backlog this size is an alarm anyway, and the scrape stays cheap. */
export const PENDING_CAP = 100_000;

const UNKNOWN: OutboxBacklog = { pending: Number.NaN, oldestAgeSeconds: Number.NaN };

/**
 * The done-action backlog, read at scrape time: one scan of the partial index of undelivered rows
 * (fc_event_outbox_pending), stopped after PENDING_CAP rows, so it costs what the backlog costs and no
 * more (both figures are exact while the backlog is under the cap).
 * Bounded like readiness: one query at a time, at most `timeoutMs` waited; unknown (NaN) when the
 * database does not answer, so a scrape never hangs on it.
 */
export function outboxBacklog(pool: Pool, outboxTable: string, timeoutMs = 1_000): () => Promise<OutboxBacklog> {
  const text = `
    SELECT count(*)::int AS pending, coalesce(extract(epoch FROM now() - min(created_at)), 0)::float8 AS oldest
    FROM (SELECT created_at FROM ${outboxTable} WHERE delivered_at IS NULL LIMIT ${PENDING_CAP}) capped`;
  const check = new BoundedCheck<OutboxBacklog>(
    async () => {
      const query = { text, query_timeout: timeoutMs };
      const { rows } = await pool.query<{ pending: number; oldest: number }>(query);
      return { pending: rows[0].pending, oldestAgeSeconds: Math.max(0, rows[0].oldest) };
    },
    { timeoutMs, reuseMs: 1_000, onTimeout: () => UNKNOWN, onError: () => UNKNOWN },
  );
  return () => check.get();
}
