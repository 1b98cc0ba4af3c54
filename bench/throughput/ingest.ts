/**
 * Benchmark 1: the ingest entrances side by side, each in a fresh schema with the same table shape and
 * the same events: hook doAction ×N + drain, hook doActionAsync at C=32, the batch API (trackMany), the
 * runtime's write statement alone, a plain pg single-row upsert at C=32, a TypeORM find-then-save port
 * of FluentCRM's path at C=32, and pgbench's 100-row multi-row upsert at 8 clients (the limit). The
 * target (hook doAction ×N ≥ 0.5× the limit) is measured in rounds, each hook run back to back with its
 * own pgbench run; the limit reported is their median.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import { HOOKS, Subscriber, TrackedEvent, type TrackEventData } from '../../src';
import { sqlRunner } from '../../src/db/preparedStatements';
import { tableNames } from '../../src/db/tableNames';
import { EventWriter, type EventWrite } from '../../src/tracking/eventWriter';
import { runLoops } from '../loops';
import { median } from '../stats';
import {
  DB_URL,
  POOL_SIZE,
  fmtInt,
  fmtMs,
  openRuntime,
  pct,
  rssSampler,
  seedContactsSql,
  settle,
  singleUpsertSql,
  table,
  verdict,
  type BenchRuntime,
} from './common';

export interface IngestConfig {
  events: number;
  contacts: number;
  keys: number;
  concurrency: number;
  warmup: number;
  pgbenchSeconds: number;
  pgbenchClients: number;
  pgbenchRows: number;
  /** Rounds of (hook doAction, pgbench) back to back; the target is their median ratio. */
  rounds: number;
}

export function ingestConfig(env: NodeJS.ProcessEnv = process.env): IngestConfig {
  return {
    events: Number(env.BENCH_TP_EVENTS ?? 20_000),
    contacts: 1_000,
    keys: 10,
    concurrency: 32,
    warmup: 1_000,
    pgbenchSeconds: Number(env.BENCH_TP_PGBENCH_SECONDS ?? 15),
    pgbenchClients: 8,
    pgbenchRows: 100,
    rounds: Number(env.BENCH_TP_ROUNDS ?? 3),
  };
}

/** The contender the issue's target names: the hook entrance, fire and forget. */
const TARGET_ID = 'hook-doAction';

export interface Ev {
  subscriberId: number;
  eventKey: string;
  title: string;
  value: string;
}

/**
 * Event i: contact i mod contacts, key (i div contacts) mod keys. With 20,000 events, 1,000 contacts and
 * 10 keys: 10,000 distinct rows, each tracked twice (half inserts, half counter updates), and
 * consecutive events hit different rows.
 */
export function makeEvents(ids: readonly number[], keys: number, count: number, keyPrefix: string): Ev[] {
  const out: Ev[] = [];
  for (let i = 0; i < count; i++) {
    const k = Math.floor(i / ids.length) % keys;
    out.push({ subscriberId: ids[i % ids.length], eventKey: `${keyPrefix}_${k}`, title: `Event ${k}`, value: `v-${i}` });
  }
  return out;
}

export const hookData = (e: Ev): TrackEventData => ({
  event_key: e.eventKey,
  title: e.title,
  value: e.value,
  subscriber_id: e.subscriberId,
});

/** An order as a shop would send it: ~10 properties, every field decided by `i`. */
export function objectValue(i: number): Record<string, unknown> {
  return {
    order: { id: `A${i}`, total: (i * 7919) % 1000, currency: 'EUR' },
    items: [{ sku: `SKU-${i % 50}`, qty: 1 + (i % 3) }],
    coupon: ['SPRING', 'SUMMER', '', 'VIP10'][i % 4],
    paid: i % 5 !== 0,
    channel: ['web', 'app', 'pos'][i % 3],
  };
}

export interface IngestResult {
  id: string;
  label: string;
  eventsPerSec: number;
  p50?: number;
  p99?: number;
  rssMiB?: number;
  check: string;
}

