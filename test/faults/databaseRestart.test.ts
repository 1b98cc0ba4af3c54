import { createEventTracking, DatabaseUnavailableError, silentLogger } from '../../src';
import { CredentialStore } from '../../src/auth/credentialStore';
import { capabilitiesFor } from '../../src/auth/capabilities';
import { buildServer } from '../../src/rest/buildServer';
import { REST_PREFIX } from '../../src/rest/publicUrl';
import { basicAuth } from '../helpers/testServer';
import { DedicatedCluster } from './dedicatedCluster';

// The machine's PostgreSQL server tools start a cluster of the test's own. Without them the test
// fails (with how to fix it) rather than pass unseen; FCRM_TEST_SKIP_RESTART=1 skips it on purpose.
const describeRestart = process.env.FCRM_TEST_SKIP_RESTART === '1' ? describe.skip : describe;

/** Resolves once `condition` holds, checking every 20 ms; rejects after `attempts` checks. */
async function until(condition: () => boolean, attempts: number, what: string): Promise<void> {
  for (let i = 0; i < attempts; i += 1) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`gave up waiting: ${what}`);
}

describeRestart('PostgreSQL restarted while events are flowing (a dedicated cluster)', () => {
  let cluster: DedicatedCluster;
  beforeAll(async () => {
    cluster = await DedicatedCluster.start();
  }, 60_000);
  afterAll(() => cluster?.destroy());

  test('calls fail with a clear error (REST: 503 with Retry-After) or succeed, none hangs, the runtime recovers by itself, every success is stored', async () => {
    const rt = await createEventTracking({ databaseUrl: cluster.url, logger: silentLogger, poolSize: 4 });
    const credentials = new CredentialStore(rt.dataSource, rt.database.schema);
    const app = await buildServer({ runtime: rt, credentials });
    try {
      const key = await credentials.create({ name: 'restart', capabilities: capabilitiesFor('manage') });
      await app.listen({ port: 0, host: '127.0.0.1' });
      const address = app.server.address();
      const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}${REST_PREFIX}`;
      const contact = await rt.api('contacts').createOrUpdate({ email: 'restart@example.com' });
      const trackOverRest = () =>
        fetch(`${base}/subscribers/track-event`, {
          method: 'POST',
          headers: { authorization: basicAuth(key.name, key.password), 'content-type': 'application/json' },
          body: JSON.stringify({ event_key: 'rest', title: 'Over REST', subscriber_id: contact.id }),
        });
      // Before the outage REST works (and the credential's verification is cached, as in normal use).
      expect((await trackOverRest()).status).toBe(200);

      let succeeded = 0;
      const failures: unknown[] = [];
      let longest = 0;
      let running = true;
      const loops = Array.from({ length: 8 }, async () => {
        while (running) {
          const started = Date.now();
          try {
            await rt.api('event_tracker').track({ event_key: 'flow', title: 'Flowing', subscriber_id: contact.id });
            succeeded += 1;
          } catch (error) {
            failures.push(error);
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
          longest = Math.max(longest, Date.now() - started);
        }
      });
      await until(() => succeeded >= 50, 500, '50 successes before the restart');

      // The restart, in two halves, so a REST request can be sent while the server is down.
      await cluster.stopServer();
      const duringOutage = await trackOverRest();
      const outageBody: unknown = await duringOutage.json();
      await cluster.startServer();

      // Sampled once the server is back: the runtime recovers by itself, successes grow from here.
      const afterRestart = succeeded;
      await until(() => succeeded >= afterRestart + 50, 1_000, '50 more successes after the restart');
      running = false;
      await Promise.all(loops);

      expect(duringOutage.status).toBe(503);
      expect(outageBody).toEqual({ message: expect.stringContaining('retry'), error_code: 'database_unavailable' });
      expect(Number(duringOutage.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await trackOverRest()).status).toBe(200);
      // No call hung past the documented timeouts (10 s connect, 30 s statement).
      expect(longest).toBeLessThan(30_000);
      // Every failure is the typed, actionable database_unavailable error, never a raw driver error.
      expect(failures.length).toBeGreaterThan(0);
      for (const failure of failures) {
        expect(failure).toBeInstanceOf(DatabaseUnavailableError);
        expect(failure).toMatchObject({ code: 'database_unavailable', message: expect.stringContaining('retry the call') });
      }
      // Every call that reported success is in the database (and the two REST calls answered 200).
      const [{ total }] = await rt.dataSource.query(`SELECT coalesce(sum(counter), 0)::int AS total FROM fc_event_tracking WHERE event_key = 'flow'`);
      expect(total).toBe(succeeded);
      const [{ rest }] = await rt.dataSource.query(`SELECT coalesce(sum(counter), 0)::int AS rest FROM fc_event_tracking WHERE event_key = 'rest'`);
      expect(rest).toBe(2);
    } finally {
      await app.close();
      await credentials.idle();
      await rt.close();
    }
  }, 120_000);
});
