/**
 * Benchmark 3: GET /subscribers/{id}/tracking-events on a contact with 100,000 rows, page 1 and a deep
 * page, many sequential requests over HTTP (keep-alive) from a child process to the real server in this one.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { CredentialStore } from '../../src/auth/credentialStore';
import { tableNames } from '../../src/db/tableNames';
import { buildServer } from '../../src/rest/buildServer';
import { eventSql } from '../../src/tracking/eventStore';
import { fmtMs, openRuntime, pct, seedContactsSql, settle, table, verdict } from './common';

const ROWS = 100_000;
const PER_PAGE = 15;
/**
 * Warm-up: this many requests for each page before any is timed, then WARM_UP more right before its
 * own timed run. The server needed ~8,000–10,000 requests here to reach steady state (its CPU per
 * request 1,080 → 740 → 550 → 550 → 415 → 400 µs over six runs of 2,200), and a page it had not
 * seen yet cost more again at first; a server answers millions of mixed pages, so the steady state
 * is what the target is about.
 */
const WARM_UP_EACH = Number(process.env.BENCH_TP_GET_WARMUP ?? 4000);
const WARM_UP = 200;

interface ClientAnswer {
  status: number;
  body: string;
  latencies: number[];
}

/** Runs the requests from getClient.js in a child process (see there) and returns its answer. */
function runClient(port: number, path: string, auth: string, warmUp: number, requests: number): Promise<ClientAnswer> {
  const arg = JSON.stringify({ port, path, auth, warmUp, requests });
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [join(__dirname, 'getClient.js'), arg], { timeout: 300_000, maxBuffer: 2 ** 24 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`GET client failed: ${error.message} ${stderr}`));
      else resolve(JSON.parse(stdout) as ClientAnswer);
    });
  });
}

