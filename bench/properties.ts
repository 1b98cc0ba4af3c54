/**
 * `npm run bench:properties` (issue 16): event properties on 100,000 contacts, 400,000 event rows
 * and 1,000,000 occurrences whose values are objects of ~10 properties.
 *  1. Filters through api('contacts').query (page 1 of 15, with the count): one warm-up, then
 *     BENCH_PROP_RUNS timed runs (default 5), median reported, with the plan's index scans; first
 *     with nothing indexed, then after a definition indexes order.total and coupon (indexed_properties).
 *  2. Ingest, side by side in one run: the same events with short string values, with object values
 *     (stored also as jsonb) and with the objects' JSON text behind a leading space (same bytes, not
 *     structured: what jsonb alone costs). Interleaved rounds, so the box's drift hits all three.
 *     Once before the definition indexes order.total and coupon and once after, then also with object values
 *     on order_placed itself (what an indexed key's writes cost).
 * Sizes: BENCH_PROP_CONTACTS, BENCH_PROP_INGEST (events per variant and round), BENCH_PROP_ROUNDS.
 */
import { performance } from 'node:perf_hooks';
import { HOOKS, type TrackEventData } from '../src';
import { compileFilterGroups } from '../src/filters';
import { tableNames } from '../src/db/tableNames';
import type { DefinitionsSnapshot } from '../src/definitions/definitionsSnapshot';
import { openBenchDatabase } from './benchDatabase';
import { chooseDatabase } from './database';
import { runLoops } from './loops';
import { describeMachine, machineLine } from './machine';
import { recordingLogger } from './recordingLogger';
import { median } from './stats';
import { objectValue } from './throughput/ingest';

const NOW = new Date();
/** order.total declared a number and coupon a string, so a definition can index them. */
const ORDER_SCHEMA = {
  type: 'object',
  properties: { order: { type: 'object', properties: { total: { type: 'number' } } }, coupon: { type: 'string' } },
};
const env = (name: string, fallback: number) => {
  const raw = process.env[name];
  const value = raw === undefined || raw.trim() === '' ? fallback : Number(raw);
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return value;
};

const property = (path: string, operator: string, value: unknown, extra: Record<string, unknown> = {}) => [
  [{ source: ['event_tracking', 'event_tracking_property'], extra_value: 'order_placed', property: path, operator, value, ...extra }],
];

const FILTERS: Array<{ name: string; groups: unknown }> = [
  { name: 'latest: order.total > 900', groups: property('order.total', '>', 900) },
  { name: 'any, last 30 days: order.total > 900', groups: property('order.total', '>', 900, { scope: 'any', days: 30 }) },
  { name: 'latest: coupon = "spring" (text, case-insensitive)', groups: property('coupon', '=', 'spring') },
  { name: 'latest: tags contains "vip" (an array element)', groups: property('tags', 'contains', 'vip') },
  { name: 'any (no window): order.total > 990', groups: property('order.total', '>', 990, { scope: 'any' }) },
  { name: 'latest: order.total != 500 (has no such event)', groups: property('order.total', '!=', 500) },
];

/** The throughput bench's order value (~10 properties), plus an array and a date to filter on; `i` decides every field. */
function orderValue(i: number): Record<string, unknown> {
  return {
    ...objectValue(i),
    tags: i % 10 === 0 ? ['vip', 'repeat'] : ['new'],
    placed_at: new Date(Date.UTC(2026, 0, 1) + (i % 300) * 86_400_000).toISOString(),
  };
}

