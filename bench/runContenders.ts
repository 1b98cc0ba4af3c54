import type { Contender } from './contenders';
import type { BenchDatabase } from './benchDatabase';
import type { RecordingLogger } from './recordingLogger';
import type { StatementCounter } from './statementCounter';
import { toRunResult, type RunResult } from './summarize';
import { resetEvents, verifyRun } from './verify';
import type { BenchEvent, Expected } from './workload';

/** Statements per event one contender sent through the runtime, by shape. */
export type StatementMix = Array<{ shape: string; perEvent: number }>;

export interface ContenderRuns {
  runs: Map<string, RunResult[]>;
  /** Counted during each warm-up; contenders that bypass the runtime have none. */
  statements: Map<string, StatementMix>;
}

export interface Workload {
  warmup: { events: BenchEvent[]; expected: Expected };
  timed: { events: BenchEvent[]; expected: Expected };
}

/**
 * Warms every contender once, then runs the repeats round-robin (A B C, A B C, …) so slow drift in
 * the machine or the database spreads over all contenders instead of landing on the last one.
 * Every run starts on an empty events table and is verified before its number counts.
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
  const statements = new Map<string, StatementMix>();
  for (const c of list) {
    await resetEvents(db);
    const counted = await counter.count(() => c.run(workload.warmup.events));
    await verifyRun(db, logger, workload.warmup.expected, `warm-up of ${c.id}`);
    const n = workload.warmup.events.length;
    if (counted.size > 0) statements.set(c.id, [...counted].map(([shape, count]) => ({ shape, perEvent: count / n })));
  }
  const results = new Map<string, RunResult[]>(list.map((c) => [c.id, []]));
  for (let round = 1; round <= repeat; round++) {
    for (const c of list) {
      await resetEvents(db);
      const timing = await c.run(workload.timed.events);
      await verifyRun(db, logger, workload.timed.expected, `${c.id} run ${round}`);
      const result = toRunResult(workload.timed.events.length, timing);
      results.get(c.id)!.push(result);
      progress(`  run ${round}/${repeat} ${c.id.padEnd(20)} ${Math.round(result.eventsPerSec).toString().padStart(7)} events/s`);
    }
  }
  await resetEvents(db);
  return { runs: results, statements };
}
