/** The benchmark's knobs, read once from the environment so every part of a run agrees on them. */
export interface BenchConfig {
  events: number;
  contacts: number;
  keys: number;
  concurrency: number;
  repeat: number;
  /** Events pushed through each contender before its timed runs (JIT, pool connections, plan caches). */
  warmup: number;
  /** The runtime's pool size; the pg baseline gets the same so neither has more connections. */
  poolSize: number;
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): BenchConfig {
  const events = positiveInt(env, 'BENCH_EVENTS', 20_000);
  return {
    events,
    contacts: positiveInt(env, 'BENCH_CONTACTS', 1_000),
    keys: positiveInt(env, 'BENCH_KEYS', 20),
    concurrency: positiveInt(env, 'BENCH_CONCURRENCY', 32),
    repeat: positiveInt(env, 'BENCH_REPEAT', 3),
    warmup: Math.min(events, 500),
    poolSize: 10,
  };
}

/** A typo in a knob should stop the run, not silently fall back to the default. */
function positiveInt(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return value;
}