async function main(): Promise<void> {
  if (process.env.BENCH_PROP_SEED_SCHEMA) return seedOnly(process.env.BENCH_PROP_SEED_SCHEMA);
  const contacts = env('BENCH_PROP_CONTACTS', 100_000);
  const runs = env('BENCH_PROP_RUNS', 5);
  const choice = await chooseDatabase();
  const db = await openBenchDatabase(choice, 10, recordingLogger());
  const t = tableNames(db.schema);
  try {
    console.log(`Machine: ${machineLine(describeMachine(db.serverVersion, db.synchronousCommit, choice.label))}`);
    const seeded = performance.now();
    await seedWithoutTimeout(db.rt.dataSource, t, contacts);
    console.log(`Seeded in ${((performance.now() - seeded) / 1000).toFixed(1)} s: ${await sizes(db.query, t)}\n`);

    const rows = ['| filter | order.total | contacts | runs (ms) | median (ms) | index scans in the plan (count) |', '| --- | --- | ---: | --- | ---: | --- |'];
    rows.push(...(await timeFilters(db, runs, false)));
    const ingestLines = await ingest(db, 'none', []);
    // The definition that indexes order.total (a number) and coupon (a string): built on the seeded tables.
    const building = performance.now();
    await db.rt.api('event_definitions').put('order_placed', { schema: ORDER_SCHEMA, mode: 'report', indexed_properties: ['order.total', 'coupon'] });
    console.log(`Indexes of order.total and coupon built in ${((performance.now() - building) / 1000).toFixed(1)} s`);
    rows.push(...(await timeFilters(db, runs, true)));
    ingestLines.push(
      ...(await ingest(db, 'order_placed order.total, coupon', [
        { name: 'object values on order_placed (order.total and coupon indexed, report-mode definition)', value: orderValue, onIndexedKey: true },
      ])).slice(2),
    );
    console.log(`\n${rows.join('\n')}\n\n${ingestLines.join('\n')}`);
  } finally {
    await db.close();
  }
}

/** Each filter's listing page (one warm-up, `runs` timed), as table rows; `indexed`: after the definition. */
async function timeFilters(db: Awaited<ReturnType<typeof openBenchDatabase>>, runs: number, indexed: boolean): Promise<string[]> {
  const rows: string[] = [];
  for (const filter of FILTERS) {
    await db.rt.api('contacts').query({ filters: filter.groups, per_page: 15, now: NOW });
    const times: number[] = [];
    let total = 0;
    for (let r = 0; r < runs; r += 1) {
      const started = performance.now();
      total = (await db.rt.api('contacts').query({ filters: filter.groups, per_page: 15, now: NOW })).total;
      times.push(performance.now() - started);
    }
    const scans = await indexScans(db.query, tableNames(db.schema), filter.groups, indexed ? db.rt.api('event_definitions').snapshot() : undefined);
    rows.push(
      `| ${filter.name} | ${indexed ? 'indexed' : 'not indexed'} | ${total.toLocaleString('en')} | ${times.map((x) => x.toFixed(0)).join(', ')} | ${median(times).toFixed(0)} | ${scans} |`,
    );
    console.log(rows[rows.length - 1]);
  }
  return rows;
}

/** The seed in one transaction free of the runtime's statement timeout, then VACUUM ANALYZE. */
async function seedWithoutTimeout(dataSource: import('typeorm').DataSource, t: ReturnType<typeof tableNames>, contacts: number): Promise<void> {
  await dataSource.transaction(async (manager) => {
    await manager.query('SET LOCAL statement_timeout = 0');
    await seed((sql, params) => manager.query(sql, params), t, contacts);
  });
  for (const table of [t.subscribers, t.events, t.occurrences]) await dataSource.query(`VACUUM ANALYZE ${table}`);
}

/**
 * Contact c has order_placed (4 occurrences), page_viewed (4), signup (1) and plan_changed (1): 4 rows,
 * 10 occurrences, over the last 365 days. The rows' values are their last occurrence's, as the tracker keeps them.
 */