export async function benchGet(log: (line: string) => void): Promise<string> {
  const requests = Number(process.env.BENCH_TP_GET_REQUESTS ?? 2000);
  log(`\n## 3. GET tracking-events on a contact with ${ROWS.toLocaleString('en-US')} rows: ${requests} sequential requests per page`);
  const b = await openRuntime('get');
  try {
    const [id] = await seedContactsSql(b, 1);
    await b.query(
      `INSERT INTO ${b.events} (subscriber_id, counter, created_by, provider, event_key, title, value, created_at, updated_at)
       SELECT $1, 1 + g % 20, 0, 'custom', 'key_' || (g % 50), 'Title ' || g, 'value ' || g,
              now() - make_interval(secs => g), now() - make_interval(secs => g)
       FROM generate_series(1, $2::int) g`,
      [id, ROWS],
    );
    await b.query(`VACUUM ANALYZE ${b.events}`);
    // Like every ingest contender, start right after a checkpoint: the seed's and the earlier
    // benchmarks' dirty pages are written now, not by the checkpointer mid-run.
    await b.query('CHECKPOINT').catch(() => undefined);
    const credentials = new CredentialStore(b.rt.dataSource, b.schema);
    const created = await credentials.create({ name: 'bench-reader', capabilities: ['fcrm_read_contacts'] });
    const auth = `Basic ${Buffer.from(`${created.name}:${created.password}`).toString('base64')}`;
    const app = await buildServer({ runtime: b.rt, credentials, logger: false });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const lastPage = Math.ceil(ROWS / PER_PAGE);
    const pages = [1, 5000, lastPage];
    const results: Array<{ page: number; p50?: number; p99?: number; max?: number; cpu: number; check: string }> = [];
    try {
      const pathOf = (page: number) => `/wp-json/fluent-crm/v2/subscribers/${id}/tracking-events?page=${page}&per_page=${PER_PAGE}`;
      await settle(300);
      for (const page of pages) await runClient(port, pathOf(page), auth, WARM_UP_EACH, 0);
      for (const page of pages) {
        const path = pathOf(page);
        await settle(300, false); // no forced collection between the warm-up and the timed runs (see settle)
        const cpuBefore = process.cpuUsage();
        const answer = await runClient(port, path, auth, WARM_UP, requests);
        const cpuUsed = process.cpuUsage(cpuBefore);
        // This process's CPU (server, runtime, GC threads) per request, its warm-ups included.
        const cpu = (cpuUsed.user + cpuUsed.system) / (1 + WARM_UP + requests);
        if (answer.status !== 200) throw new Error(`GET ${path}: ${answer.status} ${answer.body.slice(0, 200)}`);
        const parsed = JSON.parse(answer.body) as { events: { data: unknown[]; total: number } };
        const check = `${parsed.events.data.length} rows, total ${parsed.events.total}`;
        const lat = Float64Array.from(answer.latencies);
        const r = { page, p50: pct(lat, 50), p99: pct(lat, 99), max: pct(lat, 100), cpu, check };
        results.push(r);
        log(`  page ${page} (per_page ${PER_PAGE}): p50 ${fmtMs(r.p50)} ms, p99 ${fmtMs(r.p99)} ms, max ${fmtMs(r.max)} ms, server CPU ${Math.round(cpu)} µs/request — ${check}`);
      }
    } finally {
      await app.close();
      await credentials.idle();
    }

    // Where the time goes: the store's statements (src/tracking/eventStore.ts), timed by PostgreSQL.
    const explain = async (sql: string, params: unknown[]) => {
      const rows = await b.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, params);
      const text = rows.map((r) => r['QUERY PLAN']);
      return { time: /Execution Time: ([\d.]+)/.exec(text.join('\n'))?.[1] ?? '?', top: text[0].trim() };
    };
    const sql = eventSql(tableNames(b.schema));
    const deep = (5000 - 1) * PER_PAGE;
    const plans = [
      { label: 'page 1: totals row + seq range of fc_event_ranks (what each request runs)', ...(await explain(sql.rankedPage, [id, PER_PAGE, 0])) },
      { label: `page 5000: the same query, offset ${deep}`, ...(await explain(sql.rankedPage, [id, PER_PAGE, deep])) },
      { label: `for comparison, the counted fallback's OFFSET ${deep} page`, ...(await explain(sql.page, [id, PER_PAGE, deep])) },
      { label: "for comparison, the counted fallback's count(*) (every page)", ...(await explain(sql.count, [id])) },
    ];
    for (const p of plans) log(`  EXPLAIN ANALYZE ${p.label}: ${p.time} ms (${p.top})`);

    const rows = results.map((r) => [
      r.page === 1 ? 'page 1' : r.page === lastPage ? `page ${r.page} (last)` : `page ${r.page} (deep)`,
      fmtMs(r.p50),
      fmtMs(r.p99),
      fmtMs(r.max),
      Math.round(r.cpu),
      r.check,
      `**${verdict((r.p99 ?? Infinity) < 5)}**`,
    ]);
    return [
      `### 3. \`GET /subscribers/{id}/tracking-events\` on one contact with ${ROWS.toLocaleString('en-US')} rows (${requests} sequential requests per page on one keep-alive connection from a client in a child process, after ${WARM_UP_EACH.toLocaleString('en-US')} warm-up requests of every page and ${WARM_UP} more before each page's timed run, per_page ${PER_PAGE})`,
      '',
      table(['page', 'p50 ms', 'p99 ms', 'max ms', 'server CPU µs/request (incl. warm-ups)', 'answer', 'p99 < 5 ms'], rows),
      '',
      'PostgreSQL time of the page statement each request runs, and of the counted fallback it replaced (EXPLAIN ANALYZE, same data; the same statement checks that the contact exists):',
      '',
      ...plans.map((p) => `- ${p.label}: ${p.time} ms — \`${p.top}\``),
    ].join('\n');
  } finally {
    await b.close();
  }
}
