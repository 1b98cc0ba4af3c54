import { join } from 'node:path';
import { BUILD_TIMEOUT_MS, ensureBuilt, ROOT } from '../helpers/builtPackage';
import { spawnLines, type LineProcess } from '../helpers/lineProcess';
import { openTestRuntime, testDatabaseUrl, type TestRuntime } from '../helpers/testRuntime';

// The embedded database lives in one process; `npm start` refuses WEB_CONCURRENCY > 1 on it (config test).
const describeOnPostgres = process.env.FCRM_TEST_DATABASE_KIND === 'embedded' ? describe.skip : describe;

const text = (lines: LineProcess['lines']) => lines.map((l) => (typeof l.text === 'string' ? l.text : '')).join('\n');
const listeningPids = (lines: LineProcess['lines']) =>
  lines.filter((l) => typeof l.msg === 'string' && l.msg.startsWith('Server listening at')).map((l) => l.pid as number);

async function until(condition: () => Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((resolve) => setTimeout(resolve, 100));
}

describeOnPostgres('npm start with WEB_CONCURRENCY=2 on one PostgreSQL', () => {
  let t: TestRuntime;
  beforeAll(async () => {
    ensureBuilt();
    // Migrated by this runtime; it records done actions without dispatching them, as a process that
    // died before dispatch would leave them: the workers' pollers compete for these at start-up.
    t = await openTestRuntime({ outbox: { deliver: false } });
    await t.sql(`CREATE TABLE {schema}.test_deliveries (delivery_id bigint NOT NULL, pid integer NOT NULL, event_key text NOT NULL)`);
  }, BUILD_TIMEOUT_MS);
  afterAll(async () => {
    await t?.close();
  });

  test('two workers share the port; each done action is delivered once per delivery id across them; SIGTERM stops all', async () => {
    const contact = await t.rt.api('contacts').createOrUpdate({ email: 'cluster@example.com' });
    await t.rt.api('event_tracker').trackMany(
      Array.from({ length: 300 }, (_, i) => ({ event_key: 'left_over', title: `Left ${i % 5}`, subscriber_id: contact.id })),
      true,
    );

    const server = spawnLines(process.execPath, [join(ROOT, 'dist', 'src', 'server', 'main.js')], {
      cwd: ROOT,
      env: {
        ...process.env,
        DATABASE_URL: testDatabaseUrl(),
        FCRM_SCHEMA: t.schema,
        PORT: '0',
        WEB_CONCURRENCY: '2',
        LOG_LEVEL: 'info',
        FCRM_PLUGINS: join(ROOT, 'test', 'fixtures', 'plugins', 'recordDeliveries.cjs'),
      },
    });
    try {
      // The credential is printed after the worker listens: wait for it too.
      await server.until((lines) => listeningPids(lines).length === 2 && /listening on http/.test(text(lines)) && /^\s+admin:[A-Za-z0-9]{24}$/m.test(text(lines)));
      const base = text(server.lines).match(/listening on (http:\/\/\S+)/)![1];
      // The schema is fresh: one worker created the administrator credential and printed it.
      const credential = text(server.lines).match(/^\s+(admin:[A-Za-z0-9]{24})$/m)![1];
      const authorization = `Basic ${Buffer.from(credential).toString('base64')}`;
      const track = async (count: number, key: string) => {
        let next = 0;
        await Promise.all(
          Array.from({ length: 8 }, async () => {
            while (next < count) {
              const i = next++;
              const response = await fetch(`${base}/subscribers/track-event`, {
                method: 'POST',
                // A new connection per request, so the primary hands requests to both workers.
                headers: { authorization, 'content-type': 'application/json', connection: 'close' },
                body: JSON.stringify({ event_key: key, title: `T ${i % 10}`, email: 'cluster@example.com' }),
              });
              expect(response.status).toBe(200);
              await response.arrayBuffer();
            }
          }),
        );
      };
      const delivered = async (expected: number) => {
        const [{ n }] = await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM {schema}.test_deliveries`);
        const [{ pending }] = await t.sql<{ pending: number }>(`SELECT count(*)::int AS pending FROM {schema}.fc_event_outbox WHERE delivered_at IS NULL`);
        return n >= expected && pending === 0;
      };

      await track(400, 'rest');
      await until(() => delivered(700));

      // A worker that dies is replaced, and the port keeps answering meanwhile.
      const [victim] = listeningPids(server.lines);
      process.kill(victim, 'SIGKILL');
      await server.until((lines) => lines.some((l) => l.msg === 'a worker exited unexpectedly; restarting it' && l.pid === victim));
      await server.until((lines) => listeningPids(lines).length === 3);
      await track(100, 'after_restart');
      await until(() => delivered(800));

      server.child.kill('SIGTERM');
      expect(await server.exited).toEqual({ code: 0, signal: null });
    } finally {
      server.child.kill('SIGKILL');
    }

    const twice = await t.sql(`SELECT delivery_id FROM {schema}.test_deliveries GROUP BY delivery_id HAVING count(*) > 1`);
    expect(twice).toEqual([]);
    const [{ deliveries, outbox }] = await t.sql<{ deliveries: number; outbox: number }>(
      `SELECT (SELECT count(DISTINCT delivery_id)::int FROM {schema}.test_deliveries) AS deliveries, (SELECT count(*)::int FROM {schema}.fc_event_outbox) AS outbox`,
    );
    expect({ deliveries, outbox }).toEqual({ deliveries: 800, outbox: 800 });
    const byPid = await t.sql<{ pid: number; n: number }>(`SELECT pid, count(*)::int AS n FROM {schema}.test_deliveries WHERE event_key = 'rest' GROUP BY pid`);
    expect(byPid.length).toBeGreaterThanOrEqual(2); // both workers served requests and delivered their done actions
  }, 180_000);
});
