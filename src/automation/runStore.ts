import type { DataSource } from 'typeorm';
import { tableNames } from '../db/tableNames';
import { cutToCharacters } from '../tracking/limits';
import { removeUnsafeCharacters } from '../tracking/sanitize';
import { automationRunsTable, type RunStatus } from './runsTable';

export interface RunClaim {
  automationId: string;
  subscriberId: string;
  /** The event that started the run (null when the done action carried no id). */
  eventId: string | null;
  /** Run-once automations claim the (automation, contact) pair; run_multiple ones only log a row. */
  runOnce: boolean;
  /** The done action's delivery id: a redelivered done action starts no second run. */
  deliveryId: string | null;
}

/** Longest failure message kept with a run; the full error goes to the log and the failure hook. */
const ERROR_MAX = 2000;

/** Every query on fc_automation_runs, parameterised, in one place. */
export class AutomationRunStore {
  private readonly sql: ReturnType<typeof runSql>;

  constructor(
    private readonly db: DataSource,
    schema: string,
  ) {
    this.sql = runSql(automationRunsTable(schema), tableNames(schema).subscribers);
  }

  /**
   * One statement decides whether the automation starts: it inserts the run only when the contact
   * still exists and is subscribed, and (run-once) has no run of this automation yet. Two concurrent
   * claims for one pair both pass NOT EXISTS, but the partial unique key lets only one insert: the
   * other gets no row back. Resolves to the run id, or null when the automation must not start.
   */
  async claim(claim: RunClaim): Promise<number | null> {
    const rows: Array<{ id: string }> = await this.db.query(this.sql.claim, [
      claim.automationId,
      claim.subscriberId,
      claim.eventId,
      claim.runOnce,
      claim.deliveryId,
    ]);
    return rows.length > 0 ? Number(rows[0].id) : null;
  }

  async finish(runId: number, status: Exclude<RunStatus, 'started'>, error: string | null = null): Promise<void> {
    // NUL and lone surrogates would make PostgreSQL reject the text, and with it the status.
    const text = error === null ? null : cutToCharacters(removeUnsafeCharacters(error), ERROR_MAX);
    await this.db.query(this.sql.finish, [runId, status, text]);
  }
}

function runSql(runs: string, subscribers: string) {
  return {
    // Casts: each parameter is used twice, and PostgreSQL must deduce one type for it.
    // No conflict target: either unique key (run-once pair, or automation + delivery) says "already ran".
    claim: `INSERT INTO ${runs} (automation_id, subscriber_id, event_id, run_once, delivery_id)
            SELECT $1::text, s.id, $3::bigint, $4::boolean, $5::bigint
              FROM ${subscribers} s
             WHERE s.id = $2::bigint AND s.status = 'subscribed'
               AND NOT ($4::boolean AND EXISTS (
                     SELECT 1 FROM ${runs} r WHERE r.subscriber_id = s.id AND r.automation_id = $1::text))
            ON CONFLICT DO NOTHING
            RETURNING id`,
    finish: `UPDATE ${runs} SET status = $2, error = $3, finished_at = now() WHERE id = $1`,
  };
}
