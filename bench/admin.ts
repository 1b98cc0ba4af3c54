/**
 * `npm run bench:admin`: server time of the admin pages for a contact with 100,000 occurrences
 * (paged), among 10,000 contacts. Each page: 5 warm-up requests, then 30 timed ones over HTTP on
 * one signed-in session; the time is Fastify's reply.elapsedTime (request received → reply sent),
 * so the client and the network are not in it. See BENCHMARKS.md ("Admin page").
 */
import { CredentialStore } from '../src/auth/credentialStore';
import { capabilitiesFor } from '../src/auth/capabilities';
import { trendSql } from '../src/admin/queries/trendQuery';
import { tableNames } from '../src/db/tableNames';
import { buildServer } from '../src/rest/buildServer';
import { openBenchDatabase } from './benchDatabase';
import { chooseDatabase } from './database';
import { describeMachine, machineLine } from './machine';
import { recordingLogger } from './recordingLogger';
import { median } from './stats';

const CONTACTS = 10_000;
const HISTORY = 100_000;
const WARM = 5;
const RUNS = 30;

async function main(): Promise<void> {
  const choice = await chooseDatabase();
  const db = await openBenchDatabase(choice, 10, recordingLogger());
  try {
    console.log(`Machine: ${machineLine(describeMachine(db.serverVersion, db.synchronousCommit, choice.label))}`);
    const q = db.schema.replace(/"/g, '""');
    const occurrences = `"${q}"."fc_event_occurrences"`;
    await db.query(`INSERT INTO ${db.subscribers} (email) SELECT 'c' || g || '@example.com' FROM generate_series(1, ${CONTACTS}) g`);
    // Contact 1: 5 keys × 4 titles; everyone else: 5 rows of the same keys.
    await db.query(
      `INSERT INTO ${db.events} (subscriber_id, counter, event_key, title, value)
       SELECT 1, 0, 'key_' || k, 'Title ' || t, '{"order":{"id":' || k || ',"total":' || t || '}}' FROM generate_series(0, 4) k, generate_series(0, 3) t`,
    );
    await db.query(
      `INSERT INTO ${db.events} (subscriber_id, counter, event_key, title, value)
       SELECT s, 1, 'key_' || k, 'Title ' || (s % 4), 'v' FROM generate_series(2, ${CONTACTS}) s, generate_series(0, 4) k`,
    );
    await db.query(
      `INSERT INTO ${occurrences} (event_id, subscriber_id, counter, value, occurred_at)
       SELECT 1 + g % 20, 1, g, '{"page":"/p/' || (g % 50) || '","ms":' || (g % 900) || '}', now() - (g % 120) * interval '1 day' - (g % 3600) * interval '1 second'
         FROM generate_series(1, ${HISTORY}) g`,
    );
    await db.query(`UPDATE ${db.events} e SET counter = (SELECT count(*) FROM ${occurrences} o WHERE o.event_id = e.id) WHERE subscriber_id = 1`);
    await db.query(
      `INSERT INTO ${occurrences} (event_id, subscriber_id, counter, occurred_at)
       SELECT id, subscriber_id, 1, now() - (id % 90) * interval '1 day' FROM ${db.events} WHERE subscriber_id > 1`,
    );
    for (const table of [db.subscribers, db.events, occurrences]) await db.query(`VACUUM ANALYZE ${table}`);
    console.log(`Seeded ${CONTACTS.toLocaleString('en')} contacts; contact 1 has ${HISTORY.toLocaleString('en')} occurrences over 20 event rows\n`);

    if (process.env.BENCH_EXPLAIN === '1') {
      const trend = trendSql(tableNames(db.schema));
      for (const [name, sql, params] of [
        ['trend per day', trend.perDay, ['key_2', 'UTC', 90, new Date().toISOString()]],
        ['trend contacts', trend.contacts, ['key_2']],
        ['trend titles', trend.titles, ['key_2', 10]],
      ] as const) {
        const plan = await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, [...params]);
        console.log(`${name}:\n${plan.map((r) => r['QUERY PLAN']).join('\n')}\n`);
      }
    }
    const credentials = new CredentialStore(db.rt.dataSource, db.schema);
    const admin = await credentials.create({ name: 'bench', capabilities: capabilitiesFor('read') });
    const app = await buildServer({ runtime: db.rt, credentials });
    const times: number[] = [];
    app.addHook('onResponse', async (_request, reply) => {
      times.push(reply.elapsedTime);
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    const origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    try {
      const cookie = await signIn(origin, admin.name, admin.password);
      const get = async (path: string) => {
        const response = await fetch(`${origin}${path}`, { headers: { cookie } });
        const text = await response.text();
        if (response.status !== 200) throw new Error(`${path} answered ${response.status}`);
        return text;
      };
      // A cursor half-way down the history: the 50,001st occurrence's position.
      const [mid] = await db.query<{ c: string }>(
        `SELECT (extract(epoch FROM occurred_at) * 1000000)::bigint::text || '.' || id AS c FROM ${occurrences}
          WHERE subscriber_id = 1 ORDER BY occurred_at DESC, id DESC OFFSET 50000 LIMIT 1`,
      );
      const filter = encodeURIComponent(
        JSON.stringify([
          [{ source: ['event_tracking', 'event_tracking_key'], operator: 'in', value: ['key_1'] }],
          [{ source: ['event_tracking', 'event_tracking_title'], operator: '=', value: 'Title 2' }],
        ]),
      );
      const pages: Array<[string, string]> = [
        ['contacts, page 1', '/admin/contacts'],
        ['contacts, two-group segment', `/admin/contacts?advanced_filters=${filter}`],
        ['timeline, first page', '/admin/contacts/1'],
        ['timeline, 50,000 occurrences down', `/admin/contacts/1?before=${mid.c}`],
        ['timeline, one key', '/admin/contacts/1?key=key_3'],
        ['timeline, one key, deep', `/admin/contacts/1?key=key_3&before=${mid.c}`],
        ['trend, key on every contact, 30 days', '/admin/trends?key=key_2&days=30'],
        ['trend, key on every contact, 90 days', '/admin/trends?key=key_2&days=90'],
        ['automation runs', '/admin/runs'],
      ];
      const rows = ['| page | median (ms) | p95 (ms) | max (ms) | bytes |', '| --- | ---: | ---: | ---: | ---: |'];
      for (const [name, path] of pages) {
        for (let i = 0; i < WARM; i += 1) await get(path);
        times.length = 0;
        let bytes = 0;
        for (let i = 0; i < RUNS; i += 1) bytes = (await get(path)).length;
        const sorted = [...times].sort((a, b) => a - b);
        const p95 = sorted[Math.ceil(sorted.length * 0.95) - 1];
        rows.push(`| ${name} | ${median(times).toFixed(1)} | ${p95.toFixed(1)} | ${sorted[sorted.length - 1].toFixed(1)} | ${bytes.toLocaleString('en')} |`);
        console.log(rows[rows.length - 1]);
      }
      console.log(`\n${rows.join('\n')}`);
    } finally {
      await app.close();
      await credentials.idle();
    }
  } finally {
    await db.close();
  }
}

async function signIn(origin: string, name: string, password: string): Promise<string> {
  const form = await fetch(`${origin}/admin/login`);
  const loginCookie = form.headers.getSetCookie()[0].split(';')[0];
  const token = /name="_csrf" value="([^"]+)"/.exec(await form.text())![1];
  const answer = await fetch(`${origin}/admin/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: loginCookie },
    body: new URLSearchParams({ _csrf: token, name, password }).toString(),
  });
  const session = answer.headers.getSetCookie().find((c) => c.startsWith('fcrm_admin_session='));
  if (!session) throw new Error(`sign-in answered ${answer.status}`);
  return session.split(';')[0];
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
