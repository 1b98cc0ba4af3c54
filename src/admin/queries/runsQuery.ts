import type { DataSource } from 'typeorm';
import { automationRunsTable, RUN_STATUSES, type RunStatus } from '../../automation/runsTable';
import { tableNames } from '../../db/tableNames';

export interface RunListEntry {
  id: string;
  automation_id: string;
  subscriber_id: string;
  email: string | null;
  status: RunStatus;
  error: string | null;
  created_at: Date;
  finished_at: Date | null;
}

export function isRunStatus(value: unknown): value is RunStatus {
  return typeof value === 'string' && (RUN_STATUSES as readonly string[]).includes(value);
}

/** Recent automation runs, newest first, optionally of one status; keyset on the primary key. */
export class RunsQuery {
  private readonly sql: string;

  constructor(
    private readonly db: DataSource,
    schema: string,
  ) {
    this.sql = `
      SELECT r.id, r.automation_id, r.subscriber_id, s.email, r.status, r.error, r.created_at, r.finished_at
        FROM ${automationRunsTable(schema)} r
        LEFT JOIN ${tableNames(schema).subscribers} s ON s.id = r.subscriber_id
       WHERE ($1::text IS NULL OR r.status = $1::text) AND r.id < $2::bigint
       ORDER BY r.id DESC
       LIMIT $3`;
  }

  async page(options: { status?: RunStatus; beforeId?: string; limit: number }): Promise<RunListEntry[]> {
    const rows: RunListEntry[] = await this.db.query(this.sql, [options.status ?? null, options.beforeId ?? '9223372036854775807', options.limit]);
    return rows.map((row) => ({ ...row, id: String(row.id), subscriber_id: String(row.subscriber_id) }));
  }
}
