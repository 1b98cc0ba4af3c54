import type { Contender, RunTiming } from './contenders';
import { median, percentile } from './stats';

export interface RunResult {
  eventsPerSec: number;
  /** Node-process CPU per event, in microseconds. */
  cpuUsPerEvent: number;
  p50Ms?: number;
  p99Ms?: number;
}

export interface ContenderSummary {
  id: string;
  label: string;
  diagnostic: boolean;
  runs: RunResult[];
  /** Medians over the repeats, so one noisy run neither flatters nor sinks a contender. */
  eventsPerSec: number;
  cpuUsPerEvent: number;
  p50Ms?: number;
  p99Ms?: number;
  /** Median events/s relative to the pg upsert baseline's median. */
  vsBaseline: number;
}

export function toRunResult(events: number, timing: RunTiming): RunResult {
  const eventsPerSec = events / (timing.elapsedMs / 1000);
  const cpuUsPerEvent = (timing.cpuMs * 1000) / events;
  if (!timing.latenciesMs) return { eventsPerSec, cpuUsPerEvent };
  return { eventsPerSec, cpuUsPerEvent, p50Ms: percentile(timing.latenciesMs, 50), p99Ms: percentile(timing.latenciesMs, 99) };
}

export function summarize(contenders: readonly Contender[], runs: ReadonlyMap<string, RunResult[]>, baselineId: string): ContenderSummary[] {
  const medianOf = (results: RunResult[], pick: (r: RunResult) => number | undefined): number | undefined => {
    const values = results.map(pick).filter((v): v is number => v !== undefined);
    return values.length > 0 ? median(values) : undefined;
  };
  const baseline = medianOf(runs.get(baselineId) ?? [], (r) => r.eventsPerSec) ?? Number.NaN;
  return contenders.map((c) => {
    const results = runs.get(c.id) ?? [];
    const eventsPerSec = medianOf(results, (r) => r.eventsPerSec) ?? Number.NaN;
    return {
      id: c.id,
      label: c.label,
      diagnostic: c.diagnostic,
      runs: results,
      eventsPerSec,
      cpuUsPerEvent: medianOf(results, (r) => r.cpuUsPerEvent) ?? Number.NaN,
      p50Ms: medianOf(results, (r) => r.p50Ms),
      p99Ms: medianOf(results, (r) => r.p99Ms),
      vsBaseline: eventsPerSec / baseline,
    };
  });
}
