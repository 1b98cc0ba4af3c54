import { Client, Pool } from 'pg';
import { createEventTracking, type EventTrackingRuntime } from '../../src';
import { quoteIdent } from '../../src/db/tableNames';
import { LOCAL_URL } from '../database';
import { describeMachine, machineLine } from '../machine';
import { recordingLogger, type RecordingLogger } from '../recordingLogger';
import { percentile } from '../stats';

/** The throughput benches always use a real PostgreSQL: DATABASE_URL, else the local one. */
export const DB_URL = process.env.DATABASE_URL?.trim() || LOCAL_URL;
export const POOL_SIZE = 10;

export interface BenchRuntime {
  rt: EventTrackingRuntime;
  schema: string;
  logger: RecordingLogger;
  /** Quoted, schema-qualified table names. */
  events: string;
  subscribers: string;
  occurrences: string;
  outbox: string;
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /**
   * Runs statements one after another on a connection of its own without the runtime's statement
   * timeout (30 s): filling and vacuuming a million rows took 26 s one day and more than 30 s the next.
   */
  bulk(statements: Array<[sql: string, params?: unknown[]]>): Promise<void>;
  close(): Promise<void>;
}

let schemaSeq = 0;

/** A runtime in a fresh schema (dropped by close()): every contender starts from the same empty tables. */
export async function openRuntime(tag: string): Promise<BenchRuntime> {
  const schema = `bench_tp_${tag}_${Date.now()}_${schemaSeq++}`;
  const logger = recordingLogger();
  // BENCH_TP_PREPARED=off measures the runtime without prepared statements (BENCHMARKS.md's tuning notes).
  const preparedStatements = process.env.BENCH_TP_PREPARED !== 'off';
  const rt = await createEventTracking({ databaseUrl: DB_URL, schema, poolSize: POOL_SIZE, logger, preparedStatements });
  const q = quoteIdent(schema);
  const query = async <T>(sql: string, params: unknown[] = []): Promise<T[]> => rt.dataSource.query(sql, params);
  return {
    rt,
    schema,
    logger,
    events: `${q}."fc_event_tracking"`,
    subscribers: `${q}."fc_subscribers"`,
    occurrences: `${q}."fc_event_occurrences"`,
    outbox: `${q}."fc_event_outbox"`,
    query,
    async bulk(statements) {
      const client = new Client({ connectionString: DB_URL, options: '-c statement_timeout=0' });
      await client.connect();
      try {
        for (const [sql, params] of statements) await client.query(sql, params);
      } finally {
        await client.end();
      }
    },
    async close() {
      try {
        await rt.drain();
        await query(`DROP SCHEMA IF EXISTS ${q} CASCADE`);
      } finally {
        await rt.close();
      }
    },
  };
}

/** Contacts bench-0…bench-(n-1)@example.com, inserted by SQL; returns their ids in order (contiguous). */
export async function seedContactsSql(b: BenchRuntime, count: number): Promise<number[]> {
  const rows = await b.query<{ id: string }>(
    `INSERT INTO ${b.subscribers} (email, first_name)
     SELECT 'bench-' || g || '@example.com', 'Bench ' || g FROM generate_series(0, $1::int - 1) g ORDER BY g RETURNING id`,
    [count],
  );
  return rows.map((r) => Number(r.id)).sort((a, b) => a - b);
}

/** The exact single-row upsert (the statement issue 6 measures with pgbench). */
export function singleUpsertSql(events: string): string {
  return `INSERT INTO ${events} AS e (subscriber_id, counter, created_by, provider, event_key, title, value)
          VALUES ($1, 1, $2, $3, $4, $5, $6)
          ON CONFLICT (subscriber_id, lower(event_key), lower(title)) DO UPDATE SET
            counter    = e.counter + 1,
            value      = EXCLUDED.value,
            updated_at = now()
          RETURNING *`;
}

export async function machine(): Promise<string> {
  const pool = new Pool({ connectionString: DB_URL, max: 1 });
  try {
    const [{ server_version }] = (await pool.query('SHOW server_version')).rows;
    const [{ synchronous_commit }] = (await pool.query('SHOW synchronous_commit')).rows;
    const [{ fsync }] = (await pool.query('SHOW fsync')).rows;
    const label = `PostgreSQL at ${new URL(DB_URL).host}${new URL(DB_URL).pathname}, fsync=${fsync}`;
    return machineLine(describeMachine(server_version, synchronous_commit, label));
  } finally {
    await pool.end();
  }
}

/** Samples this process's RSS every 25 ms; stop() returns the peak in MiB. */
export function rssSampler(): { stop(): number } {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 25);
  return {
    stop() {
      clearInterval(timer);
      peak = Math.max(peak, process.memoryUsage().rss);
      return peak / 2 ** 20;
    },
  };
}

export function fmtInt(n: number): string {
  return Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a';
}

export function fmtMs(n: number | undefined): string {
  return n === undefined || !Number.isFinite(n) ? '–' : n < 10 ? n.toFixed(2) : n.toFixed(1);
}

export function pct(samples: ArrayLike<number> | undefined, p: number): number | undefined {
  return samples && samples.length > 0 ? percentile(samples, p) : undefined;
}

export function verdict(ok: boolean): string {
  return ok ? 'PASS' : 'MISS';
}

/** Markdown table. */
export function table(head: string[], rows: Array<Array<string | number>>): string {
  const line = (cells: Array<string | number>) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map((_, i) => (i === 0 ? '---' : '---:'))), ...rows.map(line)].join('\n');
}

/**
 * Lets the previous work finish and, when node runs with --expose-gc (npm run bench:throughput does),
 * collects its garbage, so a timed part does not pay for the heap an earlier contender left behind.
 * A forced collection also leaves V8 colder (the server of the GET bench used ~1.6× the CPU per
 * request in the next thousands of requests, BENCHMARKS.md): collect before a warm-up, not between
 * the warm-up and what it warms (`collect = false`).
 */
export async function settle(ms = 1500, collect = true): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
  if (collect) (globalThis as { gc?: () => void }).gc?.();
}