interface Contender {
  id: string;
  label: string;
  /** Runs warm-up then the timed events; returns elapsed ms and per-call latencies if any. */
  run(b: BenchRuntime, warm: Ev[], timed: Ev[]): Promise<{ ms: number; lat?: Float64Array }>;
  /** Extra verification text after the run. */
  check?(b: BenchRuntime, timed: Ev[], state: Record<string, number>): Promise<string>;
}

async function timeIt(fn: () => Promise<Float64Array | void>): Promise<{ ms: number; lat?: Float64Array }> {
  const t0 = performance.now();
  const lat = await fn();
  return { ms: performance.now() - t0, ...(lat ? { lat } : {}) };
}

function contenders(cfg: IngestConfig, state: Record<string, number>): Contender[] {
  const countDone = (b: BenchRuntime) => {
    state.done = 0;
    b.rt.hooks.addAction(HOOKS.TRACK_EVENT_ACTIVITY_DONE, 'bench/count-done', () => {
      state.done += 1;
    });
  };
  return [
    {
      id: 'hook-doAction',
      label: 'hook doAction ×N, then drain()',
      async run(b, warm, timed) {
        for (const e of warm) b.rt.hooks.doAction(HOOKS.TRACK_EVENT_ACTIVITY, hookData(e), true);
        await b.rt.drain();
        countDone(b);
        const payloads = timed.map(hookData);
        return timeIt(async () => {
          for (const d of payloads) b.rt.hooks.doAction(HOOKS.TRACK_EVENT_ACTIVITY, d, true);
          await b.rt.drain();
        });
      },
    },
    {
      id: 'hook-doActionAsync',
      label: `hook doActionAsync, C=${cfg.concurrency}`,
      async run(b, warm, timed) {
        await runLoops(warm.map(hookData), cfg.concurrency, (d) => b.rt.hooks.doActionAsync(HOOKS.TRACK_EVENT_ACTIVITY, d, true));
        await b.rt.drain();
        countDone(b);
        const payloads = timed.map(hookData);
        return timeIt(() => runLoops(payloads, cfg.concurrency, (d) => b.rt.hooks.doActionAsync(HOOKS.TRACK_EVENT_ACTIVITY, d, true)));
      },
    },
    {
      // Issue 16: the same events with objects of ~10 properties as values (stored as text and as
      // jsonb); compared with hook-doActionAsync's string values below (target: within 10 %).
      id: 'hook-doActionAsync-objects',
      label: `hook doActionAsync, C=${cfg.concurrency}, object values (~10 properties)`,
      async run(b, warm, timed) {
        const objects = (e: Ev, i: number): TrackEventData => ({ ...hookData(e), value: objectValue(i) as unknown as string });
        await runLoops(warm.map(objects), cfg.concurrency, (d) => b.rt.hooks.doActionAsync(HOOKS.TRACK_EVENT_ACTIVITY, d, true));
        await b.rt.drain();
        countDone(b);
        const payloads = timed.map(objects);
        return timeIt(() => runLoops(payloads, cfg.concurrency, (d) => b.rt.hooks.doActionAsync(HOOKS.TRACK_EVENT_ACTIVITY, d, true)));
      },
    },
    {
      id: 'api-trackMany',
      label: "api('event_tracker').trackMany, 1,000-item batches, 2 in flight",
      // The batch entrance (also REST POST track-events): the same checks, contact resolution,
      // history, outbox and done actions as the hook, with one call per 1,000 events.
      async run(b, warm, timed) {
        const api = b.rt.api('event_tracker');
        const chunks = (events: Ev[]) => Array.from({ length: Math.ceil(events.length / 1000) }, (_, i) => events.slice(i * 1000, (i + 1) * 1000).map(hookData));
        await runLoops(chunks(warm), 2, (batch) => api.trackMany(batch, true));
        await b.rt.drain();
        countDone(b);
        const batches = chunks(timed);
        return timeIt(async () => {
          await runLoops(batches, 2, (batch) => api.trackMany(batch, true));
          await b.rt.drain();
        });
      },
    },
    {
      id: 'writer-alone',
      label: "the runtime's write statement alone: EventWriter, 1,000-item batches, 2 in flight",
      // No hooks, input checks, contact lookups or done-action dispatch: what the database side of the
      // hook path sustains with the same rows written (counter, occurrence, outbox). Outbox rows are
      // claimed for 10 minutes so the runtime's poller leaves them alone during the run.
      async run(b, warm, timed) {
        const writer = new EventWriter(sqlRunner(b.rt.dataSource, true), tableNames(b.schema), 600_000);
        const item = (e: Ev): EventWrite => ({
          subscriberId: String(e.subscriberId), createdBy: 0, provider: 'custom', eventKey: e.eventKey, title: e.title,
          value: e.value, occurredAt: null, idempotencyKey: null, fireDone: true,
        });
        const chunks = (events: Ev[]) => Array.from({ length: Math.ceil(events.length / 1000) }, (_, i) => events.slice(i * 1000, (i + 1) * 1000).map(item));
        await runLoops(chunks(warm), 2, (batch) => writer.write(batch));
        const batches = chunks(timed);
        return timeIt(async () => {
          await runLoops(batches, 2, (batch) => writer.write(batch));
        });
      },
    },
    {
      id: 'pg-single-upsert',
      label: `pg single-row upsert, C=${cfg.concurrency} (pool ${POOL_SIZE})`,
      async run(b, warm, timed) {
        const pool = new Pool({ connectionString: DB_URL, max: POOL_SIZE });
        try {
          const sql = singleUpsertSql(b.events);
          const params = (e: Ev) => [e.subscriberId, 0, 'custom', e.eventKey, e.title, e.value];
          await runLoops(warm.map(params), cfg.concurrency, (p) => pool.query(sql, p));
          const ps = timed.map(params);
          return await timeIt(() => runLoops(ps, cfg.concurrency, (p) => pool.query(sql, p)));
        } finally {
          await pool.end();
        }
      },
    },
    {
      id: 'typeorm-find-save',
      label: `TypeORM find-then-save (FluentCRM's path), C=${cfg.concurrency}`,
      async run(b, warm, timed) {
        const subs = b.rt.dataSource.getRepository(Subscriber);
        const repo = b.rt.dataSource.getRepository(TrackedEvent);
        state.typeormErrors = 0;
        // FluentCRM: find the contact, find the event by (subscriber, key, title), then save it with
        // counter + 1 or insert a new one. Three round trips (save adds its own SELECT + transaction).
        const track = async (e: Ev) => {
          try {
            const contact = await subs.findOneBy({ id: String(e.subscriberId) });
            if (!contact) throw new Error(`no contact ${e.subscriberId}`);
            const existing = await repo.findOne({ where: { subscriber_id: contact.id, event_key: e.eventKey, title: e.title } });
            if (existing) {
              existing.counter += 1;
              existing.value = e.value;
              existing.updated_at = new Date();
              await repo.save(existing);
            } else {
              await repo.save(repo.create({ subscriber_id: contact.id, counter: 1, created_by: '0', provider: 'custom', event_key: e.eventKey, title: e.title, value: e.value }));
            }
          } catch {
            state.typeormErrors += 1;
          }
        };
        await runLoops(warm, cfg.concurrency, track);
        return timeIt(() => runLoops(timed, cfg.concurrency, track));
      },
      async check() {
        return `${state.typeormErrors} failed calls (lost races on insert)`;
      },
    },
  ];
}

