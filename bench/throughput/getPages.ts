/**
 * Benchmark 3: GET /subscribers/{id}/tracking-events on a contact with 100,000 rows, page 1 and a deep
 * page, many sequential requests over HTTP (keep-alive) to the real server in this process.
 */
import http from 'node:http';
import { CredentialStore } from '../../src/auth/credentialStore';
import { buildServer } from '../../src/rest/buildServer';
import { fmtMs, openRuntime, pct, seedContactsSql, table, verdict } from './common';

const ROWS = 100_000;
const PER_PAGE = 15;

function get(agent: http.Agent, port: number, path: string, auth: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, agent, headers: { authorization: auth } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end();
  });
}

export async function benchGet(log: (line: string) => void): Promise<string> {
  const requests = Number(process.env.BENCH_TP_GET_REQUESTS ?? 500);
  log(`\n## 3. GET tracking-events on a contact with ${ROWS.toLocaleString('en-US')} rows: ${requests} sequential requests per page`);
  const b = await openRuntime('get');
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
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
    const credentials = new CredentialStore(b.rt.dataSource, b.schema);
    const created = await credentials.create({ name: 'bench-reader', capabilities: ['fcrm_read_contacts'] });
    const auth = `Basic ${Buffer.from(`${created.name}:${created.password}`).toString('base64')}`;
    const app = await buildServer({ runtime: b.rt, credentials, logger: false });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const lastPage = Math.ceil(ROWS / PER_PAGE);
    const pages = [1, 5000, lastPage];
    const results: Array<{ page: number; p50?: number; p99?: number; max?: number; check: string }> = [];
    try {
      for (const page of pages) {
        const path = `/wp-json/fluent-crm/v2/subscribers/${id}/tracking-events?page=${page}&per_page=${PER_PAGE}`;
        const first = await get(agent, port, path, auth);
        if (first.status !== 200) throw new Error(`GET ${path}: ${first.status} ${first.body.slice(0, 200)}`);
        const parsed = JSON.parse(first.body) as { events: { data: unknown[]; total: number } };
        const check = `${parsed.events.data.length} rows, total ${parsed.events.total}`;
        for (let i = 0; i < 20; i++) await get(agent, port, path, auth); // warm-up
        const lat = new Float64Array(requests);
        for (let i = 0; i < requests; i++) {
          const t0 = performance.now();
          const res = await get(agent, port, path, auth);
          lat[i] = performance.now() - t0;
          if (res.status !== 200) throw new Error(`GET ${path}: ${res.status}`);
        }
        const r = { page, p50: pct(lat, 50), p99: pct(lat, 99), max: pct(lat, 100), check };
        results.push(r);
        log(`  page ${page} (per_page ${PER_PAGE}): p50 ${fmtMs(r.p50)} ms, p99 ${fmtMs(r.p99)} ms, max ${fmtMs(r.max)} ms — ${check}`);
      }
    } finally {
      await app.close();
      await credentials.idle();
    }

    // Where the time goes: the runtime's two queries (src/tracking/eventStore.ts), timed by PostgreSQL.
    const explain = async (sql: string, params: unknown[]) => {
      const rows = await b.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, params);
      const text = rows.map((r) => r['QUERY PLAN']);
      return { time: /Execution Time: ([\d.]+)/.exec(text.join('\n'))?.[1] ?? '?', top: text[0].trim() };
    };
    const plans = [
      { label: 'page 1 rows: ORDER BY id DESC LIMIT 15 OFFSET 0', ...(await explain(`SELECT * FROM ${b.events} WHERE subscriber_id = $1 ORDER BY id DESC LIMIT 15 OFFSET 0`, [id])) },
      { label: 'page 5000 rows: ORDER BY id DESC LIMIT 15 OFFSET 74985', ...(await explain(`SELECT * FROM ${b.events} WHERE subscriber_id = $1 ORDER BY id DESC LIMIT 15 OFFSET 74985`, [id])) },
      { label: 'total: count(*) WHERE subscriber_id = $1 (every page)', ...(await explain(`SELECT count(*) AS total FROM ${b.events} WHERE subscriber_id = $1`, [id])) },
    ];
    for (const p of plans) log(`  EXPLAIN ANALYZE ${p.label}: ${p.time} ms (${p.top})`);

    const rows = results.map((r) => [
      r.page === 1 ? 'page 1' : r.page === lastPage ? `page ${r.page} (last)` : `page ${r.page} (deep)`,
      fmtMs(r.p50),
      fmtMs(r.p99),
      fmtMs(r.max),
      r.check,
      `**${verdict((r.p99 ?? Infinity) < 5)}**`,
    ]);
    return [
      `### 3. \`GET /subscribers/{id}/tracking-events\` on one contact with ${ROWS.toLocaleString('en-US')} rows (${requests} sequential keep-alive HTTP requests per page after 20 warm-ups, per_page ${PER_PAGE})`,
      '',
      table(['page', 'p50 ms', 'p99 ms', 'max ms', 'answer', 'p99 < 5 ms'], rows),
      '',
      'PostgreSQL time of the two queries each request runs (EXPLAIN ANALYZE, same data):',
      '',
      ...plans.map((p) => `- ${p.label}: ${p.time} ms — \`${p.top}\``),
    ].join('\n');
  } finally {
    agent.destroy();
    await b.close();
  }
}
