import type { Contender } from './contenders';
import type { BenchDatabase } from './benchDatabase';
import type { RecordingLogger } from './recordingLogger';
import type { StatementCounter } from './statementCounter';
import { toRunResult, type RunResult } from './summarize';
import { resetEvents, verifyRun } from './verify';
import type { BenchEvent, Expected } from './workload';

/** The statements one contender sent through the runtime over all its timed runs, by shape. */
export type StatementMix = Array<{ shape: string; count: number; perEvent: number }>;

export interface ContenderRuns {
  runs: Map<string, RunResult[]>;
  /** Counted during the timed runs; contenders that bypass the runtime (pg) have none. */
  statements: Map<string, StatementMix>;
}

export interface Workload {
  warmup: { events: BenchEvent[]; expected: Expected };
  timed: { events: BenchEvent[]; expected: Expected };
}

/**
 * Warms every contender once, then runs the repeats round-robin (A B C, A B C, …) so slow drift in
 * the machine or the database spreads over all contenders instead of landing on the last one.
 * Every run starts on an empty events table and is verified before its number counts; the
 * statements the runtime sends meanwhile are counted (a Map update per statement: noise).
 */
export async function runContenders(
  db: BenchDatabase,
  logger: RecordingLogger,
  list: readonly Contender[],
  workload: Workload,
  repeat: number,
  counter: StatementCounter,
  progress: (line: string) => void,
): Promise<ContenderRuns> {
  for (const c of list) {
    await resetEvents(db);
    await c.run(workload.warmup.events);
    await verifyRun(db, logger, workload.warmup.expected, `warm-up of ${c.id}`);
  }
  const counted = new Map<string, Map<string, number>>(list.map((c) => [c.id, new Map()]));
  const results = new Map<string, RunResult[]>(list.map((c) => [c.id, []]));
  for (let round = 1; round <= repeat; round++) {
    for (const c of list) {
      await resetEvents(db);
      const { result: timing, counts } = await counter.count(() => c.run(workload.timed.events));
      addCounts(counted.get(c.id)!, counts);
      await verifyRun(db, logger, workload.timed.expected, `${c.id} run ${round}`);
      const result = toRunResult(workload.timed.events.length, timing);
      results.get(c.id)!.push(result);
      progress(`  run ${round}/${repeat} ${c.id.padEnd(20)} ${Math.round(result.eventsPerSec).toString().padStart(7)} events/s`);
    }
  }
  await resetEvents(db);
  const events = workload.timed.events.length * repeat;
  const statements = new Map<string, StatementMix>();
  for (const [id, shapes] of counted) {
    if (shapes.size > 0) statements.set(id, [...shapes].map(([shape, count]) => ({ shape, count, perEvent: count / events })));
  }
  return { runs: results, statements };
}

function addCounts(into: Map<string, number>, from: ReadonlyMap<string, number>): void {
  for (const [shape, count] of from) into.set(shape, (into.get(shape) ?? 0) + count);
}
