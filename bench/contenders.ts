import { HOOKS } from '../src';
import type { BenchDatabase } from './benchDatabase';
import { runLoops } from './loops';
import { hookData, type BenchEvent } from './workload';

/** One timed pass: wall time, this process's CPU time, and per-call latencies when there is a call to time. */
export interface RunTiming {
  elapsedMs: number;
  /** User + system CPU of the Node process: the client-side cost, which shares the cores with PostgreSQL. */
  cpuMs: number;
  latenciesMs?: Float64Array;
}

/** Times `body` by wall clock and by this process's CPU; its result, if any, is the per-call latencies. */
async function timed(body: () => Promise<Float64Array | void>): Promise<RunTiming> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const latenciesMs = await body();
  const elapsedMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return { elapsedMs, cpuMs: (used.user + used.system) / 1000, ...(latenciesMs ? { latenciesMs } : {}) };
}

export interface Contender {
  id: string;
  label: string;
  /** Diagnostic rows explain a gap; they are not one of the compared entrances. */
  diagnostic: boolean;
  run(events: readonly BenchEvent[]): Promise<RunTiming>;
}

/** Payloads are built before the clock starts, so only the entrance itself is timed. */
export function contenders(db: BenchDatabase, concurrency: number): Contender[] {
  const { rt, baselinePool } = db;
  const upsertParams = (e: BenchEvent): unknown[] => [e.subscriberId, 0, 'custom', e.eventKey, e.title, e.value];
  return [
    {
      id: 'hook-fire-and-forget',
      label: 'hook doAction ×N, then drain()',
      diagnostic: false,
      async run(events) {
        const payloads = events.map(hookData);
        return timed(async () => {
          for (const data of payloads) rt.hooks.doAction(HOOKS.TRACK_EVENT_ACTIVITY, data, true);
          await rt.drain();
        });
      },
    },
    {
      id: 'hook-async',
      label: `hook doActionAsync, C=${concurrency}`,
      diagnostic: false,
      async run(events) {
        const payloads = events.map(hookData);
        return timed(async () => {
          const latencies = await runLoops(payloads, concurrency, (data) =>
            rt.hooks.doActionAsync(HOOKS.TRACK_EVENT_ACTIVITY, data, true),
          );
          // Work the calls left behind (e.g. buffered bookkeeping) belongs to this run, not the next.
          await rt.drain();
          return latencies;
        });
      },
    },
    {
      id: 'pg-upsert',
      label: `pg Pool upsert only, C=${concurrency}`,
      diagnostic: false,
      async run(events) {
        const params = events.map(upsertParams);
        return timed(() => runLoops(params, concurrency, (p) => baselinePool.query(db.upsertSql, p)));
      },
    },
    {
      // The hook path's two round trips without the runtime around them: splits the gap between
      // "one more query" and "the runtime's own overhead" (TypeORM, hooks, normalising, records).
      id: 'pg-select-upsert',
      label: `pg Pool SELECT contact + upsert, C=${concurrency}`,
      diagnostic: true,
      async run(events) {
        const params = events.map(upsertParams);
        return timed(() =>
          runLoops(params, concurrency, async (p) => {
            await baselinePool.query(db.contactByIdSql, [p[0]]);
            await baselinePool.query(db.upsertSql, p);
          }),
        );
      },
    },
  ];
}
