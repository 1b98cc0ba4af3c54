import type { Pool } from 'pg';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { RunStatus } from '../automation/runsTable';
import type { Entrance, TrackResultLabel } from './entrance';
import type { OutboxBacklog } from './outboxGauges';

const ENTRANCES: readonly Entrance[] = ['hook', 'api', 'rest', 'batch', 'import'];
const RESULTS: readonly TrackResultLabel[] = ['stored', 'replayed', 'rejected'];
const ENTRANCE_INDEX = Object.fromEntries(ENTRANCES.map((entrance, i) => [entrance, i])) as Record<Entrance, number>;
const RESULT_INDEX = Object.fromEntries(RESULTS.map((result, i) => [result, i])) as Record<TrackResultLabel, number>;
const RUN_STATUSES: readonly RunStatus[] = ['started', 'completed', 'failed'];

/** What the tracker, the hooks and the automations report; a no-op stand-in needs no registry. */
export interface TrackingObserver {
  tracked(entrance: Entrance, result: TrackResultLabel, count?: number): void;
  doneAction(seconds: number): void;
  automationRun(status: RunStatus): void;
}

/**
 * The runtime's own metrics, in a registry of its own (never prom-client's global one), so several
 * runtimes in one process count apart. The server serves it together with its HTTP and process metrics.
 * Gauges are read when scraped: the pool's counters directly, the outbox backlog by one bounded query.
 */
export class RuntimeMetrics implements TrackingObserver {
  readonly registry = new Registry();
  /**
   * Counts per (entrance, result) as plain numbers, handed to the counter when scraped: a count per
   * event costs an array increment (prom-client's inc() hashes the labels, ~0.2 µs of CPU each).
   */
  private readonly trackedCounts = new Float64Array(ENTRANCES.length * RESULTS.length);
  private readonly doneDuration: Histogram;
  private readonly runs: Counter<'status'>;

  constructor(pool: Pool, backlog: () => Promise<OutboxBacklog>) {
    const registers = [this.registry];
    const counts = this.trackedCounts;
    new Counter({
      name: 'fcrm_events_tracked_total',
      help: 'Tracked events by entrance (hook, api, rest, batch, import) and result (stored, replayed, rejected).',
      labelNames: ['entrance', 'result'],
      registers,
      // Every series, from zero: a rate() sees the first event and a dashboard sees all entrances.
      collect() {
        this.reset();
        ENTRANCES.forEach((entrance, e) => RESULTS.forEach((result, r) => this.inc({ entrance, result }, counts[e * RESULTS.length + r])));
      },
    });
    this.doneDuration = new Histogram({
      name: 'fcrm_done_action_duration_seconds',
      help: "Time the listeners of fluent_crm/track_event_activity_done took per delivery (the writer's and the recovery poller's).",
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30],
      registers,
    });
    this.runs = new Counter({
      name: 'fcrm_automation_runs_total',
      help: 'Automation runs: started when claimed, then completed or failed when the handler settles.',
      labelNames: ['status'],
      registers,
    });
    for (const status of RUN_STATUSES) this.runs.inc({ status }, 0);

    const poolGauge = (name: string, help: string, read: () => number) =>
      new Gauge({
        name,
        help,
        registers,
        collect() {
          this.set(read());
        },
      });
    poolGauge('fcrm_db_pool_size', 'Connections the database pool holds open now (busy and idle).', () => pool.totalCount);
    poolGauge('fcrm_db_pool_idle', 'Open pool connections not in use.', () => pool.idleCount);
    poolGauge('fcrm_db_pool_waiting', 'Queries waiting for a pool connection.', () => pool.waitingCount);
    poolGauge('fcrm_db_pool_max', 'The most connections the pool opens.', () => pool.options.max ?? 10);

    // Both backlog gauges share one query per scrape (`backlog` runs one at a time and reuses its answer briefly).
    const read = backlog;
    new Gauge({
      name: 'fcrm_outbox_pending',
      help: `Done actions recorded and not yet delivered (counted up to 100000; NaN while the database does not answer).`,
      registers,
      async collect() {
        this.set((await read()).pending);
      },
    });
    new Gauge({
      name: 'fcrm_outbox_oldest_pending_age_seconds',
      help: 'Age of the oldest undelivered done action, in seconds (0 when none; NaN while the database does not answer).',
      registers,
      async collect() {
        this.set((await read()).oldestAgeSeconds);
      },
    });
  }

  tracked(entrance: Entrance, result: TrackResultLabel, count = 1): void {
    this.trackedCounts[ENTRANCE_INDEX[entrance] * RESULTS.length + RESULT_INDEX[result]] += count;
  }

  doneAction(seconds: number): void {
    this.doneDuration.observe(seconds);
  }

  automationRun(status: RunStatus): void {
    this.runs.inc({ status });
  }
}
