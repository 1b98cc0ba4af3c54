/**
 * `npx ts-node --transpile-only bench/retention.ts`: pruning a large expired history while tracking
 * (issue 17, retention). Seeds RET_ROWS (default 1,000,000) occurrences 60 days old, then alternates
 * windows of RET_WINDOW_S seconds (default 10): "A" tracking only, "B" tracking while the pruner runs
 * (a fresh pass per window, stopped at the window's end), until the expired history is gone. Tracking:
 * RET_CONCURRENCY (default 32) loops calling api('event_tracker').track() in process. Prints events/s
 * per window and the ratio B/A over all windows (interleaved, so drift and other load hit both alike).
 * FCRM_BENCH_DB=embedded runs on the embedded database in memory. BENCHMARKS.md records a run.
 */
import os from 'node:os';
import { createEventTracking, silentLogger } from '../src';
import { sqlRunner } from '../src/db/preparedStatements';
import { quoteIdent, tableNames } from '../src/db/tableNames';
import { RetentionPruner } from '../src/retention/pruner';
import { retentionSettings } from '../src/retention/retentionSettings';
import { chooseDatabase } from './database';
import { describeMachine, machineLine } from './machine';

const env = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback);
const ROWS = env('RET_ROWS', 1_000_000);
const WINDOW_MS = env('RET_WINDOW_S', 10) * 1000;
const CONCURRENCY = env('RET_CONCURRENCY', 32);
const BATCH = env('RET_BATCH', 1000);
const CONTACTS = 1000;
const KEYS = 10;

