/**
 * `npm run bench:filters`: contact filters on 100,000 contacts and 1,000,000 event rows. Each filter
 * goes through api('contacts').query (page 1, 15 per page, with the count), once to warm up, then
 * three timed runs; the median is reported. Also the key list of GET /reports/ajax-options. See
 * BENCHMARKS.md ("Filters").
 */
import { performance } from 'node:perf_hooks';
import { tableNames } from '../src/db/tableNames';
import { listEventKeyOptions, MAX_KEY_OPTIONS } from '../src/filters';
import { openBenchDatabase } from './benchDatabase';
import { chooseDatabase } from './database';
import { FILTERS, seedSql, type FilterWorkloadSize } from './filterWorkload';
import { describeMachine, machineLine } from './machine';
import { recordingLogger } from './recordingLogger';
import { median } from './stats';

const RUNS = 3;

async function main(): Promise<void> {
  const size: FilterWorkloadSize = { contacts: count('BENCH_FILTER_CONTACTS', 100_000), events: count('BENCH_FILTER_EVENTS', 1_000_000) };
  const choice = await chooseDatabase();
  const db = await openBenchDatabase(choice, 10, recordingLogger());
  try {
    console.log(`Machine: ${machineLine(describeMachine(db.serverVersion, db.synchronousCommit, choice.label))}`);
    console.log(`Schema: ${db.schema} (dropped at the end)`);

    const seeded = performance.now();
    for (const sql of seedSql(size, db.subscribers, db.events)) await db.query(sql);
    // A table that has been live for a while is vacuumed and analysed; a freshly loaded one is neither.
    await db.query(`VACUUM ANALYZE ${db.subscribers}`);
    await db.query(`VACUUM ANALYZE ${db.events}`);
    console.log(`Seeded ${size.contacts.toLocaleString('en')} contacts and ${size.events.toLocaleString('en')} events in ${seconds(seeded)} s (generate_series, then VACUUM ANALYZE)\n`);

    const rows: string[] = ['| query | result | runs (ms) | median (ms) |', '| --- | ---: | --- | ---: |'];
    const report = (name: string, result: string, times: number[]) => {
      rows.push(`| ${name} | ${result} | ${times.map((t) => t.toFixed(0)).join(', ')} | ${median(times).toFixed(0)} |`);
      console.log(rows[rows.length - 1]);
    };
    for (const filter of FILTERS) {
      const { result, times } = await timed(() => db.rt.api('contacts').query({ filters: filter.groups, page: 1, per_page: 15 }));
      report(filter.name, `${result.total.toLocaleString('en')} contacts`, times);
    }
    const keys = await timed(() => listEventKeyOptions(db.rt.dataSource, tableNames(db.schema), { limit: MAX_KEY_OPTIONS }));
    report(`ajax-options event_tracking_keys (limit ${MAX_KEY_OPTIONS})`, `${keys.result.length} keys`, keys.times);
    console.log(`\n${rows.join('\n')}`);
  } finally {
    await db.close();
  }
}

/** One warm-up call (plan caches, buffers), then RUNS timed ones. */
async function timed<T>(run: () => Promise<T>): Promise<{ result: T; times: number[] }> {
  const result = await run();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i += 1) {
    const started = performance.now();
    await run();
    times.push(performance.now() - started);
  }
  return { result, times };
}

function count(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return value;
}

function seconds(since: number): string {
  return ((performance.now() - since) / 1000).toFixed(1);
}

main().catch((error: unknown) => {
  console.error('Filter benchmark failed:', error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