/** Rows and counter sum of the timed keys; for the hooks also occurrences and done actions fired. */
async function verify(b: BenchRuntime, timed: Ev[], keyPrefix: string, hook: boolean, state: Record<string, number>): Promise<string> {
  const [{ rows, sum }] = await b.query<{ rows: string; sum: string }>(
    `SELECT count(*) AS rows, coalesce(sum(counter), 0) AS sum FROM ${b.events} WHERE event_key LIKE $1`,
    [`${keyPrefix}_%`],
  );
  const distinct = new Set(timed.map((e) => `${e.subscriberId}/${e.eventKey}`)).size;
  let text = `${rows}/${distinct} rows, counter sum ${sum}/${timed.length}`;
  if (hook) {
    const [{ n }] = await b.query<{ n: string }>(
      `SELECT count(*) AS n FROM ${b.occurrences} o JOIN ${b.events} e ON e.id = o.event_id WHERE e.event_key LIKE $1`,
      [`${keyPrefix}_%`],
    );
    text += `, ${n} occurrences, ${state.done} done actions fired`;
    if (b.logger.errors.length > 0) text += `, ${b.logger.errors.length} logged errors (${b.logger.errors[0].message})`;
  }
  return text;
}

/** pgbench: 100-row multi-row upserts (distinct rows per statement) at 8 clients. */
async function runPgbench(cfg: IngestConfig, b: BenchRuntime, ids: number[]): Promise<{ tps: number; latencyMs: number; raw: string }> {
  const minId = ids[0];
  if (ids[ids.length - 1] - minId + 1 !== ids.length) throw new Error('contact ids are not contiguous');
  const blocks = Math.floor(ids.length / cfg.pgbenchRows);
  const keys = 100; // 10 blocks × 100 keys: 1,000 distinct statements' row sets, few lock collisions between clients
  const values = Array.from(
    { length: cfg.pgbenchRows },
    (_, j) => `(:b * ${cfg.pgbenchRows} + ${minId + j}, 1, 0, 'custom', 'pgb_key_' || :k, 'Event ' || :k, 'pgbench-' || :k)`,
  ).join(',\n');
  const script = `\\set b random(0, ${blocks - 1})
\\set k random(0, ${keys - 1})
INSERT INTO ${b.events} AS e (subscriber_id, counter, created_by, provider, event_key, title, value) VALUES
${values}
ON CONFLICT (subscriber_id, lower(event_key), lower(title)) DO UPDATE SET counter = e.counter + 1, value = EXCLUDED.value, updated_at = now();
`;
  const file = join(os.tmpdir(), `bench-tp-pgbench-${process.pid}.sql`);
  writeFileSync(file, script);
  const url = new URL(DB_URL);
  const args = [
    '-h', url.hostname, '-p', url.port || '5432', '-U', decodeURIComponent(url.username || 'postgres'),
    '-n', '-c', String(cfg.pgbenchClients), '-j', '2', '-T', String(cfg.pgbenchSeconds), '-f', file,
    url.pathname.slice(1) || 'postgres', // the database name (pgbench's -d is --debug)
  ];
  const raw = await new Promise<string>((resolve, reject) => {
    execFile('/usr/bin/pgbench', args, { timeout: (cfg.pgbenchSeconds + 60) * 1000, maxBuffer: 16 * 2 ** 20, env: { ...process.env, PGPASSWORD: decodeURIComponent(url.password) } }, (error, stdout, stderr) => {
      if (error) reject(new Error(`pgbench failed: ${error.message}\n${stderr}`));
      else resolve(stdout + stderr);
    });
  });
  const tps = Number(/tps = ([\d.]+)/.exec(raw)?.[1]);
  const latencyMs = Number(/latency average = ([\d.]+) ms/.exec(raw)?.[1]);
  const failed = /number of failed transactions: (\d+)/.exec(raw)?.[1];
  if (failed && failed !== '0') console.log(`  pgbench: ${failed} failed transactions`);
  return { tps, latencyMs, raw };
}