async function main(): Promise<void> {
  const choice = process.env.FCRM_BENCH_DB === 'embedded' ? ({ kind: 'embedded', label: 'embedded PGlite (in memory)' } as const) : await chooseDatabase();
  const schema = `bench_retention_${Date.now()}`;
  const rt = await createEventTracking({
    ...(choice.kind === 'url' ? { databaseUrl: choice.url } : { inMemory: true }),
    schema,
    logger: silentLogger,
    retention: { background: false },
  });
  const t = tableNames(schema);
  const q = (sql: string, params: unknown[] = []) => rt.dataSource.query(sql, params);
  try {
    const [{ server_version }] = await q('SHOW server_version');
    const [{ synchronous_commit }] = await q('SHOW synchronous_commit');
    console.log(`Machine: ${machineLine(describeMachine(server_version, synchronous_commit, choice.label))}`);

    let started = performance.now();
    await q(`INSERT INTO ${t.subscribers} (email) SELECT 'c' || g || '@example.com' FROM generate_series(1, ${CONTACTS}) g`);
    await q(`INSERT INTO ${t.events} (subscriber_id, event_key, title, counter)
             SELECT s.id, 'key_' || k, 'Key ' || k, ${Math.ceil(ROWS / (CONTACTS * KEYS))} FROM ${t.subscribers} s, generate_series(1, ${KEYS}) k`);
    const [{ min_id, max_id }] = await q(`SELECT min(id) AS min_id, max(id) AS max_id FROM ${t.events}`);
    // The expired history, in slices so no statement holds the embedded database's session for long.
    const SLICE = 100_000;
    for (let done = 0; done < ROWS; done += SLICE) {
      await q(
        `INSERT INTO ${t.occurrences} (event_id, subscriber_id, counter, occurred_at, created_at)
         SELECT e.id, e.subscriber_id, 1, now() - interval '60 days', now() - interval '60 days'
         FROM generate_series($1::bigint, $2::bigint) g JOIN ${t.events} e ON e.id = $3::bigint + g % ($4::bigint - $3::bigint + 1)`,
        [done, Math.min(done + SLICE, ROWS) - 1, min_id, max_id],
      );
    }
    await q(`ANALYZE ${t.occurrences}`);
    console.log(`Seeded ${ROWS} expired occurrences for ${CONTACTS * KEYS} events in ${((performance.now() - started) / 1000).toFixed(1)} s`);

    const pruneDb = sqlRunner(rt.dataSource, choice.kind === 'url');
    const settings = retentionSettings({ historyDays: 30, batchSize: BATCH, background: false }, 24 * 3_600_000, true);
    const api = rt.api('event_tracker');
    let n = 0;
    const ingestFor = async (ms: number): Promise<number> => {
      const end = performance.now() + ms;
      let count = 0;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (performance.now() < end) {
            n += 1;
            const contact = 1 + (n % CONTACTS);
            await api.track({ event_key: `key_${1 + (n % KEYS)}`, title: `Key ${1 + (n % KEYS)}`, subscriber_id: contact, value: String(n) });
            count += 1;
          }
        }),
      );
      return count;
    };

    await ingestFor(3000); // warm-up
    const batchMs: number[] = [];
    const totals = { A: { events: 0, ms: 0 }, B: { events: 0, ms: 0, pruned: 0, batches: 0 } };
    started = performance.now();
    for (let window = 1; ; window += 1) {
      const a = await ingestFor(WINDOW_MS);
      totals.A.events += a;
      totals.A.ms += WINDOW_MS;
      const pruner = new RetentionPruner({ db: pruneDb, tables: t, settings, logger: silentLogger, onBatch: (_table, ms) => batchMs.push(ms) });
      const pass = pruner.prune();
      const b = await ingestFor(WINDOW_MS);
      await pruner.stop();
      const report = await pass;
      totals.B.events += b;
      totals.B.ms += WINDOW_MS;
      totals.B.pruned += report.occurrences;
      totals.B.batches += report.batches;
      const left = ROWS - totals.B.pruned;
      console.log(
        `window ${window}: A ${(a / (WINDOW_MS / 1000)).toFixed(0)} ev/s | B ${(b / (WINDOW_MS / 1000)).toFixed(0)} ev/s, pruned ${report.occurrences} in ${report.batches} batches | expired left ${left} | load ${os.loadavg()[0].toFixed(2)}`,
      );
      if (left === 0) break;
    }
    const rateA = totals.A.events / (totals.A.ms / 1000);
    const rateB = totals.B.events / (totals.B.ms / 1000);
    console.log('');
    console.log(`tracking without pruning (A): ${rateA.toFixed(0)} events/s over ${(totals.A.ms / 1000).toFixed(0)} s`);
    console.log(`tracking while pruning   (B): ${rateB.toFixed(0)} events/s over ${(totals.B.ms / 1000).toFixed(0)} s`);
    console.log(`ratio B/A: ${(rateB / rateA).toFixed(2)}`);
    console.log(
      `pruned ${totals.B.pruned} occurrences in ${totals.B.batches} batches of ≤${BATCH} during B windows: ${(totals.B.pruned / (totals.B.ms / 1000)).toFixed(0)} rows/s; whole run ${((performance.now() - started) / 1000).toFixed(0)} s`,
    );
    batchMs.sort((x, y) => x - y);
    const pct = (p: number) => batchMs[Math.min(batchMs.length - 1, Math.floor(p * batchMs.length))].toFixed(1);
    console.log(`pruning statement per batch: median ${pct(0.5)} ms, p99 ${pct(0.99)} ms, max ${pct(1)} ms (${batchMs.length} batches)`);
    const [{ left }] = await q(`SELECT count(*) AS left FROM ${t.occurrences} WHERE created_at < now() - interval '30 days'`);
    console.log(`expired occurrences left (counted): ${left}`);
    const [{ counters }] = await q(`SELECT sum(counter) AS counters FROM ${t.events}`);
    console.log(`event rows' counters after the run: ${counters} (seeded ${Math.ceil(ROWS / (CONTACTS * KEYS)) * CONTACTS * KEYS} + events tracked)`);
  } finally {
    await q(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`).catch(() => undefined);
    await rt.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
