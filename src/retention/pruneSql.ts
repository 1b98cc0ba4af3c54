import { automationRunsTable } from '../automation/runsTable';
import type { TableNames } from '../db/tableNames';

/**
 * The pruner's statements. Each is one statement (its own short transaction) that first tries a
 * transaction-scoped advisory lock named after the schema: of several processes on one database only
 * the one holding it deletes (the others get `locked = false`, delete nothing and end their pass).
 * Every statement deletes at most `$3` rows (`$2` for the history), takes no lock tracking waits for
 * (the history is only appended to; claims are skipped when locked) and returns `locked` and `deleted`.
 * Parameters: $1 the lock name.
 */
export function pruneSql(t: TableNames, options: { keepUnrelayed?: boolean } = {}) {
  // With a JetStream relay configured, a row the stream has not acknowledged is still owed to it (and
  // its occurrence is read when it is relayed), however old.
  const unrelayed = options.keepUnrelayed ? ' AND relayed_at IS NOT NULL' : '';
  const pendingWhere = options.keepUnrelayed ? '(delivered_at IS NULL OR relayed_at IS NULL)' : 'delivered_at IS NULL';
  const lock = `lock AS (SELECT pg_try_advisory_xact_lock(hashtextextended($1::text, 0)) AS ok)`;
  const ago = (param: string) => `now() - make_interval(secs => ${param}::double precision / 1000)`;
  const report = `SELECT (SELECT ok FROM lock) AS locked, (SELECT count(*) FROM gone) AS deleted`;
  const runs = automationRunsTable(t.schema);
  return {
    /** $2 age in ms, $3 batch. The oldest claims first (index on created_at). */
    claims: `WITH ${lock},
      doomed AS (SELECT subscriber_id, idempotency_key FROM ${t.idempotencyKeys}
                  WHERE (SELECT ok FROM lock) AND created_at < ${ago('$2')}
                  ORDER BY created_at LIMIT $3 FOR UPDATE SKIP LOCKED),
      gone AS (DELETE FROM ${t.idempotencyKeys} k USING doomed d
                WHERE k.subscriber_id = d.subscriber_id AND k.idempotency_key = d.idempotency_key RETURNING 1)
      ${report}`,
    /** $2 age in ms, $3 batch. Delivered rows only (partial index on delivered_at). */
    outbox: `WITH ${lock},
      doomed AS (SELECT id FROM ${t.outbox}
                  WHERE (SELECT ok FROM lock) AND delivered_at < ${ago('$2')}${unrelayed}
                  ORDER BY delivered_at LIMIT $3 FOR UPDATE SKIP LOCKED),
      gone AS (DELETE FROM ${t.outbox} b USING doomed d WHERE b.id = d.id RETURNING 1)
      ${report}`,
    /** $2 age in days, $3 batch. Finished run_multiple runs; run-once rows are the "already ran" record and stay. */
    runs: `WITH ${lock},
      doomed AS (SELECT id FROM ${runs}
                  WHERE (SELECT ok FROM lock) AND finished_at IS NOT NULL AND NOT run_once
                    AND finished_at < now() - make_interval(days => $2::int)
                  ORDER BY finished_at LIMIT $3 FOR UPDATE SKIP LOCKED),
      gone AS (DELETE FROM ${runs} r USING doomed d WHERE r.id = d.id RETURNING 1)
      ${report}`,
    /**
     * The history: examines the `$3` occurrences after id `$2` (the primary key, so a batch is a short
     * range scan however large the table) and deletes those past their key's retention (the override
     * in fc_event_retention, else `$4` days; NULL: kept), counted from the later of occurred_at and
     * created_at, so a backdated import is kept N days after it was stored. Kept regardless: an
     * occurrence whose done action is undelivered (the outbox joins it at delivery) and one whose
     * idempotency claim still exists (a retry is answered from it). Returns the last id examined and
     * `caught_up` when every row examined was stored within `$5` days (the shortest retention): ids
     * grow with storage time, so nothing after them is due yet (a row stored out of order by a long
     * transaction is reached by a later pass).
     * Event rows (counter) and their totals/ranks are not touched: no trigger fires on this table.
     */
    occurrences: `WITH ${lock},
      chunk AS (SELECT id, event_id, subscriber_id, idempotency_key, occurred_at, created_at FROM ${t.occurrences}
                 WHERE (SELECT ok FROM lock) AND id > $2::bigint ORDER BY id LIMIT $3),
      -- Undelivered done actions of this chunk only: the set hashed below stays as small as the chunk.
      pending AS MATERIALIZED (SELECT occurrence_id FROM ${t.outbox} WHERE ${pendingWhere}
                                 AND occurrence_id BETWEEN (SELECT min(id) FROM chunk) AND (SELECT max(id) FROM chunk)),
      doomed AS (
        SELECT c.id FROM chunk c
        LEFT JOIN ${t.events} e ON e.id = c.event_id
        LEFT JOIN ${t.eventRetention} r ON lower(r.event_key) = lower(e.event_key)
        CROSS JOIN LATERAL (SELECT CASE WHEN r.event_key IS NULL THEN $4::int ELSE r.days END AS days) keep
        WHERE keep.days IS NOT NULL
          AND greatest(c.occurred_at, c.created_at) < now() - make_interval(days => keep.days)
          AND c.id NOT IN (SELECT occurrence_id FROM pending)
          AND (c.idempotency_key IS NULL OR NOT EXISTS (
                SELECT 1 FROM ${t.idempotencyKeys} k WHERE k.subscriber_id = c.subscriber_id AND k.idempotency_key = c.idempotency_key))),
      gone AS (DELETE FROM ${t.occurrences} o USING doomed d WHERE o.id = d.id RETURNING 1)
      SELECT (SELECT ok FROM lock) AS locked, (SELECT count(*) FROM gone) AS deleted,
             (SELECT count(*) FROM chunk) AS examined, (SELECT max(id) FROM chunk) AS last_id,
             coalesce((SELECT min(created_at) FROM chunk) >= now() - make_interval(days => $5::int), true) AS caught_up`,
    /** The shortest retention in days among the default ($1) and the overrides; NULL: nothing is ever due. */
    shortestDays: `SELECT least($1::int, (SELECT min(days) FROM ${t.eventRetention})) AS days`,
  };
}