/** One contender in its own fresh schema, right after a checkpoint: its rate, latencies, RSS and check. */
async function runContender(c: Contender, cfg: IngestConfig, state: Record<string, number>): Promise<IngestResult> {
  const b = await openRuntime(c.id.replace(/-/g, '_'));
  try {
    const ids = await seedContactsSql(b, cfg.contacts);
    await b.query(`ANALYZE ${b.subscribers}`);
    const warm = makeEvents(ids, cfg.keys, cfg.warmup, 'warm_key');
    const timed = makeEvents(ids, cfg.keys, cfg.events, 'bench_key');
    // Every contender starts right after a checkpoint, so none pays (or skips) one mid-run by chance.
    await b.query('CHECKPOINT').catch(() => undefined);
    await settle(500);
    const rss = rssSampler();
    const { ms, lat } = await c.run(b, warm, timed);
    const rssMiB = rss.stop();
    await b.rt.drain();
    const hook = c.id.startsWith('hook') || c.id.startsWith('api');
    let check = await verify(b, timed, 'bench_key', hook, state);
    if (c.check) check += `; ${await c.check(b, timed, state)}`;
    return { id: c.id, label: c.label, eventsPerSec: (cfg.events / ms) * 1000, p50: pct(lat, 50), p99: pct(lat, 99), rssMiB, check };
  } finally {
    await b.close();
  }
}

