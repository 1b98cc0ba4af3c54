import type { Pool } from 'pg';
import { quoteIdent } from '../db/tableNames';
import { BoundedCheck } from './boundedCheck';

/** One check of `/readyz`: `ok`, or why not. */
export type CheckState = 'ok' | 'unreachable' | 'timeout' | 'pending' | 'unknown' | 'shutting_down';

export interface ReadinessReport {
  ready: boolean;
  /** The first failing check (`shutdown`, `database`, `migrations`), when not ready. */
  failing?: 'shutdown' | 'database' | 'migrations';
  checks: { database: CheckState; migrations: CheckState; shutdown: CheckState };
}

export interface ReadinessOptions {
  /** Longest a probe waits for the database (default 1,000 ms); a slower answer counts as down. */
  timeoutMs?: number;
  /** How long one answer serves every probe (default 250 ms), so probes never pile up on the pool. */
  reuseMs?: number;
}

type DatabaseAnswer = Pick<ReadinessReport['checks'], 'database' | 'migrations'>;

/**
 * Whether this runtime can serve: the database answers a query within `timeoutMs`, and every
 * migration this code knows is recorded as applied. One bounded query at a time, shared by all
 * probes (BoundedCheck); worst case an outage shows after reuseMs + timeoutMs (1.25 s by default).
 * From `beginShutdown()` on it answers not ready without asking the database.
 */
export class Readiness {
  private shuttingDown = false;
  private readonly check: BoundedCheck<DatabaseAnswer>;

  constructor(pool: Pool, schema: string, migrationNames: readonly string[], options: ReadinessOptions = {}) {
    const timeoutMs = options.timeoutMs ?? 1_000;
    const sql = `SELECT count(*)::int AS applied FROM ${quoteIdent(schema)}."migrations" WHERE name = ANY($1::text[])`;
    this.check = new BoundedCheck<DatabaseAnswer>(
      async () => {
        // query_timeout: pg gives up client-side and discards the connection, so a hung server cannot hold one.
        const query = { text: sql, values: [migrationNames], query_timeout: timeoutMs };
        const { rows } = await pool.query<{ applied: number }>(query);
        return { database: 'ok', migrations: rows[0].applied === migrationNames.length ? 'ok' : 'pending' };
      },
      {
        timeoutMs,
        reuseMs: options.reuseMs ?? 250,
        onTimeout: () => ({ database: 'timeout', migrations: 'unknown' }),
        onError: (error) => ({ database: isTimeout(error) ? 'timeout' : 'unreachable', migrations: 'unknown' }),
      },
    );
  }

  beginShutdown(): void {
    this.shuttingDown = true;
  }

  get isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  async report(): Promise<ReadinessReport> {
    if (this.shuttingDown) {
      return { ready: false, failing: 'shutdown', checks: { database: 'unknown', migrations: 'unknown', shutdown: 'shutting_down' } };
    }
    const answer = await this.check.get();
    // Shutdown may have begun while the database answered.
    const shutdown: CheckState = this.shuttingDown ? 'shutting_down' : 'ok';
    const checks = { ...answer, shutdown };
    const failing = shutdown !== 'ok' ? 'shutdown' : answer.database !== 'ok' ? 'database' : answer.migrations !== 'ok' ? 'migrations' : undefined;
    return failing ? { ready: false, failing, checks } : { ready: true, checks };
  }
}

function isTimeout(error: unknown): boolean {
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === 'string' && /timeout/i.test(message);
}