async function seed(query: <T>(sql: string, params?: unknown[]) => Promise<T[]>, t: ReturnType<typeof tableNames>, contacts: number): Promise<void> {
  await query(`INSERT INTO ${t.subscribers} (email) SELECT 'p' || g || '@example.com' FROM generate_series(1, ${contacts}) g`);
  // Fields from a hash of the occurrence's number, so they do not follow the ids' pattern.
  const value = (i: string) => {
    const h = `abs(hashtext((${i})::text)::bigint)`;
    return `jsonb_build_object(
      'order', jsonb_build_object('id', 'A' || ${i}, 'total', ${h} % 1000, 'currency', 'EUR'),
      'items', jsonb_build_array(jsonb_build_object('sku', 'SKU-' || (${h} % 50), 'qty', 1 + ${h} % 3)),
      'coupon', (ARRAY['SPRING', 'SUMMER', '', 'VIP10'])[1 + (${h} / 7) % 4], 'paid', ${h} % 5 <> 0,
      'channel', (ARRAY['web', 'app', 'pos'])[1 + (${h} / 11) % 3],
      'tags', CASE WHEN (${h} / 13) % 10 = 0 THEN '["vip", "repeat"]'::jsonb ELSE '["new"]'::jsonb END,
      'placed_at', to_char(timestamp '2026-01-01' + (${h} % 300) * interval '1 day', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'))`;
  };
  await query(`
    INSERT INTO ${t.events} (subscriber_id, counter, event_key, title, created_at, updated_at)
    SELECT s.id, k.n, k.key, k.title, $1::timestamptz - interval '365 days', $1::timestamptz - (s.id % 60) * interval '1 day'
      FROM ${t.subscribers} s
      CROSS JOIN (VALUES ('order_placed', 'Order', 4), ('page_viewed', 'Pricing', 4), ('signup', 'Signed up', 1), ('plan_changed', 'Plan', 1)) AS k(key, title, n)`,
    [NOW.toISOString()]);
  // Occurrence r of event e: (e * 37 + r * 91) % 365 days ago, value from (e * 10 + r); stored in
  // time order, as the tracker appends them.
  await query(`
    INSERT INTO ${t.occurrences} (event_id, subscriber_id, event_key, counter, value, value_json, occurred_at)
    SELECT e.id, e.subscriber_id, e.event_key, r, v::text, v, $1::timestamptz - ((e.id * 37 + r * 91) % 365) * interval '1 day' AS at
      FROM ${t.events} e CROSS JOIN LATERAL generate_series(1, e.counter) r
      CROSS JOIN LATERAL (SELECT ${value('(e.id * 10 + r)')} AS v) j
     ORDER BY at`,
    [NOW.toISOString()]);
  await query(`
    UPDATE ${t.events} e SET value = o.value, value_json = o.value_json
      FROM ${t.occurrences} o WHERE o.event_id = e.id AND o.counter = e.counter`);
}

async function sizes(query: <T>(sql: string, params?: unknown[]) => Promise<T[]>, t: ReturnType<typeof tableNames>): Promise<string> {
  const [row] = await query<{ c: string; e: string; o: string; bytes: string }>(
    `SELECT (SELECT count(*) FROM ${t.subscribers}) AS c, (SELECT count(*) FROM ${t.events}) AS e,
            (SELECT count(*) FROM ${t.occurrences}) AS o, pg_size_pretty(pg_total_relation_size('${t.occurrences}')) AS bytes`,
  );
  return `${Number(row.c).toLocaleString('en')} contacts, ${Number(row.e).toLocaleString('en')} event rows, ${Number(row.o).toLocaleString('en')} occurrences (${row.bytes} with indexes)`;
}

/** The index scans of the count query's plan (the listing's dearer half), compiled with the definitions when given. */
async function indexScans(
  query: <T>(sql: string, params?: unknown[]) => Promise<T[]>,
  t: ReturnType<typeof tableNames>,
  groups: unknown,
  definitions?: DefinitionsSnapshot,
): Promise<string> {
  const params: unknown[] = [];
  const where = compileFilterGroups(groups, {
    tables: t,
    contactAlias: 's',
    params,
    now: NOW,
    propertyType: definitions && ((key, path) => definitions.propertyType(key, path)),
    propertyIndexed: definitions && ((key, path) => definitions.propertyIndexed(key, path)),
  });
  const [{ 'QUERY PLAN': plan }] = await query<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>(`EXPLAIN (FORMAT JSON) SELECT count(*) FROM ${t.subscribers} s WHERE ${where}`, params);
  const found = new Set<string>();
  const walk = (node: PlanNode) => {
    if (node['Index Name']) found.add(`${node['Node Type']} ${node['Index Name']}`);
    if (node['Node Type'] === 'Seq Scan') found.add(`Seq Scan ${node['Relation Name']}`);
    for (const child of node.Plans ?? []) walk(child);
  };
  walk(plan[0].Plan);
  return [...found].join('; ');
}

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  'Relation Name'?: string;
  Plans?: PlanNode[];
}

interface Variant {
  name: string;
  value: (i: number) => unknown;
  /** Tracked under order_placed (distinct titles) instead of fresh keys. */
  onIndexedKey?: boolean;
}

/**
 * Ingest of string, object and same-bytes text values (and `extra`), interleaved, through hook
 * doActionAsync (C=32) and trackMany; `indexed` names what is indexed meanwhile. Returns the table.
 */