/** The multi-row limit: pgbench on the same table shape (fresh schema, same contacts), after a checkpoint. */
async function measureLimit(cfg: IngestConfig): Promise<{ limit: number; tps: number; latencyMs: number }> {
  const b = await openRuntime('pgbench');
  try {
    const ids = await seedContactsSql(b, cfg.contacts);
    await b.query(`ANALYZE ${b.subscribers}`);
    await b.query('CHECKPOINT').catch(() => undefined);
    await settle(500);
    const run = await runPgbench(cfg, b, ids);
    return { limit: run.tps * cfg.pgbenchRows, tps: run.tps, latencyMs: run.latencyMs };
  } finally {
    await b.close();
  }
}

const logLine = (r: IngestResult) =>
  `  ${r.label}: ${fmtInt(r.eventsPerSec)} events/s, p50 ${fmtMs(r.p50)} ms, p99 ${fmtMs(r.p99)} ms, peak RSS ${r.rssMiB?.toFixed(0)} MiB — ${r.check}`;

export async function benchIngest(log: (line: string) => void): Promise<{ markdown: string; results: IngestResult[]; limit: number }> {
  const cfg = ingestConfig();
  const state: Record<string, number> = {};
  const results: IngestResult[] = [];
  log(`\n## 1. Ingest: ${fmtInt(cfg.events)} events (${cfg.contacts} contacts × ${cfg.keys} keys: each row tracked ${cfg.events / (cfg.contacts * cfg.keys)}×), warm-up ${cfg.warmup}`);
  // BENCH_TP_CONTENDERS=hook-doActionAsync,writer-alone runs only those once (the target rounds always run).
  const picked = process.env.BENCH_TP_CONTENDERS?.split(',').map((id) => id.trim());
  const all = contenders(cfg, state);
  for (const c of all.filter((c) => c.id !== TARGET_ID && (!picked || picked.includes(c.id)))) {
    const r = await runContender(c, cfg, state);
    results.push(r);
    log(logLine(r));
  }

  // The target's two sides, back to back in each round: this shared box drifts by 20-30 % over tens of
  // seconds, so a hook run and a limit measured a minute apart can disagree by that much on their own.
  const target = all.find((c) => c.id === TARGET_ID)!;
  const rounds: Array<{ hook: IngestResult; limit: number; tps: number; latencyMs: number }> = [];
  for (let round = 1; round <= cfg.rounds; round += 1) {
    const hook = await runContender(target, cfg, state);
    const limit = await measureLimit(cfg);
    rounds.push({ hook, ...limit });
    log(`  round ${round}: ${logLine(hook).trim()}; pgbench ${fmtInt(limit.limit)} rows/s (${limit.tps.toFixed(1)} tps, avg statement latency ${limit.latencyMs} ms) → ${(hook.eventsPerSec / limit.limit).toFixed(2)}×`);
  }
  const limit = median(rounds.map((r) => r.limit));
  const ratios = rounds.map((r) => r.hook.eventsPerSec / r.limit);
  const hookRates = rounds.map((r) => r.hook.eventsPerSec);
  results.unshift({
    ...rounds[0].hook,
    eventsPerSec: median(hookRates),
    rssMiB: Math.max(...rounds.map((r) => r.hook.rssMiB ?? 0)),
    check: `median of ${cfg.rounds} rounds (${hookRates.map(fmtInt).join(', ')}); each: ${rounds[0].hook.check}`,
  });
  results.push({
    id: 'pgbench-multirow',
    label: `pgbench ${cfg.pgbenchRows}-row multi-row upsert, ${cfg.pgbenchClients} clients (-j 2, -T ${cfg.pgbenchSeconds})`,
    eventsPerSec: limit,
    check: `median of ${cfg.rounds} rounds (${rounds.map((r) => `${r.tps.toFixed(1)} tps`).join(', ')}); avg statement latency ${rounds.map((r) => `${r.latencyMs} ms`).join(', ')}`,
  });

  const rows = results.map((r) => [
    r.label,
    fmtInt(r.eventsPerSec),
    (r.eventsPerSec / limit).toFixed(2),
    fmtMs(r.p50),
    fmtMs(r.p99),
    r.rssMiB === undefined ? '–' : r.rssMiB.toFixed(0),
    r.check,
  ]);
  const targetRatio = median(ratios);
  const targets = [
    `- ${target.label}: ${targetRatio.toFixed(2)}× the multi-row limit, median of ${cfg.rounds} rounds each run back to back with its own pgbench (${ratios.map((x) => `${x.toFixed(2)}×`).join(', ')}; target ≥ 0.50) — **${verdict(targetRatio >= 0.5)}**`,
    ...results
      .filter((r) => r.id.startsWith('hook') && r.id !== TARGET_ID)
      .map((r) => `- ${r.label}: ${(r.eventsPerSec / limit).toFixed(2)}× the multi-row limit (target ≥ 0.50) — **${verdict(r.eventsPerSec / limit >= 0.5)}**`),
  ];
  const single = results.find((r) => r.id === 'pg-single-upsert');
  const hookA = results.find((r) => r.id === 'hook-doActionAsync');
  const batchApi = results.find((r) => r.id === 'api-trackMany');
  const writer = results.find((r) => r.id === 'writer-alone');
  const objects = results.find((r) => r.id === 'hook-doActionAsync-objects');
  const extra = [
    single && hookA ? `- hook doActionAsync vs pg single-row upsert at the same concurrency: ${(hookA.eventsPerSec / single.eventsPerSec).toFixed(2)}×` : '',
    batchApi ? `- the batch API (not the hook entrance the target names): ${(batchApi.eventsPerSec / limit).toFixed(2)}× the multi-row limit` : '',
    objects && hookA ? `- object values vs string values, hook doActionAsync: ${(objects.eventsPerSec / hookA.eventsPerSec).toFixed(2)}× (target ≥ 0.90)` : '',
    writer ? `- the write statement alone (the database side of every entrance): ${(writer.eventsPerSec / limit).toFixed(2)}× the multi-row limit` : '',
  ].filter(Boolean).join('\n');
  const markdown = [
    `### 1. Ingest (${fmtInt(cfg.events)} events per entrance; ${cfg.contacts} contacts × ${cfg.keys} keys, every row tracked twice; fresh schema each)`,
    '',
    table(['entrance', 'events/s', '× limit', 'p50 ms', 'p99 ms', 'peak RSS MiB', 'check'], rows),
    '',
    ...targets,
    extra,
  ].join('\n');
  for (const t of targets) log(t.replace(/\*\*/g, ''));
  if (extra) log(extra);
  return { markdown, results, limit };
}
