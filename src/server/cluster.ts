import cluster, { type Worker } from 'node:cluster';
import type { Logger } from '../runtime/logger';

export interface ClusterOptions {
  workers: number;
  logger: Logger;
  /** First restart delay after a crash; doubles per consecutive crash, up to `maxRestartDelayMs`. */
  restartDelayMs?: number;
  maxRestartDelayMs?: number;
  /** A worker up this long before it died starts the backoff afresh. */
  stableAfterMs?: number;
  /** Workers that die before listening this many times in a row: the primary gives up (exit 1). */
  maxStartFailures?: number;
}

/**
 * The primary of `npm start` with WEB_CONCURRENCY=N: forks N workers, each a whole server (its own
 * pool, outbox poller and relay) listening on the one port through `cluster`; restarts a worker that
 * dies, with exponential backoff; on SIGTERM/SIGINT passes the signal to every worker (each finishes
 * its requests and hook work) and exits once all have. Resolves with the exit code.
 */
export function runClusterPrimary(options: ClusterOptions): Promise<number> {
  const { workers, logger } = options;
  const restartDelayMs = options.restartDelayMs ?? 500;
  const maxRestartDelayMs = options.maxRestartDelayMs ?? 30_000;
  const stableAfterMs = options.stableAfterMs ?? 30_000;
  const maxStartFailures = options.maxStartFailures ?? 5;
  let stopping = false;
  let crashes = 0;
  let startFailures = 0;
  let failed = false;
  const started = new Map<Worker, { at: number; listening: boolean }>();
  const pendingRestarts = new Set<NodeJS.Timeout>();

  return new Promise((resolve) => {
    const finishIfDone = () => {
      if (stopping && Object.keys(cluster.workers ?? {}).length === 0 && pendingRestarts.size === 0) resolve(failed ? 1 : 0);
    };
    const fork = () => {
      const worker = cluster.fork();
      started.set(worker, { at: Date.now(), listening: false });
    };
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal, workers: Object.keys(cluster.workers ?? {}).length }, 'shutting down: stopping the workers');
      for (const timer of pendingRestarts) clearTimeout(timer);
      pendingRestarts.clear();
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal);
      finishIfDone();
    };

    cluster.on('listening', (worker) => {
      const state = started.get(worker);
      if (state) state.listening = true;
      startFailures = 0;
    });
    cluster.on('exit', (worker, code, signal) => {
      const state = started.get(worker);
      started.delete(worker);
      if (stopping) {
        if (code !== 0) failed = true;
        finishIfDone();
        return;
      }
      const lived = state ? Date.now() - state.at : 0;
      if (state && !state.listening) startFailures += 1;
      if (startFailures >= maxStartFailures) {
        logger.error({ pid: worker.process.pid, code, signal }, `${startFailures} workers in a row died before listening; giving up`);
        failed = true;
        stop('SIGTERM');
        return;
      }
      crashes = lived >= stableAfterMs ? 1 : crashes + 1;
      const delay = restartDelay(crashes, restartDelayMs, maxRestartDelayMs);
      logger.warn({ pid: worker.process.pid, code, signal, restartInMs: delay }, 'a worker exited unexpectedly; restarting it');
      const timer = setTimeout(() => {
        pendingRestarts.delete(timer);
        if (!stopping) fork();
      }, delay);
      pendingRestarts.add(timer);
    });
    // `on`, not `once`: a second Ctrl+C must not kill the primary while its workers finish.
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
    for (let i = 0; i < workers; i += 1) fork();
    logger.info({ workers, pid: process.pid }, 'started the server workers');
  });
}

/** The wait before restarting after the `crashes`-th crash in a row: `base`, doubling, at most `max`. */
export function restartDelay(crashes: number, base: number, max: number): number {
  return Math.min(max, base * 2 ** Math.max(0, crashes - 1));
}
