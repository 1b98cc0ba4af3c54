/**
 * Benchmark 2: POST /wp-json/fluent-crm/v2/subscribers/track-event through the real server
 * (buildServer, Basic auth with a CredentialStore credential) vs a bare Fastify route doing one pg
 * upsert, both loaded by autocannon (in a child process) at 32 connections, in the same run.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { Pool } from 'pg';
import { CredentialStore } from '../../src/auth/credentialStore';
import { buildServer } from '../../src/rest/buildServer';
import { DB_URL, POOL_SIZE, fmtInt, fmtMs, openRuntime, rssSampler, seedContactsSql, settle, singleUpsertSql, table, verdict } from './common';

interface LoadResult {
  requestsPerSec: number;
  total: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodeStats: Record<string, { count: number }>;
}

const CONNECTIONS = 32;
const CONTACTS = 1_000;

function load(url: string, duration: number, auth: string | null): Promise<LoadResult> {
  const arg = JSON.stringify({ url, connections: CONNECTIONS, duration, auth, contacts: CONTACTS });
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [join(__dirname, 'loadClient.js'), arg], { timeout: (duration + 60) * 1000, maxBuffer: 2 ** 20 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`load client failed: ${error.message}\n${stderr}`));
      else resolve(JSON.parse(stdout) as LoadResult);
    });
  });
}

async function measure(app: FastifyInstance, path: string, auth: string | null, seconds: number): Promise<LoadResult & { rssMiB: number }> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (!address || typeof address !== 'object') throw new Error('no address');
  const url = `http://127.0.0.1:${address.port}${path}`;
  await load(url, 2, auth); // warm-up: JIT, pool connections, caches
  await settle(200);
  const rss = rssSampler();
  const result = await load(url, seconds, auth);
  return { ...result, rssMiB: rss.stop() };
}

export async function benchRest(log: (line: string) => void): Promise<string> {
  const seconds = Number(process.env.BENCH_TP_REST_SECONDS ?? 10);
  log(`\n## 2. REST POST track-event vs bare Fastify + pg upsert: autocannon, ${CONNECTIONS} connections, ${seconds} s each (after 2 s warm-up)`);
  const b = await openRuntime('rest');
  const pool = new Pool({ connectionString: DB_URL, max: POOL_SIZE });
  try {
    const ids = await seedContactsSql(b, CONTACTS);
    await b.query(`ANALYZE ${b.subscribers}`);
    const credentials = new CredentialStore(b.rt.dataSource, b.schema);
    const created = await credentials.create({ name: 'bench', capabilities: ['fcrm_manage_contacts'] });
    const auth = `Basic ${Buffer.from(`${created.name}:${created.password}`).toString('base64')}`;

    // The real server: logger false (logs nothing), like the bare route below.
    const app = await buildServer({ runtime: b.rt, credentials, logger: false });
    let rest: LoadResult & { rssMiB: number };
    try {
      rest = await measure(app, '/wp-json/fluent-crm/v2/subscribers/track-event', auth, seconds);
    } finally {
      await app.close();
      await b.rt.drain();
      await credentials.idle();
    }
    log(`  REST track-event: ${fmtInt(rest.requestsPerSec)} req/s, p50 ${rest.p50} ms, p99 ${rest.p99} ms, non-2xx ${rest.non2xx}, errors ${rest.errors}, peak RSS ${rest.rssMiB.toFixed(0)} MiB`);

    // The bare route: the same body, contact id from an in-memory map, one pg upsert, same answer shape.
    const byEmail = new Map(ids.map((id, i) => [`bench-${i}@example.com`, id]));
    const sql = singleUpsertSql(b.events);
    const bare = Fastify({ logger: false });
    bare.post<{ Body: Record<string, string> }>('/track-event', async (request, reply) => {
      const body = request.body;
      const id = byEmail.get(String(body.email).toLowerCase());
      if (id === undefined) return reply.code(422).send({ message: 'no contact' });
      const { rows } = await pool.query(sql, [id, 0, body.provider ?? 'custom', body.event_key, body.title, body.value ?? '']);
      return { message: 'Event has been tracked', id: Number(rows[0].id) };
    });
    let baseline: LoadResult & { rssMiB: number };
    try {
      baseline = await measure(bare, '/track-event', null, seconds);
    } finally {
      await bare.close();
    }
    log(`  bare Fastify + pg upsert: ${fmtInt(baseline.requestsPerSec)} req/s, p50 ${baseline.p50} ms, p99 ${baseline.p99} ms, non-2xx ${baseline.non2xx}, errors ${baseline.errors}, peak RSS ${baseline.rssMiB.toFixed(0)} MiB`);

    const [{ sum }] = await b.query<{ sum: string }>(`SELECT coalesce(sum(counter), 0) AS sum FROM ${b.events}`);
    const ratio = rest.requestsPerSec / baseline.requestsPerSec;
    const target = `- REST / bare: ${ratio.toFixed(2)}× (target ≥ 0.70) — **${verdict(ratio >= 0.7)}**`;
    log(target.replace(/\*\*/g, ''));
    const row = (label: string, r: LoadResult & { rssMiB: number }) => [
      label,
      fmtInt(r.requestsPerSec),
      fmtInt(r.total),
      fmtMs(r.p50),
      fmtMs(r.p99),
      `${r.non2xx} / ${r.errors} / ${r.timeouts}`,
      r.rssMiB.toFixed(0),
    ];
    return [
      `### 2. REST \`POST /subscribers/track-event\` vs bare Fastify + one pg upsert (autocannon in a child process, ${CONNECTIONS} connections, ${seconds} s after a 2 s warm-up; both servers log nothing)`,
      '',
      table(['server', 'req/s', 'requests', 'p50 ms', 'p99 ms', 'non-2xx / errors / timeouts', 'server peak RSS MiB'], [
        row('REST track-event (buildServer, Basic auth, seed body, contact varies by e-mail)', rest),
        row('bare Fastify route, one pg upsert (same body)', baseline),
      ]),
      '',
      target,
      `- Rows' counter sum after both runs: ${sum} (requests answered 2xx incl. warm-ups are all counted)`,
    ].join('\n');
  } finally {
    await pool.end();
    await b.close();
  }
}