async function ingest(db: Awaited<ReturnType<typeof openBenchDatabase>>, indexed: string, extra: Variant[]): Promise<string[]> {
  const perRun = env('BENCH_PROP_INGEST', 10_000);
  const rounds = env('BENCH_PROP_ROUNDS', 5);
  const [{ id: first }] = await db.query<{ id: string }>(`SELECT min(id) AS id FROM ${db.subscribers}`);
  const variants: Variant[] = [
    { name: 'string values (v-<i>)', value: (i) => `v-${i}` },
    { name: 'object values (~10 properties, also stored as jsonb)', value: orderValue },
    { name: "the objects' JSON text after a space (same bytes, not structured)", value: (i) => ` ${JSON.stringify(orderValue(i))}` },
    ...extra,
  ];
  const entrances: Array<{ name: string; run(data: TrackEventData[]): Promise<unknown> }> = [
    {
      name: 'hook doActionAsync, C=32',
      run: async (data) => {
        await runLoops(data, 32, (d) => db.rt.hooks.doActionAsync(HOOKS.TRACK_EVENT_ACTIVITY, d, true));
        await db.rt.drain();
      },
    },
    {
      name: "api('event_tracker').trackMany, 1,000-item batches, 2 in flight",
      run: async (data) => {
        const batches = Array.from({ length: Math.ceil(data.length / 1000) }, (_, i) => data.slice(i * 1000, (i + 1) * 1000));
        await runLoops(batches, 2, (batch) => db.rt.api('event_tracker').trackMany(batch, true));
        await db.rt.drain();
      },
    },
  ];
  const lines = ['| indexed | entrance | values | events/s per round | median events/s | × string values | × same bytes as text |', '| --- | --- | --- | --- | ---: | ---: | ---: |'];
  for (const entrance of entrances) {
    const rates = variants.map(() => [] as number[]);
    for (let round = 0; round < rounds; round += 1) {
      for (const [v, variant] of variants.entries()) {
        ingestSeq += 1;
        const seq = ingestSeq;
        // 1,000 contacts × 5 keys, each row tracked twice: inserts and counter updates, as bench:throughput.
        const data = Array.from({ length: perRun }, (_, i): TrackEventData => ({
          subscriber_id: Number(first) + (i % 1000),
          event_key: variant.onIndexedKey ? 'order_placed' : `ingest_${seq}_${Math.floor(i / 1000) % 5}`,
          title: variant.onIndexedKey ? `Ingest ${seq} ${Math.floor(i / 1000) % 5}` : 'Ingest',
          value: variant.value(i) as string,
        }));
        const started = performance.now();
        await entrance.run(data);
        rates[v].push((perRun / (performance.now() - started)) * 1000);
      }
    }
    const base = median(rates[0]);
    const sameText = median(rates[2]);
    for (const [v, variant] of variants.entries()) {
      const rate = median(rates[v]);
      const perRound = rates[v].map((r) => r.toFixed(0)).join(', ');
      lines.push(`| ${indexed} | ${entrance.name} | ${variant.name} | ${perRound} | ${rate.toFixed(0)} | ${(rate / base).toFixed(2)} | ${(rate / sameText).toFixed(2)} |`);
      console.log(lines[lines.length - 1]);
    }
  }
  return lines;
}

/** Numbers the ingest runs of both phases, so every run writes fresh keys. */
let ingestSeq = 0;

/** Seeds a named schema and keeps it, for looking at plans by hand (BENCH_PROP_SEED_SCHEMA=name). */
async function seedOnly(schema: string): Promise<void> {
  const { createEventTracking } = await import('../src');
  const choice = await chooseDatabase();
  if (choice.kind !== 'url') throw new Error('BENCH_PROP_SEED_SCHEMA needs a PostgreSQL server');
  const rt = await createEventTracking({ databaseUrl: choice.url, schema, logger: recordingLogger() });
  try {
    const t = tableNames(schema);
    await seedWithoutTimeout(rt.dataSource, t, env('BENCH_PROP_CONTACTS', 100_000));
    console.log(await sizes((sql, params) => rt.dataSource.query(sql, params), t));
  } finally {
    await rt.close();
  }
}

main().catch((error: unknown) => {
  console.error('Properties benchmark failed:', error instanceof Error ? error.stack : error);
  process.exitCode = 1;
});
