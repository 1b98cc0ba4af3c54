import type { SqlRunner } from '../db/preparedStatements';
import type { TableNames } from '../db/tableNames';
import { describeError, type Logger } from '../runtime/logger';
import { pruneSql } from './pruneSql';
import type { RetentionSettings } from './retentionSettings';

/** What one pass removed, per table; `skipped`: another process held the pruning lock. */
export interface PruneReport {
  occurrences: number;
  outbox: number;
  idempotency_keys: number;
  automation_runs: number;
  batches: number;
  skipped: boolean;
}

/** The tables a pass prunes, as PruneReport names them. */
export type PrunedTable = 'occurrences' | 'outbox' | 'idempotency_keys' | 'automation_runs';

interface BatchResult {
  locked: boolean;
  deleted: string | number;
}

/**
 * The background pruner (issue 17, retention). A pass deletes what is past its retention in bounded
 * batches, one short statement each, and after a batch that took t ms waits pauseRatio × t before
 * the next: on PostgreSQL a batch locks nothing tracking needs, on the embedded database (one session
 * shared by every connection) the wait hands the session back to tracking between batches. First
 * pass `firstPassDelayMs` after start, then every `intervalMs`; one pass at a time per process and,
 * through the advisory lock in every statement, one pruning process at a time per database.
 */
export class RetentionPruner {
  private readonly sql: ReturnType<typeof pruneSql>;
  private readonly lockName: string;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<PruneReport> | undefined;
  private stopped = false;

  constructor(
    private readonly deps: {
      db: SqlRunner;
      tables: TableNames;
      settings: RetentionSettings;
      logger: Logger;
      /** Told after each batch: which table, how long its statement took, how many rows it deleted (metrics, the bench). */
      onBatch?: (table: PrunedTable, ms: number, deleted: number) => void;
      /** A JetStream relay is configured: outbox rows it has not relayed (and their occurrences) are kept. */
      keepUnrelayed?: boolean;
    },
  ) {
    this.sql = pruneSql(deps.tables, { keepUnrelayed: deps.keepUnrelayed });
    this.lockName = `fcrm-event-tracking:retention:${deps.tables.schema}`;
  }

  start(): void {
    if (!this.deps.settings.background || this.stopped) return;
    const schedule = (delay: number) => {
      this.timer = setTimeout(() => {
        void this.prune()
          .catch((error: unknown) => this.deps.logger.error(describeError(error), 'Pruning by the retention settings failed; will retry'))
          .finally(() => {
            if (!this.stopped) schedule(this.deps.settings.intervalMs);
          });
      }, delay);
      this.timer.unref(); // never keeps a process alive on its own
    };
    schedule(this.deps.settings.firstPassDelayMs);
  }

  /** Stops the schedule and ends a running pass after its current batch. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** One pass now (or the one already running). */
  prune(): Promise<PruneReport> {
    // Not in the runtime's InFlight: drain() waits for tracking, not for a long pass; close() stops it.
    this.running ??= this.pass().finally(() => {
        this.running = undefined;
      });
    return this.running;
  }

  private async pass(): Promise<PruneReport> {
    const { settings } = this.deps;
    const report: PruneReport = { occurrences: 0, outbox: 0, idempotency_keys: 0, automation_runs: 0, batches: 0, skipped: false };
    // Claims before the history: an occurrence is kept while its claim exists.
    const steps: Array<[PrunedTable, string, unknown]> = [
      ['idempotency_keys', this.sql.claims, settings.deliveredMs],
      ['outbox', this.sql.outbox, settings.deliveredMs],
    ];
    if (settings.automationRunDays !== null) steps.push(['automation_runs', this.sql.runs, settings.automationRunDays]);
    for (const [key, statement, age] of steps) {
      for (;;) {
        if (this.stopped) return report;
        const result = await this.batch<BatchResult>(key, statement, [age, settings.batchSize]);
        report.batches += 1;
        if (!result.locked) return { ...report, skipped: true };
        const deleted = Number(result.deleted);
        report[key] += deleted;
        if (deleted < settings.batchSize) break;
      }
    }
    const [{ days: shortest }] = (await this.deps.db.query(this.sql.shortestDays, [settings.historyDays])) as Array<{ days: number | null }>;
    if (shortest === null) return report; // no retention anywhere: the history is kept
    let after = '0';
    for (;;) {
      if (this.stopped) return report;
      const result = await this.batch<BatchResult & { examined: string; last_id: string | null; caught_up: boolean }>('occurrences', this.sql.occurrences, [
        after,
        settings.batchSize,
        settings.historyDays,
        shortest,
      ]);
      report.batches += 1;
      if (!result.locked) return { ...report, skipped: true };
      report.occurrences += Number(result.deleted);
      if (Number(result.examined) < settings.batchSize || result.caught_up || result.last_id === null) return report;
      after = String(result.last_id);
    }
  }

  /** One statement, then the pause that keeps pruning to a share of the database's time. */
  private async batch<T extends BatchResult>(table: PrunedTable, statement: string, params: unknown[]): Promise<T> {
    const started = performance.now();
    const [row] = (await this.deps.db.query(statement, [this.lockName, ...params])) as T[];
    const ms = performance.now() - started;
    this.deps.onBatch?.(table, ms, Number(row.deleted));
    const pause = ms * this.deps.settings.pauseRatio;
    await new Promise<void>((resolve) => (pause >= 1 ? setTimeout(resolve, pause) : setImmediate(resolve)));
    return row;
  }
}
