import type { BenchDatabase } from './benchDatabase';
import type { RecordingLogger } from './recordingLogger';
import type { Expected } from './workload';

/**
 * Empties the events table (contacts stay) so every run starts from the same state, and, where the
 * role may, checkpoints so no run pays for the dirty pages and WAL the previous one left behind.
 */
export async function resetEvents(db: BenchDatabase): Promise<void> {
  // CASCADE reaches only tables that reference the events (e.g. occurrence history, outbox), never
  // fc_subscribers, which the events reference: the contacts stay.
  await db.query(`TRUNCATE ${db.events} RESTART IDENTITY CASCADE`);
  await db.query('CHECKPOINT').catch(() => undefined); // needs superuser or pg_checkpoint: best effort
}

/**
 * A fast run that lost or doubled events would be a wrong number, not a fast one: check the rows
 * and the counters, and that the hook path logged no failure, or stop the whole benchmark.
 */
export async function verifyRun(db: BenchDatabase, logger: RecordingLogger, expected: Expected, label: string): Promise<void> {
  const [found] = await db.query<{ rows: number; counter_sum: number }>(
    `SELECT count(*)::int AS rows, coalesce(sum(counter), 0)::int AS counter_sum FROM ${db.events}`,
  );
  const problems: string[] = [];
  if (found.rows !== expected.rows) problems.push(`${found.rows} rows, expected ${expected.rows}`);
  if (found.counter_sum !== expected.counterSum) problems.push(`sum(counter) = ${found.counter_sum}, expected ${expected.counterSum}`);
  if (logger.errors.length > 0) {
    const first = logger.errors[0];
    problems.push(`${logger.errors.length} logged failure(s), first: ${first.message} ${JSON.stringify(first.details)}`);
  }
  if (problems.length > 0) throw new Error(`Verification failed after "${label}": ${problems.join('; ')}`);
}
